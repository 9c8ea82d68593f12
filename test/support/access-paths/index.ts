/**
 * The access-path matrix of a synthesized template: every request the stack relies on at run time, derived
 * from the template (alarms, rules, subscriptions, log groups, deliveries, workloads, backups, rotation),
 * evaluated with a real IAM policy engine, each with negative twins that must be denied.
 *
 *   const matrix = await accessPathMatrix(template, { account: '123456789012', region: 'eu-west-1' });
 *   matrix.rows.filter((r) => !r.proven)   // what does not work, with the deciding statement
 *
 * Development tooling: it imports `@cloud-copilot/iam-simulate` (a devDependency, AGPL, never shipped).
 */
import { alarmPaths, eventRulePaths, rdsEventPaths } from './derive-notifications';
import {
  cloudTrailPaths,
  flowLogPaths,
  loadBalancerLogPaths,
  logGroupKeyPaths,
  rdsMonitoringPaths,
  s3AccessLogPaths,
  wafLogPaths,
  resolverQueryLogPaths,
} from './derive-delivery';
import { ecsPaths, lambdaPaths, stateMachinePaths } from './derive-workloads';
import { findingsDestinations, maskingFindingsPaths } from './derive-masking';
import { backupPaths, restoreTestingPaths, rotationPaths } from './derive-data';
import { evaluateRequest } from './evaluate';
import { DeriveContext } from './paths';
import { PolicyIndex } from './policies';
import { fullEnvironment, TemplateResolver } from './resolve';
import { AppStack, backupCopyPaths, copiesToAnotherAccount } from './derive-backup-copy';
import {
  AccessPath,
  CfnTemplate,
  CrossStackPathKind,
  MatrixRow,
  PathKind,
  StackEnvironment,
  Verdict,
} from './types';

export * from './types';
export { evaluateRequest } from './evaluate';
export { TemplateResolver, resolverFor } from './resolve';
export { CONTEXT_SOURCES, OTHER_ACCOUNT } from './requests';
export { formatMatrix, markdownTable, matrixFailures } from './report';

/** The logical ids a value refers to with `Ref` or `Fn::GetAtt`, anywhere inside it. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return [v.Ref];
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att)) return [String(att[0])];
  return Object.values(v).flatMap(refs);
}

type Props = Record<string, unknown>;
/** True when `value` refers to a resource of `types` encrypted with a customer managed key. */
const encryptedTarget = (t: CfnTemplate, value: unknown, types: readonly string[]) =>
  refs(value).some((id) => {
    const r = t.Resources?.[id];
    return r !== undefined && types.includes(r.Type) && r.Properties?.KmsMasterKeyId !== undefined;
  });
const targets = (p: Props) => (Array.isArray(p.Targets) ? (p.Targets as Props[]) : []);

/**
 * Each kind of path, the resource type it is derived from, and when such a resource yields one: a template
 * with a matching resource must yield at least one path of the kind, so a broken derivation cannot pass with
 * an empty matrix.
 */
export const PATH_SOURCES: Readonly<
  Record<
    Exclude<PathKind, CrossStackPathKind>,
    { readonly type: string; readonly when?: (props: Props, t: CfnTemplate) => boolean }
  >
