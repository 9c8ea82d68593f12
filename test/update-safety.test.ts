/**
 * Updates never lose data: realistic changes of the bundled app's settings, each synthesized and compared with
 * the default stack by the stateful-change analysis (cloudformation-diff underneath), must replace or remove no
 * data-holding resource. Changes to different parts of the stack share a synth; every finding names the
 * resource, its construct path and the property, so a shared synth still tells which change caused it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import {
  CloudFormationTemplate,
  constructPathOf,
  StatefulChangeReport,
  statefulChanges,
  TemplateResource,
} from '../lib/guard/stateful-changes';
import { defaultStackTemplate, DefaultStackVariant } from './support/shipped-stacks';

/** One version of the settings: the example's, less `without`, plus `settings`, plus stack props. */
type Variant = DefaultStackVariant;

const synthesized = new Map<string, CloudFormationTemplate>();

/**
 * The template of a variant, with path metadata, as `cdk synth` writes it: synthesized once per test run and
 * shared with the other files that ask for the same variant (test/guard/guard-command.test.ts compares some of
 * these too), read once per file.
 */
function templateOf(variant: Variant = {}): CloudFormationTemplate {
  const key = JSON.stringify(variant);
  let template = synthesized.get(key);
  if (template === undefined) {
    template = defaultStackTemplate(variant);
    synthesized.set(key, template);
  }
  return template;
}

const DEFAULT: Variant = {};

/** A change of settings on an existing stack: from `before` (default: the default stack) to `after`. */
interface UpdateCase {
  readonly change: string;
  readonly before?: Variant;
  readonly after: Variant;
}

/** A stack deployed by a release whose trail bucket had no Object Lock, updated with the in-place path. */
const OBJECT_LOCK_IN_PLACE: Variant = { settings: { trailObjectLockEnablement: 'in-place' } };
const BREAK_GLASS: Variant = { settings: { breakGlass: true } };

