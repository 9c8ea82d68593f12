import { CfnResource } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupIngress } from 'aws-cdk-lib/aws-ec2';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { logicalIdOf, referencedIds, resolved, resourcesOfStack } from '../template-references';

interface IngressRule {
  cidrIp?: unknown;
  cidrIpv6?: unknown;
  sourcePrefixListId?: unknown;
}

/**
 * C3: a database security group admits traffic only from other security groups, never from address ranges
 * (CIDR blocks or prefix lists), so only the named clients (the app tasks) reach the database. A database
 * security group is one of this stack that a DB instance or cluster of this stack lists in its
 * `VPCSecurityGroups` / `VpcSecurityGroupIds`. Applies to the group's inline ingress rules and to separate
 * ingress resources of it.
 */
export function databaseIngressFromSecurityGroups(node: CfnResource): NagRuleResult {
  let groupIds: string[];
  let rules: IngressRule[];
  if (node instanceof CfnSecurityGroup) {
    groupIds = [logicalIdOf(node)];
    rules = resolved<IngressRule[] | undefined>(node, node.securityGroupIngress) ?? [];
  } else if (node instanceof CfnSecurityGroupIngress) {
    groupIds = referencedIds(node, node.groupId);
    rules = [{ cidrIp: node.cidrIp, cidrIpv6: node.cidrIpv6, sourcePrefixListId: node.sourcePrefixListId }];
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const databaseGroups = [
    ...resourcesOfStack(node, CfnDBInstance).flatMap((db) => referencedIds(db, db.vpcSecurityGroups)),
    ...resourcesOfStack(node, CfnDBCluster).flatMap((db) => referencedIds(db, db.vpcSecurityGroupIds)),
  ];
  if (!groupIds.some((id) => databaseGroups.includes(id))) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const fromRanges = rules.some(
    (rule) =>
      rule.cidrIp !== undefined || rule.cidrIpv6 !== undefined || rule.sourcePrefixListId !== undefined,
  );
  return fromRanges ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
