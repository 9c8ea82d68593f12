import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnListener } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/** HSTS shorter than a year is not honoured by browsers' preload lists and leaves a window for downgrade. */
const ONE_YEAR_SECONDS = 31536000;

/** C1: an HTTPS listener sends Strict-Transport-Security with a max-age of at least one year. */
export function httpsListenerHsts(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnListener) || NagRules.resolveIfPrimitive(node, node.protocol) !== 'HTTPS') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const attributes = (Stack.of(node).resolve(node.listenerAttributes) ?? []) as Array<{
    key?: string;
    value?: string;
  }>;
  const hsts = attributes.find(
    (a) =>
      NagRules.resolveIfPrimitive(node, a.key) ===
      'routing.http.response.strict_transport_security.header_value',
  );
  const value = hsts ? String(NagRules.resolveIfPrimitive(node, hsts.value)) : '';
  const maxAge = Number(/max-age=(\d+)/i.exec(value)?.[1] ?? 0);
  return maxAge >= ONE_YEAR_SECONDS ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
