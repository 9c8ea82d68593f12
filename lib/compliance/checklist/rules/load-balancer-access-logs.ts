import { CfnResource } from 'aws-cdk-lib';
import { CfnLoadBalancer } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { resolved } from '../template-references';

/** C10: an Application Load Balancer writes access logs, the record of who asked for what. */
export function loadBalancerAccessLogs(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLoadBalancer) || (resolved(node, node.type) ?? 'application') !== 'application') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const attributes =
    resolved<Array<{ key?: string; value?: unknown }> | undefined>(node, node.loadBalancerAttributes) ?? [];
  const enabled = attributes.find((a) => a.key === 'access_logs.s3.enabled')?.value;
  return enabled === 'true' || enabled === true
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