> = {
  'alarm-action': {
    type: 'AWS::CloudWatch::Alarm',
    when: (p) => refs([p.AlarmActions, p.OKActions, p.InsufficientDataActions]).length > 0,
  },
  'alarm-action-key': {
    type: 'AWS::CloudWatch::Alarm',
    when: (p, t) =>
      encryptedTarget(t, [p.AlarmActions, p.OKActions, p.InsufficientDataActions], ['AWS::SNS::Topic']),
  },
  'event-target': { type: 'AWS::Events::Rule', when: (p) => targets(p).length > 0 },
  'event-target-key': {
    type: 'AWS::Events::Rule',
    when: (p, t) =>
      targets(p).some(
        (x) => x.RoleArn === undefined && encryptedTarget(t, x.Arn, ['AWS::SNS::Topic', 'AWS::SQS::Queue']),
      ),
  },
  'event-dead-letter': {
    type: 'AWS::Events::Rule',
    when: (p) => targets(p).some((x) => x.DeadLetterConfig !== undefined),
  },
  'event-dead-letter-key': {
    type: 'AWS::Events::Rule',
    when: (p, t) => targets(p).some((x) => encryptedTarget(t, x.DeadLetterConfig, ['AWS::SQS::Queue'])),
  },
  'rds-event': { type: 'AWS::RDS::EventSubscription' },
  'rds-event-key': {
    type: 'AWS::RDS::EventSubscription',
    when: (p, t) => encryptedTarget(t, p.SnsTopicArn, ['AWS::SNS::Topic']),
  },
  'log-group-key': { type: 'AWS::Logs::LogGroup', when: (p) => p.KmsKeyId !== undefined },
  'masking-findings': {
    type: 'AWS::Logs::LogGroup',
    when: (p) => findingsDestinations(p.DataProtectionPolicy).length > 0,
  },
  'role-trust': { type: 'AWS::IAM::Role' },
  'resolver-query-logs': { type: 'AWS::Route53Resolver::ResolverQueryLoggingConfig' },
  'lambda-runtime': { type: 'AWS::Lambda::Function' },
  'lambda-code': { type: 'AWS::Lambda::Function' },
  'state-machine': { type: 'AWS::StepFunctions::StateMachine' },
  'ecs-execution': { type: 'AWS::ECS::TaskDefinition', when: (p) => p.ExecutionRoleArn !== undefined },
  'load-balancer-logs': {
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    when: (p) =>
      JSON.stringify(p.LoadBalancerAttributes ?? []).includes(
        '{"Key":"access_logs.s3.enabled","Value":"true"}',
      ),
  },
  'flow-logs': { type: 'AWS::EC2::FlowLog' },
  'waf-logs': { type: 'AWS::WAFv2::LoggingConfiguration' },
  cloudtrail: { type: 'AWS::CloudTrail::Trail' },
  's3-access-logs': { type: 'AWS::S3::Bucket', when: (p) => p.LoggingConfiguration !== undefined },
  'rds-monitoring': {
    type: 'AWS::RDS::DBInstance',
    when: (p) => p.MonitoringRoleArn !== undefined && Number(p.MonitoringInterval ?? 0) > 0,
  },
  backup: { type: 'AWS::Backup::BackupSelection' },
  'restore-testing': { type: 'AWS::Backup::RestoreTestingSelection' },
  rotation: { type: 'AWS::SecretsManager::RotationSchedule' },
};

