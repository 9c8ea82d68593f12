import { CfnResource } from 'aws-cdk-lib';
import { CfnListener, CfnListenerRule } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { logicalIdOf, refersTo, resolved, resourcesOfStack } from '../template-references';

/** A listener action as the template holds it (CloudFormation case) or as CDK renders it (camel case). */
interface Action {
  Type?: unknown;
  type?: unknown;
  Order?: unknown;
  order?: unknown;
  AuthenticateCognitoConfig?: { OnUnauthenticatedRequest?: unknown };
  authenticateCognitoConfig?: { onUnauthenticatedRequest?: unknown };
  AuthenticateOidcConfig?: { OnUnauthenticatedRequest?: unknown };
  authenticateOidcConfig?: { onUnauthenticatedRequest?: unknown };
}

interface Condition {
  Field?: unknown;
  field?: unknown;
  Values?: unknown;
  values?: unknown;
  HostHeaderConfig?: { Values?: unknown };
  hostHeaderConfig?: { values?: unknown };
  PathPatternConfig?: { Values?: unknown };
  pathPatternConfig?: { values?: unknown };
}

/** One rule of the listener, reduced to what the judgement needs. */
interface Rule {
  readonly priority: number | undefined;
  /** Host names it is limited to; undefined for every host. */
  readonly hosts: string[] | undefined;
  /** Path patterns it is limited to; undefined for every path. */
  readonly paths: string[] | undefined;
  /** Whether it forwards, or may: without a sign-in first. */
  readonly forwardsWithoutLogin: boolean;
  /** Whether it signs the user in (authenticate, unauthenticated requests not allowed through), then forwards. */
  readonly signsInThenForwards: boolean;
}

const AUTHENTICATE = ['authenticate-cognito', 'authenticate-oidc'];

/** `record[pascal]`, or `record[camel]` when CDK has not rendered the value in CloudFormation case yet. */
function field<T>(record: Record<string, unknown>, pascal: string, camel: string): T | undefined {
  return (record[pascal] ?? record[camel]) as T | undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** The values of the rule's `host-header` or `path-pattern` condition; a value known only at deploy is `['*']`. */
function conditionValues(conditions: Condition[], name: string): string[] | undefined {
  const condition = conditions.find((c) => (c.Field ?? c.field) === name);
  if (!condition) return undefined;
  const config =
    name === 'host-header'
      ? (condition.HostHeaderConfig?.Values ?? condition.hostHeaderConfig?.values)
      : (condition.PathPatternConfig?.Values ?? condition.pathPatternConfig?.values);
  return strings(config ?? condition.Values ?? condition.values) ?? ['*'];
}

/** What `actions` do, on the requests `conditions` select, at `priority` (undefined: the default actions). */
function describe(
  scope: CfnResource,
  actionsValue: unknown,
  conditionsValue: unknown,
  priority: number | undefined,
): Rule {
  const actions = [...((resolved<Action[] | undefined>(scope, actionsValue) ?? []) as Action[])].sort(
    (a, b) => Number(a.Order ?? a.order ?? 0) - Number(b.Order ?? b.order ?? 0),
  );
  const conditions = (resolved<Condition[] | undefined>(scope, conditionsValue) ?? []) as Condition[];
  const types = actions.map((a) => a.Type ?? a.type);
  const first = actions[0] as Record<string, unknown> | undefined;
  const config = first
    ? (field<Record<string, unknown>>(first, 'AuthenticateCognitoConfig', 'authenticateCognitoConfig') ??
      field<Record<string, unknown>>(first, 'AuthenticateOidcConfig', 'authenticateOidcConfig'))
    : undefined;
  // ALB's default for a missing OnUnauthenticatedRequest is `authenticate`.
  const unauthenticated = config
    ? (field<unknown>(config, 'OnUnauthenticatedRequest', 'onUnauthenticatedRequest') ?? 'authenticate')
    : undefined;
  // `allow` lets a request without a session through: no sign-in is enforced. A value known only at deploy
  // time proves nothing either.
  const authenticates = AUTHENTICATE.includes(String(types[0]));
  const signsIn = authenticates && (unauthenticated === 'authenticate' || unauthenticated === 'deny');
  const forwards = types.some((t) => typeof t !== 'string' || t === 'forward');
  return {
    priority,
    hosts: conditionValues(conditions, 'host-header'),
    paths: conditionValues(conditions, 'path-pattern'),
    forwardsWithoutLogin: forwards && !signsIn,
    signsInThenForwards: signsIn && types.slice(1).includes('forward'),
  };
}

/** ALB wildcards (`*` any characters, `?` one) as a regular expression. */
function wildcard(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** Whether `earlier`'s values (undefined: all) take some requests meant for `later`'s values. */
function overlaps(earlier: string[] | undefined, later: string[] | undefined, flags: string): boolean {
  if (earlier === undefined || later === undefined) return true;
  return later.some((l) =>
    earlier.some((e) => e === l || wildcard(e, flags).test(l) || wildcard(l, flags).test(e)),
  );
}

/**
 * C2: the HTTPS listener puts a sign-in in front of what only operators use. Compliant when at least one listener
 * rule first authenticates (Cognito or OIDC, a request without a session not let through) and then forwards, and
 * no rule evaluated before it forwards the same paths on the same hosts without signing in; a finding for each
 * such earlier rule (`unprotected-<priority>`). An HTTPS listener that forwards to the app with no sign-in rule
 * anywhere is a finding (`no-sign-in`): the stack then has no evidence of a second factor in front of the
 * operator paths. A listener that forwards nowhere is not applicable.
 */
export function protectedPathsAuthenticate(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnListener) || NagRules.resolveIfPrimitive(node, node.protocol) !== 'HTTPS') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const id = logicalIdOf(node);
  const rules = resourcesOfStack(node, CfnListenerRule)
    .filter((rule) => refersTo(node, rule.listenerArn, id))
    .map((rule) => {
      const priority = NagRules.resolveIfPrimitive(rule, rule.priority);
      return describe(
        rule,
        rule.actions,
        rule.conditions,
        typeof priority === 'number' ? priority : undefined,
      );
    });
  // The default actions come last, for every host and path.
  const defaults = {
    ...describe(node, node.defaultActions, [], undefined),
    priority: Number.MAX_SAFE_INTEGER,
  };
  const all = [...rules, defaults];
  if (!all.some((r) => r.forwardsWithoutLogin || r.signsInThenForwards)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const signIns = all.filter((r) => r.signsInThenForwards);
  if (signIns.length === 0) {
    return ['no-sign-in'];
  }
  const findings = new Set<string>();
  for (const signIn of signIns) {
    for (const other of all) {
      const before =
        signIn.priority === undefined || other.priority === undefined || other.priority < signIn.priority;
      if (
        other.forwardsWithoutLogin &&
        before &&
        overlaps(other.paths, signIn.paths, '') &&
        overlaps(other.hosts, signIn.hosts, 'i')
      ) {
        findings.add(`unprotected-${other.priority ?? 'unknown'}`);
      }
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}
