import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupEgress } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

interface EgressRule {
  ipProtocol?: unknown;
  cidrIp?: unknown;
  cidrIpv6?: unknown;
}

/**
 * C8: no security group sends all traffic to the whole internet; egress to anywhere is limited to named
 * ports. (A rule with protocol -1 to 0.0.0.0/0 or ::/0 lets anything inside talk to anything outside.)
 */
export function egressNamedPorts(node: CfnResource): NagRuleResult {
  let rules: EgressRule[];
  if (node instanceof CfnSecurityGroup) {
    rules = (Stack.of(node).resolve(node.securityGroupEgress) ?? []) as EgressRule[];
  } else if (node instanceof CfnSecurityGroupEgress) {
    rules = [{ ipProtocol: node.ipProtocol, cidrIp: node.cidrIp, cidrIpv6: node.cidrIpv6 }];
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const open = rules.some((rule) => {
    const protocol = String(NagRules.resolveIfPrimitive(node, rule.ipProtocol));
    const cidr = rule.cidrIp === undefined ? undefined : NagRules.resolveIfPrimitive(node, rule.cidrIp);
    const cidr6 = rule.cidrIpv6 === undefined ? undefined : NagRules.resolveIfPrimitive(node, rule.cidrIpv6);
    return protocol === '-1' && (cidr === '0.0.0.0/0' || cidr6 === '::/0');
  });
  return open ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
