/**
 * Building paths: a request, the policies that judge it, and its negative twins. Shared by the derivations.
 */
import { Gathered, PolicyIndex } from './policies';
import {
  ANOTHER_ACCOUNTS_ADMIN,
  CONTEXT_SOURCES,
  fromAnotherAccount,
  isForeignPrincipal,
  roleRequest,
  serviceRequest,
} from './requests';
import { Resolved, TemplateResolver } from './resolve';
import {
  AccessPath,
  AccessRequest,
  NamedPolicy,
  NegativeTwin,
  PathKind,
  RequestContext,
  StackEnvironment,
} from './types';

/** What every derivation works with. */
export interface DeriveContext {
  readonly r: TemplateResolver;
  readonly policies: PolicyIndex;
  readonly env: Required<StackEnvironment>;
}

export interface PathSpec {
  readonly kind: PathKind;
  readonly caller: string;
  readonly target: string;
  /** Appended to `caller → target`, e.g. the action's purpose. */
  readonly description?: string;
  readonly request: AccessRequest;
  readonly contextSource: string;
  readonly identity?: Gathered<{
    readonly policies: readonly NamedPolicy[];
    readonly boundaries: readonly NamedPolicy[];
  }>;
  readonly resourcePolicy?: Gathered<NamedPolicy | undefined>;
  readonly problems?: readonly string[];
  /**
   * How the `another account` twin differs: its source account and ARN (the service acting for another
   * account; the default when the request carries them), or its principal (another account's role).
   */
  readonly foreignTwin?: 'source' | 'principal';
  /** Twins besides `another account` and `no TLS`: same principal, a request that is not the stack's. */
  readonly twins?: readonly { readonly label: string; readonly request: AccessRequest }[];
}

/** True when the policy denies requests without TLS (a Deny conditioned on `aws:SecureTransport`). */
function requiresTls(policy: NamedPolicy | undefined): boolean {
  return (policy?.document.Statement ?? []).some(
    (s) =>
      s.Effect === 'Deny' &&
      Object.values(s.Condition ?? {}).some((block) =>
        Object.keys(block).some((k) => k.toLowerCase() === 'aws:securetransport'),
      ),
  );
}

export function makePath(spec: PathSpec): AccessPath {
  const identityPolicies = spec.identity?.value.policies ?? [];
  const resourcePolicy = spec.resourcePolicy?.value;
  const foreign = fromAnotherAccount(spec.request, spec.foreignTwin === 'principal');
  const twins: NegativeTwin[] = [
    {
      label: 'another account',
      request: foreign,
      identityPolicies: isForeignPrincipal(foreign) ? [ANOTHER_ACCOUNTS_ADMIN] : identityPolicies,
    },
    ...(spec.twins ?? []).map((t) => ({ ...t, identityPolicies })),
  ];
  if (requiresTls(resourcePolicy)) {
    twins.push({
      label: 'no TLS',
      request: { ...spec.request, context: { ...spec.request.context, 'aws:SecureTransport': 'false' } },
      identityPolicies,
    });
  }
  return {
    kind: spec.kind,
    description: `${spec.caller} → ${spec.target}${spec.description ? ` (${spec.description})` : ''}`,
    caller: spec.caller,
    target: spec.target,
    request: spec.request,
    identityPolicies,
    ...(spec.identity && spec.identity.value.boundaries.length > 0
      ? { permissionBoundaries: spec.identity.value.boundaries }
      : {}),
    ...(resourcePolicy ? { resourcePolicy } : {}),
    twins,
    problems: [
      ...(spec.problems ?? []),
      ...(spec.identity?.problems ?? []),
      ...(spec.resourcePolicy?.problems ?? []),
    ],
    contextSource: spec.contextSource,
  };
}

/** A path that could not even be built (its target does not resolve): it is reported, and fails. */
export function unevaluablePath(kind: PathKind, caller: string, target: string, problem: string): AccessPath {
  return {
    kind,
    description: `${caller} → ${target}`,
    caller,
    target,
    request: {
      principal: caller,
      action: 'unknown:Unknown',
      resource: '*',
      resourceAccount: '',
      context: {},
    },
    identityPolicies: [],
    twins: [],
    problems: [problem],
    contextSource: '',
  };
}

/** The value, or `undefined` with the problem recorded. */
export function take<T>(resolved: Resolved<T>, problems: string[], what: string): T | undefined {
  if (resolved.ok) return resolved.value;
  problems.push(`${what}: ${resolved.problem}`);
  return undefined;
}

