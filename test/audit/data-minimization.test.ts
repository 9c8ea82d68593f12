import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_MASKED_DATA_IDENTIFIERS, dataIdentifierName } from '../../lib/private/log-data-identifiers';
import { defaultStack } from '../support/app';
import { shippedStacks } from '../support/shipped-stacks';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- templates are untyped JSON
type Json = Record<string, any>;

const AUDIT_DOC = path.join(__dirname, '..', '..', 'docs', 'audit.md');

/** One row of docs/audit.md's data-minimization table that names a construct. */
interface DocumentedLog {
  readonly days: number;
  /** The "Masked" column: `—`, or what the log group's data protection policy masks. */
  readonly masked: string;
}

/** The rows of docs/audit.md's data-minimization table that name a construct, by construct. */
function documentedLogs(): Map<string, DocumentedLog> {
  const text = readFileSync(AUDIT_DOC, 'utf8');
  const section = text.slice(text.indexOf('## What each log holds'));
  const rows = section
    .split('\n')
    .filter((l) => /^\| [^|]+ \| `[^`]+` \|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()));
  return new Map(
    rows.map((r) => [
      r[2].replace(/`/g, ''),
      { days: Number(/^(\d+) days$/.exec(r[5])?.[1]), masked: r[8] ?? '' },
    ]),
  );
}

const LOG_TYPES = ['AWS::Logs::LogGroup', 'AWS::S3::Bucket'];

/** Every log group and bucket the stack defines, by construct path below the stack, with its logical id. */
function logsOf(stack: Stack): Map<string, string> {
  const found = new Map<string, string>();
  for (const c of stack.node.findAll()) {
    if (c instanceof logs.CfnLogGroup || c instanceof s3.CfnBucket) {
      const where = c.node.path.slice(stack.node.path.length + 1).replace(/(\/Resource)+$/, '');
      found.set(where, stack.resolve(c.logicalId));
    }
  }
  return found;
}

/**
 * The logical id CloudFormation knows a resource at construct path `where` (below the stack) by, with the L1
 * `Resource` children an L2 construct adds: the same ids in an empty stack give the same logical id, since it
 * is computed from the path alone.
 */
function logicalIdsFor(where: string): string[] {
  return ['', '/Resource', '/Resource/Resource'].map((suffix) => {
    const stack = new Stack();
    const ids = `${where}${suffix}`.split('/');
    let scope: Construct = stack;
    for (const id of ids.slice(0, -1)) scope = new Construct(scope, id);
    return stack.getLogicalId(new CfnResource(scope, ids[ids.length - 1], { type: 'Test::Resource' }));
  });
}

/**
 * Every log group and bucket of the template that a row of the docs names, by the construct path the row gives
 * (the template's own path metadata is not kept), with its logical id; a row that names none maps to ''.
 */
function documentedIn(template: Json): Map<string, string> {
  const logIds = Object.entries(template.Resources as Record<string, Json>)
    .filter(([, r]) => LOG_TYPES.includes(r.Type))
    .map(([id]) => id);
  return new Map(
    [...documentedLogs().keys()].map((where) => [
      where,
      logicalIdsFor(where).find((id) => logIds.includes(id)) ?? '',
    ]),
  );
}

/** The managed identifiers a log group's data protection policy masks (its Deidentify statements), in order. */
function maskedBy(resource: Json | undefined): string[] {
  const statements = (resource?.Properties?.DataProtectionPolicy?.Statement ?? []) as Json[];
  return statements
    .filter((s) => s.Operation?.Deidentify?.MaskConfig !== undefined)
    .flatMap((s) => (s.DataIdentifier as unknown[]).map((d) => dataIdentifierName(d) ?? JSON.stringify(d)));
}

/** What the "Masked" column says of a log that masks `identifiers`: the names in backticks, or `—`. */
function maskedCell(identifiers: readonly string[]): string {
  return identifiers.length === 0 ? '—' : identifiers.map((i) => `\`${i}\``).join(', ');
}

