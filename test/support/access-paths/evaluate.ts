/**
 * Evaluates one request with `@cloud-copilot/iam-simulate` (identity policies, permissions boundary, resource or
 * key policy), after the encryption-context stand-in has evaluated the conditions the engine ignores.
 *
 * Anything the engine could not fully evaluate is `Unevaluated`, which fails the path like a denial: a policy
 * it rejects, a context key it drops (other than the encryption context the stand-in handles), a wildcard
 * result, a stand-in operator that is not implemented.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { rewriteForEngine, RewrittenPolicy, withoutEncryptionContext } from './encryption-context';
import { statementLabels } from './policies';
import { AccessRequest, NamedPolicy, Verdict } from './types';

/** What one analysed statement looks like in the engine's result (the parts read here). */
interface AnalysedStatement {
  readonly policyId?: string;
  readonly actionMatch: boolean;
  readonly resourceMatch: boolean;
  readonly principalMatch: string;
  readonly statement: { index(): number };
  readonly explain: {
    readonly effect: string;
    readonly conditions?: readonly {
      readonly operator: string;
      readonly conditionKeyValue: string;
      readonly matches: boolean;
      readonly failedBecauseMissing?: boolean;
    }[];
  };
}

interface Analysis {
  readonly allowStatements: readonly AnalysedStatement[];
  readonly denyStatements: readonly AnalysedStatement[];
  readonly unmatchedStatements: readonly AnalysedStatement[];
}

const unevaluated = (why: string, standIn: readonly string[] = []): Verdict => ({
  decision: 'Unevaluated',
  deciding: why,
  standIn,
});

/** Evaluates `request`; `identity` are the principal's policies, `resource` the resource's or key's policy. */
export async function evaluateRequest(
  request: AccessRequest,
  identity: readonly NamedPolicy[],
  resource?: NamedPolicy,
  boundaries: readonly NamedPolicy[] = [],
): Promise<Verdict> {
  const rewrite = (p: NamedPolicy): RewrittenPolicy & { name: string } => ({
    name: p.name,
    ...rewriteForEngine(p.document, statementLabels(p), request.context),
  });
  const identities = identity.map(rewrite);
  const bounds = boundaries.map(rewrite);
  const resourcePolicy = resource ? rewrite(resource) : undefined;
  const all = [...identities, ...bounds, ...(resourcePolicy ? [resourcePolicy] : [])];
  const standIn = all.flatMap((p) => p.notes);
  const unsupported = all.find((p) => p.unsupported);
  if (unsupported) return unevaluated(`stand-in: ${unsupported.unsupported}`, standIn);

  // A policy left with no statement still exists: it then allows nothing.
  const nonEmpty = (p: RewrittenPolicy) =>
    p.document.Statement.length > 0
      ? p.document
      : {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: { AWS: 'arn:aws:iam::000000000000:root' },
              Action: request.action,
              Resource: '*',
            },
          ],
        };
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: withoutEncryptionContext(request.context),
      },
      identityPolicies: identities.map((p) => ({ name: p.name, policy: p.document })),
      ...(bounds.length > 0
        ? { permissionBoundaryPolicies: bounds.map((p) => ({ name: p.name, policy: p.document })) }
        : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy: nonEmpty(resourcePolicy) } : {}),
    },
    {},
  );
  if (result.resultType === 'error') return unevaluated(`engine: ${JSON.stringify(result.errors)}`, standIn);
  if (result.resultType !== 'single')
    return unevaluated(`engine: ${result.resultType} result for ${request.resource}`, standIn);
  const ignored = result.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) return unevaluated(`engine ignored context keys ${ignored.join(', ')}`, standIn);

  const analysis = result.result.analysis;
  const label = (policies: readonly (RewrittenPolicy & { name: string })[], s: AnalysedStatement) => {
    const policy = policies.find((p) => p.name === s.policyId) ?? policies[0];
    return `${policy?.labels[s.statement.index() - 1] ?? `statement ${s.statement.index()}`}`;
  };
  const resourceLabel = (s: AnalysedStatement) =>
    `${resource?.name}: ${label(resourcePolicy ? [resourcePolicy] : [], s)}`;
  const identityLabel = (s: AnalysedStatement) => `${s.policyId}: ${label(identities, s)}`;
  const boundaryLabel = (s: AnalysedStatement) => `boundary ${s.policyId}: ${label(bounds, s)}`;
  const ra = analysis.resourceAnalysis as Analysis | undefined;
  const ia = analysis.identityAnalysis as Analysis | undefined;
  const pa = analysis.permissionBoundaryAnalysis as Analysis | undefined;

  if (analysis.result === 'Allowed') {
    const deciding = [
      ...(ra?.allowStatements ?? []).map(resourceLabel),
      ...(ia?.allowStatements ?? []).map(identityLabel),
    ];
    return { decision: 'Allowed', deciding: deciding.join(' + '), standIn };
  }
  if (analysis.result === 'ExplicitlyDenied') {
    const deciding = [
      ...(ra?.denyStatements ?? []).map(resourceLabel),
      ...(ia?.denyStatements ?? []).map(identityLabel),
      ...(pa?.denyStatements ?? []).map(boundaryLabel),
    ];
    return { decision: 'ExplicitlyDenied', deciding: `denied by ${deciding.join(' + ')}`, standIn };
  }
  // Implicitly denied: say which statements came close (right action, resource and principal) and why not.
  const near = (a: Analysis | undefined, name: (s: AnalysedStatement) => string) =>
    (a?.unmatchedStatements ?? [])
      .filter(
        (s) =>
          s.explain.effect === 'Allow' && s.actionMatch && s.resourceMatch && s.principalMatch !== 'NoMatch',
      )
      .map((s) => {
        const failed = (s.explain.conditions ?? []).filter((c) => !c.matches);
        const why = failed
          .map(
            (c) => `${c.operator} ${c.conditionKeyValue}${c.failedBecauseMissing ? ' (key not sent)' : ''}`,
          )
          .join(', ');
        return `${name(s)}${why ? ` fails ${why}` : ''}`;
      });
  const accountOnly = (ra?.allowStatements ?? [])
    .filter((s) => s.principalMatch === 'AccountLevelMatch')
    .map(resourceLabel);
  const notes = [
    ...near(ra, resourceLabel),
    ...near(ia, identityLabel),
    ...(accountOnly.length > 0 && (ia?.allowStatements.length ?? 0) === 0
      ? [`${accountOnly.join(', ')} delegates to IAM, and no identity policy allows it`]
      : []),
    ...(pa && pa.allowStatements.length === 0 ? ['the permissions boundary does not allow it'] : []),
  ];
  const base = resource ? `no statement of ${resource.name} allows it` : 'no policy allows it';
  return {
    decision: 'ImplicitlyDenied',
    deciding: notes.length > 0 ? `${base}; ${notes.join('; ')}` : base,
    standIn,
  };
}
