import { CfnResource } from 'aws-cdk-lib';
import { CfnListener } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { ALLOWED_SSL_POLICIES } from '../../../private/defaults';

/** C1: an HTTPS listener uses a security policy that accepts only TLS 1.2 or newer. */
export function httpsListenerTlsPolicy(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnListener) || NagRules.resolveIfPrimitive(node, node.protocol) !== 'HTTPS') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const policy = NagRules.resolveIfPrimitive(node, node.sslPolicy);
  // Without a policy, the load balancer picks its own default, which has changed over the years.
  return typeof policy === 'string' && ALLOWED_SSL_POLICIES.includes(policy)
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