/** Allowed actions of every identity policy in a template, with where each is. */
function allowedActions(template: Json): Array<{ where: string; action: string }> {
  const found: Array<{ where: string; action: string }> = [];
  const documents = (id: string, r: Json): Array<[string, Json]> => {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      return [[id, r.Properties.PolicyDocument]];
    if (r.Type === 'AWS::IAM::Role') {
      return ((r.Properties.Policies ?? []) as Json[]).map((p) => [
        `${id} ${p.PolicyName}`,
        p.PolicyDocument,
      ]);
    }
    return [];
  };
  for (const [id, resource] of Object.entries(template.Resources as Record<string, Json>)) {
    for (const [where, document] of documents(id, resource)) {
      for (const statement of [document.Statement].flat() as Json[]) {
        if (statement.Effect !== 'Allow') continue;
        // A NotAction allows everything it does not name: reported as such.
        if (statement.NotAction !== undefined) found.push({ where, action: '*' });
        for (const action of [statement.Action ?? []].flat() as string[]) found.push({ where, action });
      }
    }
  }
  return found;
}

/** Whether an IAM action pattern (`logs:*`, `*`, `logs:Un*`) covers `action`, as IAM matches them. */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

/** How long a log group keeps events, or a bucket keeps objects, in days. */
function keptDays(template: Json, logicalId: string): number | undefined {
  const resource = template.Resources[logicalId];
  return resource.Type === 'AWS::Logs::LogGroup'
    ? resource.Properties.RetentionInDays
    : resource.Properties.LifecycleConfiguration?.Rules?.[0]?.ExpirationInDays;
}

