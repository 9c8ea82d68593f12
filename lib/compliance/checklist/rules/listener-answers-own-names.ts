import { CfnResource } from 'aws-cdk-lib';
import { CfnListener, CfnListenerRule } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { logicalIdOf, refersTo, resolved, resourcesOfStack } from '../template-references';

interface Action {
  Type?: string;
  type?: string;
}

interface Condition {
  Field?: string;
  field?: string;
}

/** Whether an action forwards, or may: a type known only at deploy counts as forwarding. */
function forwards(actions: unknown): boolean {
  return ((actions ?? []) as Action[]).some((a) => {
    const type = a.Type ?? a.type;
    return typeof type !== 'string' || type === 'forward';
  });
}

/**
 * C9: an HTTPS listener forwards only requests for the app's own names. Its default action (what any other Host,
 * the raw `*.elb.amazonaws.com` name included, gets) does not forward, and every rule of the stack that forwards
 * for this listener has a host-header condition. Scanners that find the load balancer by its raw name or by IP
 * then reach nothing of the app.
 */
export function listenerAnswersOwnNames(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnListener) || NagRules.resolveIfPrimitive(node, node.protocol) !== 'HTTPS') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (forwards(resolved(node, node.defaultActions))) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  const id = logicalIdOf(node);
  const rules = resourcesOfStack(node, CfnListenerRule).filter((rule) =>
    refersTo(node, rule.listenerArn, id),
  );
  const unconfined = rules.some(
    (rule) =>
      forwards(resolved(rule, rule.actions)) &&
      !(resolved<Condition[]>(rule, rule.conditions) ?? []).some(
        (c) => (c.Field ?? c.field) === 'host-header',
      ),
  );
  return unconfined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
