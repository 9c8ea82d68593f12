import { CfnResource } from 'aws-cdk-lib';
import { CfnVPC } from 'aws-cdk-lib/aws-ec2';
import {
  CfnFirewallDomainList,
  CfnFirewallRuleGroup,
  CfnFirewallRuleGroupAssociation,
} from 'aws-cdk-lib/aws-route53resolver';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { logicalIdOf, referencedIds, refersTo, resolved, resourcesOfStack } from '../template-references';

/**
 * C8: every VPC's outbound DNS is an allow-list. A DNS Firewall rule group of the same stack is associated with
 * the VPC, and the rule it evaluates last (the highest Priority number) blocks a domain list that holds `*`, so any
 * name not allowed by an earlier rule gets no answer. A last rule that only alerts (the rollout mode) or allows,
 * or a domain list the template does not hold, does not count.
 */
export function dnsFirewallBlocks(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnVPC)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const vpcId = logicalIdOf(node);
  const groups = resourcesOfStack(node, CfnFirewallRuleGroupAssociation)
    .filter((a) => refersTo(a, a.vpcId, vpcId))
    .flatMap((a) => referencedIds(a, a.firewallRuleGroupId))
    .map((id) => resourcesOfStack(node, CfnFirewallRuleGroup).find((g) => logicalIdOf(g) === id))
    .filter((g): g is CfnFirewallRuleGroup => g !== undefined);
  return groups.some(lastRuleBlocksEverything)
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}

interface Rule {
  readonly priority?: unknown;
  readonly action?: unknown;
  readonly firewallDomainListId?: unknown;
}

function lastRuleBlocksEverything(group: CfnFirewallRuleGroup): boolean {
  const rules = resolved<Rule[] | undefined>(group, group.firewallRules) ?? [];
  if (!Array.isArray(rules) || rules.length === 0) {
    return false;
  }
  const last = rules.reduce((a, b) => (Number(b.priority) > Number(a.priority) ? b : a));
  if (last.action !== 'BLOCK') {
    return false;
  }
  const listIds = referencedIds(group, last.firewallDomainListId);
  return resourcesOfStack(group, CfnFirewallDomainList)
    .filter((list) => listIds.includes(logicalIdOf(list)))
    .some((list) => (resolved<unknown[] | undefined>(list, list.domains) ?? []).includes('*'));
}