describe('data minimization (checklist C7)', () => {
  let template: Json;
  let found: Map<string, string>;

  beforeAll(() => {
    template = shippedStacks('the default stack')[0].template;
    found = documentedIn(template);
  });

  const resourcesOfType = (type: string): Array<[string, Json]> =>
    Object.entries(template.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);

  describe('log groups', () => {
    test('every log group of the default stack has a retention and a customer key of the stack', () => {
      const keys = resourcesOfType('AWS::KMS::Key').map(([id]) => id);
      const groups = resourcesOfType('AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThanOrEqual(5);
      for (const [id, group] of groups) {
        expect([id, typeof group.Properties.RetentionInDays]).toEqual([id, 'number']);
        expect([id, group.Properties.KmsKeyId]).toEqual([id, { 'Fn::GetAtt': [expect.any(String), 'Arn'] }]);
        expect(keys).toContain(group.Properties.KmsKeyId['Fn::GetAtt'][0]);
        expect([id, group.DeletionPolicy]).toEqual([id, 'Retain']);
      }
    });

    test("the app's and the firewall's log groups mask email addresses and credentials; their findings are encrypted", () => {
      for (const where of ['App/LogGroup', 'Firewall/LogGroup']) {
        const group = template.Resources[found.get(where) ?? ''];
        expect([where, maskedBy(group)]).toEqual([where, [...DEFAULT_MASKED_DATA_IDENTIFIERS]]);
        const audit = (group.Properties.DataProtectionPolicy.Statement as Json[]).find(
          (s) => s.Operation.Audit,
        ) as Json;
        // One findings log group for both, encrypted with the stack's log key.
        const findingsId = audit.Operation.Audit.FindingsDestination.CloudWatchLogs.LogGroup.Ref;
        expect([where, findingsId]).toEqual([where, found.get('MaskingFindings')]);
        expect(template.Resources[findingsId].Properties.KmsKeyId).toEqual(group.Properties.KmsKeyId);
      }
    });

    test('no role of the stack may unmask masked log events (logs:Unmask), whatever its wildcards', () => {
      const actions = allowedActions(template);
      expect(actions.length).toBeGreaterThan(10);
      expect(actions.filter((a) => covers(a.action, 'logs:Unmask'))).toEqual([]);
      // The matcher catches the forms a grant of logs:Unmask could take.
      expect(['*', 'logs:*', 'LOGS:unmask', 'logs:Un*'].every((p) => covers(p, 'logs:Unmask'))).toBe(true);
      expect(covers('logs:PutLogEvents', 'logs:Unmask')).toBe(false);
      // The AWS managed policies the stack attaches grant no logs:Unmask either.
      const managed = JSON.parse(
        readFileSync(
          path.join(__dirname, '..', 'support', 'access-paths', 'aws-managed-policies.json'),
          'utf8',
        ),
      ).policies as Record<string, { document: Json }>;
      const attached = JSON.stringify(
        resourcesOfType('AWS::IAM::Role').map(([, r]) => r.Properties.ManagedPolicyArns),
      );
      const names = Object.keys(managed).filter((arn) =>
        attached.includes(arn.replace(/^arn:aws:iam::aws:/, ':iam::aws:')),
      );
      expect(names.length).toBeGreaterThan(0);
      for (const arn of names) {
        const granted = allowedActions({
          Resources: {
            [arn]: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: managed[arn].document } },
          },
        });
        expect([arn, granted.filter((a) => covers(a.action, 'logs:Unmask'))]).toEqual([arn, []]);
      }
    });

    test('each follows its setting: the operational logs one, the activity log its own', () => {
      const custom = defaultStack({
        stackName: 'Minimal',
        logRetentionDays: 30,
        trailLogRetentionDays: 400,
        trailBucketExpirationDays: 730,
      });
      const t = Template.fromStack(custom).toJSON();
      const kept = new Map([...logsOf(custom)].map(([where, id]) => [where, keptDays(t, id)]));
      expect(Object.fromEntries(kept)).toEqual({
        'Network/FlowLogGroup': 30,
        'Firewall/LogGroup': 30,
        'App/LogGroup': 30,
        MaskingFindings: 30,
        VpcRestrictDefaultSGLogGroup: 30,
        'CertificateMonitor/LogGroup': 30,
        'Database/PostgresqlLogGroup': 30,
        'Database/UpgradeLogGroup': 30,
        'Database/RotationLogGroup': 30,
        'DatabaseAppRole/LogGroup': 30,
        'DatabaseAppRole/RotationLogGroup': 30,
        'DnsFirewall/QueryLogGroup': 30,
        'RestartOnRotation/LogGroup': 30,
        'Backup/RestoreValidationLogGroup': 30,
        'AuditTrail/LogGroup': 400,
        'AuditTrail/Bucket': 730,
        'LoadBalancer/AccessLogBucket': 30,
        // The trail bucket's server access logs: kept as long as the trail's files.
        'LoadBalancer/AccessLogBucketLogs': 730,
      });
    });
  });

  describe('buckets', () => {
    test('every bucket of the default stack expires its objects and their old versions', () => {
      for (const [id, bucket] of resourcesOfType('AWS::S3::Bucket')) {
        const rule = bucket.Properties.LifecycleConfiguration.Rules[0];
        expect([id, rule.Status, typeof rule.ExpirationInDays]).toEqual([id, 'Enabled', 'number']);
        expect([id, typeof rule.NoncurrentVersionExpiration?.NoncurrentDays]).toEqual([id, 'number']);
      }
    });

    test('the load balancer access logs, which cannot be masked, expire after 90 days by default', () => {
      // ELB writes the whole request line, query string included, and offers no redaction: the retention is the
      // control (docs/audit.md).
      expect(keptDays(template, found.get('LoadBalancer/AccessLogBucket') ?? '')).toBe(90);
    });
  });

  describe('docs/audit.md', () => {
    test('lists every log group and bucket of the default stack, and nothing else', () => {
      const logIds = Object.entries(template.Resources as Record<string, Json>)
        .filter(([, r]) => LOG_TYPES.includes(r.Type))
        .map(([id]) => id);
      // Each row names a log group or bucket of the template, and each of those has a row.
      expect([...found].filter(([, id]) => id === '')).toEqual([]);
      expect([...found.values()].sort()).toEqual(logIds.sort());
    });

    test('states how long each is kept, as the template does', () => {
      for (const [where, { days }] of documentedLogs()) {
        expect([where, days]).toEqual([where, keptDays(template, found.get(where) ?? '')]);
      }
    });

    test('says which logs are masked, and what of, as their data protection policies do', () => {
      const documented = [...documentedLogs()].map(([where, { masked }]) => [where, masked]);
      expect(documented).toEqual(
        [...documentedLogs().keys()].map((where) => [
          where,
          maskedCell(maskedBy(template.Resources[found.get(where) ?? ''])),
        ]),
      );
      expect(documented.filter(([, masked]) => masked !== '—').length).toBe(2);
    });
  });
});
