import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { defaultStack } from '../support/app';

const AUDIT_DOC = path.join(__dirname, '..', '..', 'docs', 'audit.md');

/** The rows of docs/audit.md's data-minimization table that name a construct: construct → kept days. */
function documentedLogs(): Map<string, number> {
  const text = readFileSync(AUDIT_DOC, 'utf8');
  const section = text.slice(text.indexOf('## What each log holds'));
  const rows = section
    .split('\n')
    .filter((l) => /^\| [^|]+ \| `[^`]+` \|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()));
  return new Map(rows.map((r) => [r[2].replace(/`/g, ''), Number(/^(\d+) days$/.exec(r[5])?.[1])]));
}

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

/** How long a log group keeps events, or a bucket keeps objects, in days. */
function keptDays(template: Template, logicalId: string): number | undefined {
  const resource = template.toJSON().Resources[logicalId];
  return resource.Type === 'AWS::Logs::LogGroup'
    ? resource.Properties.RetentionInDays
    : resource.Properties.LifecycleConfiguration?.Rules?.[0]?.ExpirationInDays;
}

describe('data minimization (checklist C7)', () => {
  let stack: Stack;
  let template: Template;

  beforeAll(() => {
    stack = defaultStack();
    template = Template.fromStack(stack);
  });

  describe('log groups', () => {
    test('every log group of the default stack has a retention and a customer key of the stack', () => {
      const keys = Object.keys(template.findResources('AWS::KMS::Key'));
      const groups = Object.entries(template.findResources('AWS::Logs::LogGroup'));
      expect(groups.length).toBeGreaterThanOrEqual(5);
      for (const [id, group] of groups) {
        expect([id, typeof group.Properties.RetentionInDays]).toEqual([id, 'number']);
        expect([id, group.Properties.KmsKeyId]).toEqual([id, { 'Fn::GetAtt': [expect.any(String), 'Arn'] }]);
        expect(keys).toContain(group.Properties.KmsKeyId['Fn::GetAtt'][0]);
        expect([id, group.DeletionPolicy]).toEqual([id, 'Retain']);
      }
    });

    test('each follows its setting: the operational logs one, the activity log its own', () => {
      const custom = defaultStack({
        stackName: 'Minimal',
        logRetentionDays: 30,
        trailLogRetentionDays: 400,
        trailBucketExpirationDays: 730,
      });
      const t = Template.fromStack(custom);
      const kept = new Map([...logsOf(custom)].map(([where, id]) => [where, keptDays(t, id)]));
      expect(Object.fromEntries(kept)).toEqual({
        'Network/FlowLogGroup': 30,
        'Firewall/LogGroup': 30,
        'App/LogGroup': 30,
        VpcRestrictDefaultSGLogGroup: 30,
        'CertificateMonitor/LogGroup': 30,
        'Database/PostgresqlLogGroup': 30,
        'Database/UpgradeLogGroup': 30,
        'Database/RotationLogGroup': 30,
        'DatabaseAppRole/LogGroup': 30,
        'DatabaseAppRole/RotationLogGroup': 30,
        'DnsFirewall/QueryLogGroup': 30,
        'RestartOnRotation/LogGroup': 30,
        'AuditTrail/LogGroup': 400,
        'AuditTrail/Bucket': 730,
        'LoadBalancer/AccessLogBucket': 30,
        'LoadBalancer/AccessLogBucketLogs': 30,
      });
    });
  });

  describe('buckets', () => {
    test('every bucket of the default stack expires its objects and their old versions', () => {
      for (const [id, bucket] of Object.entries(template.findResources('AWS::S3::Bucket'))) {
        const rule = bucket.Properties.LifecycleConfiguration.Rules[0];
        expect([id, rule.Status, typeof rule.ExpirationInDays]).toEqual([id, 'Enabled', 'number']);
        expect([id, typeof rule.NoncurrentVersionExpiration?.NoncurrentDays]).toEqual([id, 'number']);
      }
    });
  });

  describe('docs/audit.md', () => {
    test('lists every log group and bucket of the default stack, and nothing else', () => {
      expect([...documentedLogs().keys()].sort()).toEqual([...logsOf(stack).keys()].sort());
    });

    test('states how long each is kept, as the template does', () => {
      const found = logsOf(stack);
      for (const [where, days] of documentedLogs()) {
        expect([where, days]).toEqual([where, keptDays(template, found.get(where) ?? '')]);
      }
    });
  });
});
