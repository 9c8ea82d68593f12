/**
 * Routes a request through the HTTPS listener of a synthesized template the way ALB documents it, so tests can
 * ask what a given Host, method and path get instead of asserting the shape of the rules.
 *
 * - Rules are evaluated in priority order, lowest first; the default actions apply when no rule matches.
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
 * - host-header values are case-insensitive; path-pattern values are case-sensitive and match the path only
 *   (not the query string); both take `*` (any characters) and `?` (one character); http-request-method is
 *   case-sensitive. A rule matches when each of its conditions matches one of its values.
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 */
import { Template } from 'aws-cdk-lib/assertions';

export interface RoutedRequest {
  readonly host: string;
  readonly method?: string;
  readonly path?: string;
}

export type RouteOutcome =
  | { readonly kind: 'forward'; readonly targetGroup: string; readonly rule: string }
  | { readonly kind: 'fixed-response'; readonly status: number; readonly rule: string }
  | { readonly kind: 'redirect'; readonly rule: string }
  | {
      readonly kind: 'authenticate';
      /** The target group the request is forwarded to once the user is signed in. */
      readonly next: string;
      /** What ALB does without a session: `authenticate` (redirect to the IdP), `deny` (401) or `allow`. */
      readonly onUnauthenticatedRequest: string;
      readonly rule: string;
    };

interface Action {
  Type: string;
  Order?: number;
  TargetGroupArn?: { Ref?: string };
  ForwardConfig?: { TargetGroups?: Array<{ TargetGroupArn?: { Ref?: string } }> };
  FixedResponseConfig?: { StatusCode: string };
  AuthenticateCognitoConfig?: { OnUnauthenticatedRequest?: string };
  AuthenticateOidcConfig?: { OnUnauthenticatedRequest?: string };
}

interface Condition {
  Field: string;
  Values?: string[];
  HostHeaderConfig?: { Values: string[] };
  PathPatternConfig?: { Values: string[] };
  HttpRequestMethodConfig?: { Values: string[] };
}

function wildcard(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

function conditionMatches(condition: Condition, request: Required<RoutedRequest>): boolean {
  switch (condition.Field) {
    case 'host-header':
      return (condition.HostHeaderConfig?.Values ?? condition.Values ?? []).some((v) =>
        wildcard(v, 'i').test(request.host),
      );
    case 'path-pattern':
      return (condition.PathPatternConfig?.Values ?? condition.Values ?? []).some((v) =>
        wildcard(v, '').test(request.path.split('?')[0]),
      );
    case 'http-request-method':
      return (condition.HttpRequestMethodConfig?.Values ?? condition.Values ?? []).includes(request.method);
    default:
      throw new Error(`alb-routing does not evaluate ${condition.Field} conditions`);
  }
}

function targetGroupOf(action: Action): string {
  return String(action.TargetGroupArn?.Ref ?? action.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn?.Ref);
}

/**
 * Actions run in `Order`; an authenticate action must be followed by the action it leads to, which for a
 * sign-in in front of the app is a forward.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
function outcome(actions: Action[], rule: string): RouteOutcome {
  const ordered = [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
  const first = ordered[0];
  switch (first.Type) {
    case 'forward':
      return { kind: 'forward', targetGroup: targetGroupOf(first), rule };
    case 'fixed-response':
      return { kind: 'fixed-response', status: Number(first.FixedResponseConfig!.StatusCode), rule };
    case 'redirect':
      return { kind: 'redirect', rule };
    case 'authenticate-cognito':
    case 'authenticate-oidc': {
      const next = ordered[1];
      if (next?.Type !== 'forward') {
        throw new Error(`alb-routing: rule ${rule} authenticates, then does ${next?.Type ?? 'nothing'}`);
      }
      const config = first.AuthenticateCognitoConfig ?? first.AuthenticateOidcConfig;
      return {
        kind: 'authenticate',
        next: targetGroupOf(next),
        // ALB's default when the property is left out.
        onUnauthenticatedRequest: config?.OnUnauthenticatedRequest ?? 'authenticate',
        rule,
      };
    }
    default:
      throw new Error(`alb-routing does not know ${first.Type} actions`);
  }
}

/** What the HTTPS (port 443) listener of `template` does with `request`. */
export function routeHttps(template: Template, request: RoutedRequest): RouteOutcome {
  const full = { method: 'GET', path: '/', ...request };
  const listeners = Object.entries(template.findResources('AWS::ElasticLoadBalancingV2::Listener')).filter(
    ([, l]) => l.Properties.Port === 443,
  );
  if (listeners.length !== 1) {
    throw new Error(`expected one HTTPS listener, found ${listeners.length}`);
  }
  const [listenerId, listener] = listeners[0];
  const rules = Object.entries(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'))
    .filter(([, r]) => r.Properties.ListenerArn?.Ref === listenerId)
    .sort(([, a], [, b]) => a.Properties.Priority - b.Properties.Priority);
  for (const [id, rule] of rules) {
    if ((rule.Properties.Conditions as Condition[]).every((c) => conditionMatches(c, full))) {
      return outcome(rule.Properties.Actions, id);
    }
  }
  return outcome(listener.Properties.DefaultActions, 'default');
}