/** A short name for a logical id in descriptions: the id without CDK's 8-hex-digit hash. */
export function short(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** Paths of a role's own call: identity policies of the role, and the resource's policy. */
export function rolePath(
  ctx: DeriveContext,
  spec: Omit<PathSpec, 'request' | 'identity' | 'contextSource'> & {
    readonly roleId: string;
    readonly action: string;
    readonly resource: string;
    readonly context?: RequestContext;
    readonly contextSource?: string;
  },
): AccessPath {
  const problems = [...(spec.problems ?? [])];
  const roleArn =
    take(ctx.r.getAtt(spec.roleId, 'Arn'), problems, `role ${spec.roleId}`) ??
    'arn:aws:iam::000000000000:role/unresolved';
  const account = spec.resource.split(':')[4] || ctx.env.account;
  return makePath({
    ...spec,
    problems,
    request: roleRequest(roleArn, spec.action, spec.resource, account, spec.context),
    identity: ctx.policies.identityPolicies(spec.roleId),
    contextSource: spec.contextSource ?? CONTEXT_SOURCES.role,
  });
}

/** The logical id of the role a property names (`Fn::GetAtt Role.Arn`, or an ARN that resolves to one). */
export function roleIdOf(ctx: DeriveContext, value: unknown): string | undefined {
  const direct = ctx.r.referencedId(value);
  if (direct && ctx.r.resource(direct)?.Type === 'AWS::IAM::Role') return direct;
  const resolved = ctx.r.resolveString(value);
  return resolved.ok ? ctx.policies.roleIdByArn(resolved.value) : undefined;
}

/** The logical id of the resource of `type` a property names by `Ref`, attribute or resolved value. */
export function idOf(
  ctx: DeriveContext,
  type: string,
  value: unknown,
  attributes: readonly string[],
): string | undefined {
  const direct = ctx.r.referencedId(value);
  if (direct && ctx.r.resource(direct)?.Type === type) return direct;
  const resolved = ctx.r.resolveString(value);
  return resolved.ok ? ctx.r.findByValue(type, resolved.value, attributes) : undefined;
}

/** A random-looking but fixed log stream, object or job name part. */
export const SAMPLE_DAY = '2026/01/01';

/**
 * The service's `sts:AssumeRole` on the role it runs as, judged by the role's trust policy. `context` holds the
 * source keys the service is documented to send (none for most).
 */
export function trustPath(
  ctx: DeriveContext,
  o: {
    readonly service: string;
    readonly roleId: string;
    readonly user: string;
    readonly context?: RequestContext;
    /**
     * The role's trust is scoped to this account's resources (`aws:SourceAccount`/`aws:SourceArn`, checklist
     * C3): one more twin, the same service acting for a resource of another account, must be denied.
     */
    readonly sourceScoped?: boolean;
  },
): AccessPath {
  const problems: string[] = [];
  const roleArn = take(ctx.r.getAtt(o.roleId, 'Arn'), problems, `role ${o.roleId}`);
  if (!roleArn)
    return unevaluablePath('role-trust', o.service, `role ${short(o.roleId)}`, problems.join('; '));
  const request = serviceRequest(o.service, 'sts:AssumeRole', roleArn, ctx.env.account, o.context ?? {});
  return makePath({
    kind: 'role-trust',
    caller: o.service,
    target: `role ${short(o.roleId)}`,
    description: `runs ${o.user}`,
    request,
    resourcePolicy: ctx.policies.trustPolicy(o.roleId),
    contextSource: CONTEXT_SOURCES.assumeRole,
    // Only the service may assume the role; PassRole keeps other accounts from naming it, so the twin is
    // another account's principal rather than the service acting for another account.
    foreignTwin: 'principal',
    twins: o.sourceScoped
      ? [{ label: 'the service for another account', request: fromAnotherAccount(request) }]
      : [],
  });
}

/** A log stream's ARN, the resource of logs:CreateLogStream and logs:PutLogEvents. */
export function logStreamArn(ctx: DeriveContext, logGroupName: string, stream: string): string {
  return `arn:${ctx.env.partition}:logs:${ctx.env.region}:${ctx.env.account}:log-group:${logGroupName}:log-stream:${stream}`;
}

/** The name of a log group given by name or ARN (with or without `:*`). */
export function logGroupName(value: string): string {
  const m = /:log-group:([^:]+)/.exec(value);
  return m ? m[1] : value;
}

/** A role's writes to a log stream (logs:CreateLogStream, logs:PutLogEvents). */
export function roleLogPaths(
  ctx: DeriveContext,
  o: {
    readonly kind: PathKind;
    readonly caller: string;
    readonly roleId: string;
    readonly logGroup: string;
    readonly stream: string;
  },
): AccessPath[] {
  const name = logGroupName(o.logGroup);
  const groupId = ctx.r.findByValue('AWS::Logs::LogGroup', name);
  return ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) =>
    rolePath(ctx, {
      kind: o.kind,
      caller: o.caller,
      target: `log group ${groupId ? short(groupId) : name}`,
      description: action,
      roleId: o.roleId,
      action,
      resource: logStreamArn(ctx, name, o.stream),
    }),
  );
}