/** Every access path the template relies on, in a stable order, each request once. */
export function derivePaths(template: CfnTemplate, env: StackEnvironment): AccessPath[] {
  const r = new TemplateResolver(template, env);
  const ctx: DeriveContext = { r, policies: new PolicyIndex(r), env: fullEnvironment(env) };
  const all = [
    alarmPaths,
    eventRulePaths,
    rdsEventPaths,
    logGroupKeyPaths,
    maskingFindingsPaths,
    loadBalancerLogPaths,
    flowLogPaths,
    wafLogPaths,
    resolverQueryLogPaths,
    cloudTrailPaths,
    s3AccessLogPaths,
    rdsMonitoringPaths,
    lambdaPaths,
    stateMachinePaths,
    ecsPaths,
    backupPaths,
    restoreTestingPaths,
    rotationPaths,
  ].flatMap((derive) => derive(ctx));
  // A path reached twice (a role assumed by two derivations, an alarm naming its topic in two actions) is
  // reported once.
  const seen = new Set<string>();
  return all.filter((p) => {
    const key = `${p.kind}|${p.description}|${p.problems.join()}|${JSON.stringify(p.request)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Evaluates one path and its twins. */
export async function evaluatePath(path: AccessPath): Promise<MatrixRow> {
  if (path.problems.length > 0) {
    const verdict: Verdict = { decision: 'Unevaluated', deciding: path.problems.join('; '), standIn: [] };
    return { path, verdict, twins: [], proven: false };
  }
  const verdict = await evaluateRequest(
    path.request,
    path.identityPolicies,
    path.resourcePolicy,
    path.permissionBoundaries,
  );
  const twins = [];
  for (const twin of path.twins) {
    twins.push({
      label: twin.label,
      verdict: await evaluateRequest(
        twin.request,
        twin.identityPolicies,
        path.resourcePolicy,
        path.permissionBoundaries,
      ),
    });
  }
  const proven =
    verdict.decision === 'Allowed' &&
    twins.every(
      (t) => t.verdict.decision === 'ExplicitlyDenied' || t.verdict.decision === 'ImplicitlyDenied',
    );
  return { path, verdict, twins, proven };
}

export interface Matrix {
  readonly rows: readonly MatrixRow[];
  /** Paths per kind. */
  readonly counts: Readonly<Partial<Record<PathKind, number>>>;
  /** Milliseconds the engine took for all paths and twins. */
  readonly evaluationMs: number;
}

/** Derives and evaluates every access path of `template` deployed in `env`. */
export async function accessPathMatrix(template: CfnTemplate, env: StackEnvironment): Promise<Matrix> {
  const paths = derivePaths(template, env);
  const started = Date.now();
  const rows: MatrixRow[] = [];
  for (const path of paths) rows.push(await evaluatePath(path));
  const counts: Partial<Record<PathKind, number>> = {};
  for (const p of paths) counts[p.kind] = (counts[p.kind] ?? 0) + 1;
  return { rows, counts, evaluationMs: Date.now() - started };
}

/** The kinds a template must yield paths of: those whose source resource it has (with the deciding property). */
export function expectedKinds(template: CfnTemplate): PathKind[] {
  const resources = Object.values(template.Resources ?? {});
  return (
    Object.entries(PATH_SOURCES) as [PathKind, (typeof PATH_SOURCES)[Exclude<PathKind, CrossStackPathKind>]][]
  )
    .filter(([, source]) =>
      resources.some((r) => r.Type === source.type && (source.when?.(r.Properties ?? {}, template) ?? true)),
    )
    .map(([kind]) => kind);
}

export type { AppStack } from './derive-backup-copy';

/**
 * The matrix of an app of one or more stacks: each stack's own paths, then the paths between its stacks (a
 * backup plan's copy into another account's vault). An app of one stack gets that stack's matrix.
 */
export async function appMatrix(stacks: readonly AppStack[]): Promise<Matrix> {
  const own = [];
  for (const s of stacks) own.push(await accessPathMatrix(s.template, s.env));
  const started = Date.now();
  const between: MatrixRow[] = [];
  for (const path of backupCopyPaths(stacks)) between.push(await evaluatePath(path));
  if (own.length === 1 && between.length === 0) return own[0];
  const counts: Partial<Record<PathKind, number>> = {};
  for (const row of [...own.flatMap((m) => m.rows), ...between])
    counts[row.path.kind] = (counts[row.path.kind] ?? 0) + 1;
  return {
    rows: [...own.flatMap((m) => m.rows), ...between],
    counts,
    evaluationMs: own.reduce((ms, m) => ms + m.evaluationMs, Date.now() - started),
  };
}

/** The kinds an app must yield paths of: each stack's, and the copy paths when a plan copies to another account. */
export function expectedAppKinds(stacks: readonly AppStack[]): PathKind[] {
  const kinds = new Set(stacks.flatMap((s) => expectedKinds(s.template)));
  if (copiesToAnotherAccount(stacks))
    for (const k of ['backup-copy', 'backup-copy-key'] as const) kinds.add(k);
  return [...kinds];
}