/** Realistic changes of settings, each of which must leave every data-holding resource in place. */
const SAFE_UPDATES: readonly UpdateCase[] = [
  {
    change:
      'backup retentions: databaseBackupRetentionDays 14 → 21, dailyBackupRetentionDays 35 → 30, weeklyBackupRetentionDays 91 → 120',
    after: {
      settings: {
        databaseBackupRetentionDays: 21,
        dailyBackupRetentionDays: 30,
        weeklyBackupRetentionDays: 120,
      },
    },
  },
  {
    change:
      'log retentions and trail: logRetentionDays 90 → 180, trailLogRetentionDays 365 → 400, trailBucketExpirationDays 400 → 730, trailObjectLockDays 365 → 400 (on the bucket created with Object Lock)',
    after: {
      settings: {
        logRetentionDays: 180,
        trailLogRetentionDays: 400,
        trailBucketExpirationDays: 730,
        trailObjectLockDays: 400,
      },
    },
  },
  { change: 'certificateMonitor true → false', after: { settings: { certificateMonitor: false } } },
  {
    change:
      'AWS Backup options: restoreTesting true → false, backupVaultLockDays → 7, backupCopyVaultArn added',
    after: {
      settings: {
        restoreTesting: false,
        backupVaultLockDays: 7,
        backupCopyVaultArn: 'arn:aws:backup:eu-central-1:111122223333:backup-vault:scheduling-copy',
      },
    },
  },
  {
    change: 'alerts: alertEmails one → two, alertHttpsEndpoints added, certificateExpiryAlarmDays 30 → 20',
    after: {
      settings: {
        alertEmails: ['security@example.com', 'oncall@example.com'],
        alertHttpsEndpoints: ['https://hooks.example.com/alerts'],
        certificateExpiryAlarmDays: 20,
      },
    },
  },
  {
    change:
      'app tier: desiredCount 2 → 3, maxCount 6 → 10, cpu 1024 → 2048, memoryMiB 2048 → 4096, egressPorts + 587',
    after: {
      settings: { desiredCount: 3, maxCount: 10, cpu: 2048, memoryMiB: 4096, egressPorts: [443, 587] },
    },
  },
  {
    change:
      'WAF: rateLimit, sensitivePathRateLimit, managedRuleGroups, blockedCountries, allowedIpRanges, blockedIpRanges, signupChallenge, accountTakeoverPrevention',
    after: {
      settings: {
        rateLimit: 2000,
        sensitivePathRateLimit: 50,
        managedRuleGroups: ['AWSManagedRulesLinuxRuleSet'],
        blockedCountries: ['KP'],
        allowedIpRanges: ['203.0.113.0/24'],
        blockedIpRanges: ['198.51.100.0/24'],
        signupChallenge: true,
        accountTakeoverPrevention: true,
      },
    },
  },
  {
    change: 'network: natGateways 2 → 1, interfaceEndpoints false → true',
    after: { settings: { natGateways: 1, interfaceEndpoints: true } },
  },
  {
    change: 'databaseEngineVersion 16 → 17 (a major upgrade)',
    before: { settings: { databaseEngineVersion: '16' } },
    after: DEFAULT,
  },
  {
    change:
      'database size and standby: databaseInstanceClass db.t4g.medium → db.t4g.large, databaseMultiAz true → false',
    after: { settings: { databaseInstanceClass: 'db.t4g.large' }, props: { databaseMultiAz: false } },
  },
  {
    change: "DNS firewall: dnsFirewallMode 'BLOCK' → 'ALERT', allowedDomains added",
    after: { settings: { dnsFirewallMode: 'ALERT', allowedDomains: ['smtp.example.com'] } },
  },
  {
    change: 'operator sign-in: operatorSessionMinutes 60 → 30, operatorThreatProtection false → true',
    after: { settings: { operatorSessionMinutes: 30, operatorThreatProtection: true } },
  },
  { change: 'breakGlass false → true', after: BREAK_GLASS },
  { change: 'breakGlass true → false', before: BREAK_GLASS, after: DEFAULT },
  {
    change: "imageSource 'pull-through-cache' → 'registry'",
    after: { settings: { imageSource: 'registry' }, without: ['imageCredentialSecretArn'] },
  },
  {
    change: "edge: domainAliases added, sslPolicy → 'ELBSecurityPolicy-TLS13-1-2-2021-06'",
    after: {
      settings: { domainAliases: ['book.example.com'], sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' },
    },
  },
];

const reports = new Map<string, StatefulChangeReport>();

function reportOf(update: UpdateCase): StatefulChangeReport {
  let report = reports.get(update.change);
  if (report === undefined) {
    report = statefulChanges(templateOf(update.before ?? DEFAULT), templateOf(update.after));
    reports.set(update.change, report);
  }
  return report;
}

/** The changes of a report that lose data, as the messages a person reads. */
function losses(report: StatefulChangeReport): string[] {
  return report.changes.filter((c) => c.blocking).map((c) => c.message);
}

function caseOf(change: string): UpdateCase {
  return SAFE_UPDATES.find((u) => u.change.startsWith(change))!;
}

describe('updates of an existing stack', () => {
  describe('no change of settings replaces or removes a data-holding resource', () => {
    test.each(SAFE_UPDATES.map((u) => [u.change, u] as const))('%s', (_change, update) => {
      expect(losses(reportOf(update))).toEqual([]);
    });
  });

  describe('what the changes do instead', () => {
    test('the database keeps its instance when its backup retention changes: BackupRetentionPeriod is updated in place', () => {
      const database = reportOf(caseOf('backup retentions')).changes.find(
        (c) => c.logicalId === 'DatabaseInstanceAA8A5FDE',
      );
      expect(database).toMatchObject({
        kind: 'updated-in-place',
        constructPath: 'SecureScheduling/Database/Instance/Resource',
        causes: [
          expect.objectContaining({
            property: 'BackupRetentionPeriod',
            effect: 'in-place',
            reference: expect.stringContaining('#cfn-rds-dbinstance-backupretentionperiod'),
          }),
        ],
      });
    });

    test('turning the certificate monitor off keeps its dead-letter queue and log group in the account', () => {
      const kept = reportOf(caseOf('certificateMonitor')).changes.map((c) => [c.logicalId, c.kind]);
      expect(kept).toEqual([
        ['CertificateMonitorDeadLetterQueue8E99E924', 'kept-unmanaged'],
        ['CertificateMonitorLogGroupB84BB10C', 'kept-unmanaged'],
      ]);
    });

    test('a major upgrade replaces only the parameter group (for the new family) and upgrades the instance in place', () => {
      const before = templateOf({ settings: { databaseEngineVersion: '16' } });
      const after = templateOf(DEFAULT);
      const diff = fullDiff(before, after);
      const parameters = diff.resources.get('DatabaseParametersCABE9817');
      expect(parameters.changeImpact).toBe(ResourceImpact.WILL_REPLACE);
      expect(parameters.propertyUpdates.Family).toMatchObject({
        oldValue: 'postgres16',
        newValue: 'postgres17',
      });
      const instance = diff.resources.get('DatabaseInstanceAA8A5FDE');
      expect(instance.propertyUpdates.EngineVersion).toMatchObject({ oldValue: '16', newValue: '17' });
      // RDS refuses an EngineVersion of another major unless the update allows major version upgrades.
      expect(after.Resources!.DatabaseInstanceAA8A5FDE.Properties!.AllowMajorVersionUpgrade).toBe(true);
      const report = reportOf(caseOf('databaseEngineVersion'));
      expect(report.changes).toEqual([
        expect.objectContaining({
          logicalId: 'DatabaseInstanceAA8A5FDE',
          kind: 'updated-in-place',
          causes: [expect.objectContaining({ property: 'DBParameterGroupName', effect: 'in-place' })],
        }),
      ]);
    });

    test('turning Multi-AZ off updates the instance in place', () => {
      const database = reportOf(caseOf('database size')).changes.find(
        (c) => c.logicalId === 'DatabaseInstanceAA8A5FDE',
      );
      expect(database?.kind).toBe('updated-in-place');
      expect(database?.causes.map((c) => c.property)).toEqual(['MultiAZ']);
    });

    test('switching the image source away from the cache keeps the cache key in the account', () => {
      expect(
        reportOf(caseOf("imageSource 'pull-through-cache'")).changes.map((c) => [c.logicalId, c.kind]),
      ).toEqual([['AppPullThroughCacheKey76E5E1AB', 'kept-unmanaged']]);
    });
  });

  describe('known: turning Object Lock on for a trail bucket that exists without it', () => {
    // CloudFormation replaces an AWS::S3::Bucket whose ObjectLockEnabled changes ("Update requires:
    // Replacement"), although S3 can enable Object Lock on an existing versioned bucket. The default turns
    // the lock on at creation, so a stack deployed by 0.1.0 (whose trail bucket has no lock) must not take
    // the default as it is: the guard stops it and names the setting that keeps the bucket.
    test("the default replaces such a trail bucket, and the analysis says so and names 'in-place'", () => {
      const report = statefulChanges(releaseTemplate(), templateOf(DEFAULT));
      expect(report.changes.filter((c) => c.blocking)).toEqual([
        expect.objectContaining({
          logicalId: 'AuditTrailBucketA91FD435',
          constructPath: 'SecureScheduling/AuditTrail/Bucket/Resource',
          resourceType: 'AWS::S3::Bucket',
          kind: 'replaced',
          causes: [{ property: 'ObjectLockEnabled', effect: 'replace' }],
          message: expect.stringContaining("set `trailObjectLockEnablement` to 'in-place'"),
        }),
      ]);
    });

    test("'in-place' keeps the bucket: Object Lock comes from a custom resource, nothing is replaced", () => {
      const after = templateOf(OBJECT_LOCK_IN_PLACE);
      expect(after.Resources!.AuditTrailBucketA91FD435.Properties!.ObjectLockEnabled).toBeUndefined();
      expect(
        Object.values(after.Resources!).filter((r) => r.Type === 'Custom::BucketObjectLock'),
      ).toHaveLength(1);
      expect(losses(statefulChanges(releaseTemplate(), after))).toEqual([]);
    });
  });
});

const RELEASES = path.join(__dirname, 'fixtures', 'releases');

/** The data-holding resources of the default stack of earlier releases (test/fixtures/releases). */
const RELEASE_FIXTURES: readonly string[] = readdirSync(RELEASES)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The data-holding resources of the default template of 0.1.0, whose trail bucket has no Object Lock. */
function releaseTemplate(): CloudFormationTemplate {
  return JSON.parse(
    readFileSync(path.join(RELEASES, '0.1.0-default.json'), 'utf8'),
  ) as CloudFormationTemplate;
}

/**
 * Releases whose trail bucket was created without Object Lock: upgraded with `trailObjectLockEnablement`
 * 'in-place', since the default (at creation) would replace that bucket (see the known case above).
 */
const WITHOUT_OBJECT_LOCK = new Set(['0.1.0-default.json']);

/**
 * What an upgrade from a released template would lose: a data-holding resource of the release that is gone or
 * has another type in the current template, or that the update would replace, remove or no longer manage.
 */
function releaseUpgradeProblems(release: CloudFormationTemplate, current: CloudFormationTemplate): string[] {
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(release.Resources ?? {})) {
    const now = current.Resources?.[logicalId];
    if (now?.Type !== resource.Type) {
      problems.push(
        `${logicalId} (${constructPathOf(resource) ?? '?'}, ${resource.Type}) is ${now ? `now a ${now.Type}` : 'gone'}: its logical id changed or it was removed`,
      );
    }
  }
  const report = statefulChanges(release, current);
  problems.push(...report.changes.filter((c) => c.kind !== 'updated-in-place').map((c) => c.message));
  return problems;
}

