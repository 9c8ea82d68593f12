import { CfnResource } from 'aws-cdk-lib';
import { CfnInternetGateway, CfnRoute, CfnSubnet, CfnSubnetRouteTableAssociation } from 'aws-cdk-lib/aws-ec2';
import { CfnDBCluster, CfnDBInstance, CfnDBSubnetGroup } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { logicalIdOf, referencedIds, refersTo, resolved, resourcesOfStack } from '../template-references';

/**
 * C3: a database instance or cluster is not publicly accessible, and lives only in a subnet group of the same
 * stack whose subnets have no route to an internet gateway. Findings: `publicly-accessible`; `subnet-group`
 * (none given, so RDS would use the default VPC, or one defined outside the stack); `internet-route` (a subnet
 * routes to an internet gateway); `subnet-routes-unknown` (a subnet defined outside the stack, whose routes
 * cannot be seen at synth). An instance of an Aurora cluster is placed by its cluster.
 */
export function databaseNotReachableFromInternet(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnDBInstance || node instanceof CfnDBCluster)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const findings: string[] = [];
  if (NagRules.resolveIfPrimitive(node, node.publiclyAccessible) === true) {
    findings.push('publicly-accessible');
  }
  if (node instanceof CfnDBInstance && node.dbClusterIdentifier !== undefined) {
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  }
  const groupIds = referencedIds(node, node.dbSubnetGroupName);
  const group = resourcesOfStack(node, CfnDBSubnetGroup).find((g) => groupIds.includes(logicalIdOf(g)));
  if (!group) {
    findings.push('subnet-group');
    return findings;
  }
  const subnets = resolved<unknown[]>(group, group.subnetIds) ?? [];
  const stackSubnets = resourcesOfStack(node, CfnSubnet).map(logicalIdOf);
  const gateways = resourcesOfStack(node, CfnInternetGateway).map(logicalIdOf);
  const associations = resourcesOfStack(node, CfnSubnetRouteTableAssociation);
  const routes = resourcesOfStack(node, CfnRoute);
  let unknown = false;
  let internet = false;
  for (const subnet of subnets) {
    const subnetId = referencedIds(group, subnet).find((id) => stackSubnets.includes(id));
    if (!subnetId) {
      unknown = true;
      continue;
    }
    const tables = associations
      .filter((a) => refersTo(a, a.subnetId, subnetId))
      .flatMap((a) => referencedIds(a, a.routeTableId));
    internet ||= routes.some(
      (route) =>
        tables.some((table) => refersTo(route, route.routeTableId, table)) &&
        (gateways.some((gateway) => refersTo(route, route.gatewayId, gateway)) ||
          /^igw-/.test(String(resolved(route, route.gatewayId)))),
    );
  }
  if (internet) findings.push('internet-route');
  if (unknown) findings.push('subnet-routes-unknown');
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
