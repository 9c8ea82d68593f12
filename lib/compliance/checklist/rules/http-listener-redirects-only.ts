import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnListener } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/** C1: an HTTP listener does nothing but redirect to HTTPS. */
export function httpListenerRedirectsOnly(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnListener) || NagRules.resolveIfPrimitive(node, node.protocol) !== 'HTTP') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const actions = Stack.of(node).resolve(node.defaultActions) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const onlyRedirect =
    Array.isArray(actions) &&
    actions.length === 1 &&
    NagRules.resolveIfPrimitive(node, actions[0].type) === 'redirect' &&
    NagRules.resolveIfPrimitive(node, actions[0].redirectConfig?.protocol) === 'HTTPS';
  return onlyRedirect ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