describe('upgrades from earlier releases of the default template', () => {
  test.each(RELEASE_FIXTURES)(
    '%s: every data-holding resource keeps its logical id and is neither replaced nor removed',
    (file) => {
      const release = JSON.parse(readFileSync(path.join(RELEASES, file), 'utf8')) as CloudFormationTemplate;
      expect(Object.keys(release.Resources ?? {}).length).toBeGreaterThan(0);
      const settings = WITHOUT_OBJECT_LOCK.has(file) ? OBJECT_LOCK_IN_PLACE : DEFAULT;
      expect(releaseUpgradeProblems(release, templateOf(settings))).toEqual([]);
    },
  );

  test('the check fails when a data-holding resource of a release gets another logical id', () => {
    const release = JSON.parse(
      readFileSync(path.join(RELEASES, RELEASE_FIXTURES[0]), 'utf8'),
    ) as CloudFormationTemplate;
    // The trail bucket's construct renamed: same resource, another construct id, so another logical id.
    const current = templateOf(DEFAULT);
    const { AuditTrailBucketA91FD435: bucket, ...others } = current.Resources!;
    const renamed: TemplateResource = {
      ...bucket,
      Metadata: { ...bucket.Metadata, 'aws:cdk:path': 'SecureScheduling/AuditTrail/LogFiles/Resource' },
    };
    const problems = releaseUpgradeProblems(release, {
      ...current,
      Resources: { ...others, AuditTrailLogFilesD2C6F3E1: renamed },
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^AuditTrailBucketA91FD435 \(SecureScheduling\/AuditTrail\/Bucket\/Resource, AWS::S3::Bucket\) is gone/,
      ),
      expect.stringMatching(
        /^AuditTrailBucketA91FD435 .* a new, empty AWS::S3::Bucket AuditTrailLogFilesD2C6F3E1/,
      ),
    ]);
  });
});
