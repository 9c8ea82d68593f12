import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CACHEABLE_REGISTRY_HOSTS, ImageSource, upstreamRegistryOfHost } from '../app/image-source';
import { SchedulingApp } from '../app/scheduling-app';
import { OBJECT_LOCK_ENABLEMENTS, ObjectLockEnablement } from '../audit/audit-trail';
import { DnsFirewallMode } from '../network/dns-firewall';
import { parseImageReference } from '../private/image-reference';
import { DatabaseEngine } from '../data/scheduling-database-interface';
import { VaultLockMode } from '../data/database-backup';
import { SecureSchedulingError } from '../errors';
import { OptionalManagedRuleGroup } from '../ingress/web-firewall';
import { settingsProblems } from './validation/settings-checks';
import { EMAIL_ADDRESS, HTTPS_URL } from '../private/formats';
import {
  ACM_RENEWAL_STARTS_DAYS,
  CALCOM_DEFAULT_IMAGE,
  DEFAULT_SSL_POLICY,
  DEFAULT_TRAIL_BUCKET_EXPIRATION,
  MAX_CERTIFICATE_EXPIRY_EVENTS_DAYS,
  MAX_LOG_RETENTION_DAYS,
  MAX_TRAIL_BUCKET_EXPIRATION_DAYS,
  MIN_AUDIT_LOG_RETENTION_DAYS,
  MIN_TRAIL_BUCKET_EXPIRATION_DAYS,
  MIN_TRAIL_OBJECT_LOCK_DAYS,
} from '../private/defaults';
import { SecureSchedulingStackProps } from '../secure-scheduling-stack';

/**
 * Settings of the bundled app, as read from a JSON file or CDK context. Every setting is documented in
 * docs/configuration.md; `SETTINGS` below is the list the docs are tested against.
 */
export interface SchedulingConfig {
  readonly stackName: string;
  readonly account?: string;
  readonly region: string;
  readonly availabilityZones: string[];
  readonly domainName: string;
  readonly domainAliases?: string[];
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  readonly certificateArn?: string;
  readonly image: string;
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly desiredCount?: number;
  readonly maxCount?: number;
  readonly healthCheckPath?: string;
  readonly natGateways?: number;
  readonly interfaceEndpoints?: boolean;
  readonly sslPolicy: string;
  readonly rateLimit?: number;
  readonly sensitivePathRateLimit?: number;
  readonly managedRuleGroups?: OptionalManagedRuleGroup[];
  readonly allowedIpRanges?: string[];
  readonly blockedIpRanges?: string[];
  readonly blockedCountries?: string[];
  readonly logRetentionDays?: number;
  readonly alertEmails?: string[];
  readonly alertHttpsEndpoints?: string[];
  readonly egressPorts?: number[];
  readonly certificateMonitor?: boolean;
  readonly trailLogRetentionDays?: number;
  readonly trailBucketExpirationDays?: number;
  readonly trailObjectLockDays?: number;
  readonly trailObjectLockEnablement?: string;
  readonly existingTrailLogGroupName?: string;
  readonly certificateExpiryAlarmDays?: number;
  readonly certificateExpiryEventsDays?: number;
  readonly databaseEngine?: string;
  readonly databaseEngineVersion?: string;
  readonly databaseMinCapacity?: number;
  readonly databaseMaxCapacity?: number;
  readonly databaseInstanceClass?: string;
  readonly databaseBackupRetentionDays?: number;
  readonly dailyBackupRetentionDays?: number;
  readonly weeklyBackupRetentionDays?: number;
  readonly backupCopyVaultArn?: string;
  readonly backupVaultLockDays?: number;
  readonly backupVaultLockMode?: string;
  readonly restoreTesting?: boolean;
  readonly breakGlass?: boolean;
  readonly keyAdministrators?: string[];
  readonly imageSource?: string;
  readonly imageCredentialSecretArn?: string;
  readonly enhancedScanning?: boolean;
  readonly production?: boolean;
  readonly allowedDomains?: string[];
  readonly dnsFirewallMode?: string;
  readonly operatorIdpIssuer?: string;
  readonly operatorIdpAuthorizationEndpoint?: string;
  readonly operatorIdpTokenEndpoint?: string;
  readonly operatorIdpUserInfoEndpoint?: string;
  readonly operatorIdpClientId?: string;
  readonly operatorIdpClientSecretArn?: string;
  readonly operatorThreatProtection?: boolean;
  readonly operatorSessionMinutes?: number;
  readonly protectWholeApp?: boolean;
  readonly accountTakeoverPrevention?: boolean;
  readonly signupChallenge?: boolean;
}

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'string-list' | 'integer-list';

/** Every setting, its kind and a one-line description (the source of docs/configuration.md's table). */
export const SETTINGS: Readonly<Record<keyof SchedulingConfig, { kind: Kind; description: string }>> = {
  stackName: { kind: 'string', description: 'CloudFormation stack name' },
  account: { kind: 'string', description: 'AWS account id (12 digits) to deploy to; omit for any account' },
  region: { kind: 'string', description: 'AWS region, e.g. eu-west-1' },
  availabilityZones: {
    kind: 'string-list',
    description: 'two or more zones of the region, e.g. eu-west-1a,eu-west-1b',
  },
  domainName: { kind: 'string', description: 'name users reach the app at, e.g. schedule.example.com' },
  domainAliases: {
    kind: 'string-list',
    description: 'more names the app answers at (on the certificate); any other Host gets 404',
  },
  hostedZoneId: {
    kind: 'string',
    description: 'Route 53 public hosted zone id of the domain (with hostedZoneName)',
  },
  hostedZoneName: { kind: 'string', description: 'domain name of that hosted zone, e.g. example.com' },
  certificateArn: {
    kind: 'string',
    description: 'existing ACM certificate ARN, instead of a DNS-validated one',
  },
  image: { kind: 'string', description: 'Cal.com container image, pinned by tag or digest' },
  cpu: { kind: 'integer', description: 'CPU units per task (256, 512, 1024, 2048, 4096, 8192, 16384)' },
  memoryMiB: { kind: 'integer', description: 'memory per task in MiB, valid for the cpu size' },
  desiredCount: { kind: 'integer', description: 'tasks normally running; autoscaling minimum' },
  maxCount: { kind: 'integer', description: 'autoscaling maximum' },
  healthCheckPath: { kind: 'string', description: 'path the load balancer probes' },
  natGateways: {
    kind: 'integer',
    description: 'NAT gateways, 0 up to one per zone (0 needs interfaceEndpoints)',
  },
  interfaceEndpoints: {
    kind: 'boolean',
    description: 'VPC interface endpoints for Secrets Manager, ECR, Logs',
  },
  sslPolicy: { kind: 'string', description: 'HTTPS listener policy; TLS 1.2+ policies only' },
  rateLimit: { kind: 'integer', description: 'requests per client IP per 5 minutes' },
  sensitivePathRateLimit: { kind: 'integer', description: 'same, on sign-in and booking paths' },
  managedRuleGroups: {
    kind: 'string-list',
    description: 'extra AWS managed rule groups, e.g. AWSManagedRulesLinuxRuleSet',
  },
  allowedIpRanges: { kind: 'string-list', description: 'CIDR ranges that bypass the firewall rules' },
  blockedIpRanges: { kind: 'string-list', description: 'CIDR ranges always blocked' },
  blockedCountries: { kind: 'string-list', description: 'ISO alpha-2 country codes blocked' },
  logRetentionDays: { kind: 'integer', description: 'days flow, WAF and app logs are kept' },
  alertEmails: { kind: 'string-list', description: 'email addresses that receive alerts' },
  alertHttpsEndpoints: { kind: 'string-list', description: 'https:// webhooks that receive alerts' },
  egressPorts: {
    kind: 'integer-list',
    description: 'TCP ports the app may connect out to (443 always; 587 for SMTP)',
  },
  certificateMonitor: {
    kind: 'boolean',
    description: 'daily check of the certificate in ACM, findings to the alert topic (default true)',
  },
  trailLogRetentionDays: { kind: 'integer', description: "days the audit trail's log group keeps events" },
  trailBucketExpirationDays: {
    kind: 'integer',
    description: "days the trail's log files stay in its bucket",
  },
  trailObjectLockDays: { kind: 'integer', description: 'days trail log files are locked (S3 Object Lock)' },
  trailObjectLockEnablement: {
    kind: 'string',
    description:
      "'at-creation' (default), 'in-place' for a trail bucket deployed without Object Lock, or 'off'",
  },
  existingTrailLogGroupName: {
    kind: 'string',
    description: 'log group of an existing organization trail, instead of a new trail',
  },
  certificateExpiryAlarmDays: {
    kind: 'integer',
    description: 'days before the certificate expires at which its alarm fires',
  },
  certificateExpiryEventsDays: {
    kind: 'integer',
    description: "the account's ACM expiry-events window, in days (an account setting)",
  },
  databaseEngine: {
    kind: 'string',
    description: "what runs the database: 'postgres' (default) or 'aurora-serverless-v2' (opt-in, priced)",
  },
  databaseEngineVersion: {
    kind: 'string',
    description: "PostgreSQL major 14 to 18; for Aurora a 'major.minor' such as 17.5",
  },
  databaseMinCapacity: { kind: 'number', description: 'Aurora only: least ACUs per instance, 0.5 to 256' },
  databaseMaxCapacity: { kind: 'number', description: 'Aurora only: most ACUs per instance, 0.5 to 256' },
  databaseInstanceClass: { kind: 'string', description: 'RDS instance class, e.g. db.t4g.medium' },
  databaseBackupRetentionDays: {
    kind: 'integer',
    description: 'days RDS keeps automated backups (point-in-time recovery), 7 to 35',
  },
  dailyBackupRetentionDays: { kind: 'integer', description: 'days AWS Backup keeps daily recovery points' },
  weeklyBackupRetentionDays: { kind: 'integer', description: 'days AWS Backup keeps weekly recovery points' },
  backupCopyVaultArn: {
    kind: 'string',
    description: 'backup vault in another region or account that receives a copy',
  },
  backupVaultLockDays: {
    kind: 'integer',
    description: 'minimum retention of the backup vault lock (default dailyBackupRetentionDays)',
  },
  backupVaultLockMode: {
    kind: 'string',
    description: "how the backup vault is locked: 'governance', 'compliance' or 'none'",
  },
  restoreTesting: { kind: 'boolean', description: 'weekly restore tests of the latest recovery point' },
  breakGlass: {
    kind: 'boolean',
    description: 'a one-off database task for incidents, alerted at every start (default false)',
  },
  keyAdministrators: {
    kind: 'string-list',
    description: 'IAM role or user ARNs that administer (not use) the KMS keys',
  },
  imageSource: {
    kind: 'string',
    description: "'registry' (pull `image` as named) or 'pull-through-cache' (an ECR cache of it, scanned)",
  },
  imageCredentialSecretArn: {
    kind: 'string',
    description:
      'secret (ecr-pullthroughcache/...) with the upstream registry login, for Docker Hub and GHCR',
  },
  enhancedScanning: {
    kind: 'boolean',
    description: 'Amazon Inspector scanning of the cache (an account-wide registry setting; priced)',
  },
  production: { kind: 'boolean', description: 'a production deployment: the image must be pinned by digest' },
  allowedDomains: {
    kind: 'string-list',
    description:
      'more domains the app may resolve (SMTP host, CalDAV servers), besides AWS and Cal.com integrations',
  },
  dnsFirewallMode: {
    kind: 'string',
    description: "'BLOCK' (default) or 'ALERT' while rolling out the outbound DNS allow-list",
  },
  operatorIdpIssuer: { kind: 'string', description: 'your OIDC IdP for the operator sign-in: issuer URL' },
  operatorIdpAuthorizationEndpoint: { kind: 'string', description: "that IdP's authorization endpoint" },
  operatorIdpTokenEndpoint: { kind: 'string', description: "that IdP's token endpoint" },
  operatorIdpUserInfoEndpoint: { kind: 'string', description: "that IdP's user info endpoint" },
  operatorIdpClientId: { kind: 'string', description: 'the client id that IdP issued to the load balancer' },
  operatorIdpClientSecretArn: {
    kind: 'string',
    description: 'ARN of the Secrets Manager secret with that client secret',
  },
  operatorThreatProtection: {
    kind: 'boolean',
    description: 'Cognito Plus threat protection on the operator user pool (priced per MAU)',
  },
  operatorSessionMinutes: { kind: 'integer', description: "minutes an operator's sign-in lasts, 5 to 10080" },
  protectWholeApp: {
    kind: 'boolean',
    description: 'the whole app behind the operator sign-in (internal use)',
  },
  accountTakeoverPrevention: {
    kind: 'boolean',
    description: "AWS WAF account-takeover prevention on the app's sign-in (priced per request)",
  },
  signupChallenge: {
    kind: 'boolean',
    description: "a WAF challenge on the app's self sign-up pages and API",
  },
};

/** Construct props whose setting has another name, so errors raised by the constructs name what users type. */
const SETTING_OF_PROP: Readonly<Record<string, string>> = {
  memoryLimitMiB: 'memoryMiB',
  logRetention: 'logRetentionDays',
  flowLogRetention: 'logRetentionDays',
  additionalManagedRuleGroups: 'managedRuleGroups',
  emails: 'alertEmails',
  httpsEndpoints: 'alertHttpsEndpoints',
  'app.image': 'image',
  hostedZone: 'hostedZoneName',
  trailLogRetention: 'trailLogRetentionDays',
  bucketExpiration: 'trailBucketExpirationDays',
  trailBucketExpiration: 'trailBucketExpirationDays',
  objectLockRetention: 'trailObjectLockDays',
  trailObjectLockRetention: 'trailObjectLockDays',
  objectLockEnablement: 'trailObjectLockEnablement',
  alarmDaysToExpiry: 'certificateExpiryAlarmDays',
  expiryEventsDaysBeforeExpiry: 'certificateExpiryEventsDays',
  engineVersion: 'databaseEngineVersion',
  databaseInstanceType: 'databaseInstanceClass',
  minCapacity: 'databaseMinCapacity',
  maxCapacity: 'databaseMaxCapacity',
  instanceType: 'databaseInstanceClass',
  backupRetention: 'databaseBackupRetentionDays',
  dailyRetention: 'dailyBackupRetentionDays',
  weeklyRetention: 'weeklyBackupRetentionDays',
  copyToVaultArn: 'backupCopyVaultArn',
  vaultLockMinRetention: 'backupVaultLockDays',
  vaultLockMode: 'backupVaultLockMode',
};

/**
 * Rewrites a construct's error message in the bundled app's terms: "`memoryLimitMiB` 100 ..." becomes
 * "setting `memoryMiB` 100 ...", so a user is told about the setting they typed.
 */
export function inSettingTerms(message: string): string {
  return message.replace(/(?<!setting )`([A-Za-z.]+)`/g, (whole, prop: string) => {
    const setting = SETTING_OF_PROP[prop] ?? (prop in SETTINGS ? prop : undefined);
    return setting ? `setting \`${setting}\`` : whole;
  });
}

/** Retention periods CloudWatch Logs offers, up to the ceiling the constructs accept (checklist C7). */
const RETENTION_VALUES = Object.values(logs.RetentionDays).filter(
  (v): v is number => typeof v === 'number' && v <= MAX_LOG_RETENTION_DAYS,
);

/** Error for a bad setting: each problem is one line naming the setting. */
export class ConfigError extends SecureSchedulingError {
  constructor(problems: readonly string[]) {
    super('INVALID_CONFIG', problems);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates settings. `sources` are applied in order, later ones winning (for example the
 * example file, then a user's file, then `-c key=value` context). Values given as strings (as CDK context on
 * the command line always is) are converted to the setting's kind.
 */
export function parseConfig(...sources: readonly unknown[]): SchedulingConfig {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    // A settings file may hold any JSON: only an object holds settings.
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      throw new ConfigError([
        `setting \`config\` must name a JSON file holding one object of settings, like {"region": "eu-west-1", ...}, got a file holding ${describeJson(source)}`,
      ]);
    }
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined && value !== null && value !== '') {
        merged[key] = value;
      }
    }
  }
  const problems: string[] = [];
  const out: Record<string, unknown> = {};

  for (const [key, value] of Object.entries(merged)) {
    const setting = SETTINGS[key as keyof SchedulingConfig];
    if (!setting) {
      // Feature flags and the CDK's own keys hold a ':' or '/'; `config` names the settings file.
      if (!/[:/]/.test(key) && key !== 'config') {
        problems.push(
          `\`${key}\` is not a setting${suggest(key)}; settings are listed in docs/configuration.md`,
        );
      }
      continue;
    }
    const converted = convert(setting.kind, value);
    if (converted === undefined) {
      problems.push(`setting \`${key}\` must be ${describeKind(setting.kind)}, got ${JSON.stringify(value)}`);
    } else {
      out[key] = converted;
    }
  }

  const region = (out.region as string | undefined) ?? '';
  const cfg = {
    stackName: 'SecureScheduling',
    sslPolicy: DEFAULT_SSL_POLICY,
    image: CALCOM_DEFAULT_IMAGE,
    ...out,
    availabilityZones: (out.availabilityZones as string[] | undefined) ?? [`${region}a`, `${region}b`],
  } as SchedulingConfig;

  check(
    problems,
    cfg.account !== undefined && !/^\d{12}$/.test(cfg.account),
    'account',
    cfg.account,
    'a 12-digit AWS account id',
  );
  // Stack name, region and zones, image, and the values the constructs would refuse, named as settings.
  problems.push(...settingsProblems(cfg, out.region as string | undefined));
  check(
    problems,
    cfg.domainName === undefined,
    'domainName',
    cfg.domainName,
    'a domain name like schedule.example.com (required)',
  );
  const hasZone = cfg.hostedZoneId !== undefined || cfg.hostedZoneName !== undefined;
  check(
    problems,
    hasZone && (cfg.hostedZoneId === undefined || cfg.hostedZoneName === undefined),
    'hostedZoneId',
    cfg.hostedZoneId,
    'given together with hostedZoneName',
  );
  check(
    problems,
    cfg.hostedZoneId !== undefined && !/^Z[A-Z0-9]{1,31}$/.test(cfg.hostedZoneId),
    'hostedZoneId',
    cfg.hostedZoneId,
    'a Route 53 zone id like Z0123456789ABCDEFGHIJ',
  );
  check(
    problems,
    !hasZone && cfg.certificateArn === undefined,
    'certificateArn',
    cfg.certificateArn,
    'an ACM certificate ARN, required when no hostedZoneId/hostedZoneName is given',
  );
  check(
    problems,
    cfg.certificateArn !== undefined &&
      !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/.test(cfg.certificateArn),
    'certificateArn',
    cfg.certificateArn,
    'an ACM certificate ARN like arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>',
  );
  check(
    problems,
    cfg.certificateArn !== undefined && region !== '' && !cfg.certificateArn.includes(`:acm:${region}:`),
    'certificateArn',
    cfg.certificateArn,
    `a certificate in the stack's region ${region} (the load balancer can only use certificates of its own region)`,
  );
  check(
    problems,
    cfg.logRetentionDays !== undefined && !RETENTION_VALUES.includes(cfg.logRetentionDays),
    'logRetentionDays',
    cfg.logRetentionDays,
    `one of CloudWatch Logs' retention periods: ${RETENTION_VALUES.join(', ')}`,
  );
  const auditRetentions = RETENTION_VALUES.filter((v) => v >= MIN_AUDIT_LOG_RETENTION_DAYS);
  check(
    problems,
    cfg.trailLogRetentionDays !== undefined && !auditRetentions.includes(cfg.trailLogRetentionDays),
    'trailLogRetentionDays',
    cfg.trailLogRetentionDays,
    `one of CloudWatch Logs' retention periods from the audit minimum of ${MIN_AUDIT_LOG_RETENTION_DAYS} days to the ceiling: ${auditRetentions.join(', ')}`,
  );
  const trailExpiration = cfg.trailBucketExpirationDays;
  check(
    problems,
    trailExpiration !== undefined &&
      (trailExpiration < MIN_TRAIL_BUCKET_EXPIRATION_DAYS ||
        trailExpiration > MAX_TRAIL_BUCKET_EXPIRATION_DAYS),
    'trailBucketExpirationDays',
    trailExpiration,
    `between ${MIN_TRAIL_BUCKET_EXPIRATION_DAYS} (a year of audit history) and ${MAX_TRAIL_BUCKET_EXPIRATION_DAYS} days`,
  );
  const lockLimit = trailExpiration ?? DEFAULT_TRAIL_BUCKET_EXPIRATION.toDays();
  check(
    problems,
    cfg.trailObjectLockDays !== undefined &&
      (cfg.trailObjectLockDays < MIN_TRAIL_OBJECT_LOCK_DAYS || cfg.trailObjectLockDays > lockLimit),
    'trailObjectLockDays',
    cfg.trailObjectLockDays,
    `between ${MIN_TRAIL_OBJECT_LOCK_DAYS} (the audit floor: a year of history a stolen administrator credential cannot erase) and trailBucketExpirationDays (${lockLimit}) days`,
  );
  check(
    problems,
    cfg.trailObjectLockEnablement !== undefined &&
      !(OBJECT_LOCK_ENABLEMENTS as readonly string[]).includes(cfg.trailObjectLockEnablement),
    'trailObjectLockEnablement',
    cfg.trailObjectLockEnablement,
    `one of ${OBJECT_LOCK_ENABLEMENTS.map((e) => `'${e}'`).join(', ')}`,
  );
  check(
    problems,
    cfg.trailObjectLockEnablement === 'off' && cfg.trailObjectLockDays !== undefined,
    'trailObjectLockDays',
    cfg.trailObjectLockDays,
    "unset when trailObjectLockEnablement is 'off': nothing is locked",
  );
  check(
    problems,
    cfg.existingTrailLogGroupName !== undefined &&
      !/^[A-Za-z0-9._/#-]{1,512}$/.test(cfg.existingTrailLogGroupName),
    'existingTrailLogGroupName',
    cfg.existingTrailLogGroupName,
    "a CloudWatch Logs log group name (letters, digits, '_-./#')",
  );
  // With an existing trail nothing of the trail is created, so these would be silently ignored.
  for (const key of [
    'trailLogRetentionDays',
    'trailBucketExpirationDays',
    'trailObjectLockDays',
    'trailObjectLockEnablement',
  ] as const) {
    check(
      problems,
      cfg.existingTrailLogGroupName !== undefined && cfg[key] !== undefined,
      key,
      cfg[key],
      "unset when existingTrailLogGroupName is given: no trail, bucket or log group is created, and the existing trail's own settings apply",
    );
  }
  check(
    problems,
    cfg.certificateExpiryAlarmDays !== undefined &&
      (cfg.certificateExpiryAlarmDays < 1 || cfg.certificateExpiryAlarmDays >= ACM_RENEWAL_STARTS_DAYS),
    'certificateExpiryAlarmDays',
    cfg.certificateExpiryAlarmDays,
    `between 1 and ${ACM_RENEWAL_STARTS_DAYS - 1} days (ACM renews its certificates ${ACM_RENEWAL_STARTS_DAYS} days before they expire)`,
  );
  check(
    problems,
    cfg.certificateExpiryEventsDays !== undefined &&
      (cfg.certificateExpiryEventsDays < 1 ||
        cfg.certificateExpiryEventsDays > MAX_CERTIFICATE_EXPIRY_EVENTS_DAYS),
    'certificateExpiryEventsDays',
    cfg.certificateExpiryEventsDays,
    `between 1 and ${MAX_CERTIFICATE_EXPIRY_EVENTS_DAYS} days (ACM's expiry-events window)`,
  );
  const badEmails = (cfg.alertEmails ?? []).filter((e) => !EMAIL_ADDRESS.test(e));
  check(
    problems,
    badEmails.length > 0,
    'alertEmails',
    badEmails.join(','),
    'email addresses like ops@example.com',
  );
  const badUrls = (cfg.alertHttpsEndpoints ?? []).filter((u) => !HTTPS_URL.test(u));
  check(problems, badUrls.length > 0, 'alertHttpsEndpoints', badUrls.join(','), 'https:// URLs');

  for (const key of [
    'databaseBackupRetentionDays',
    'dailyBackupRetentionDays',
    'weeklyBackupRetentionDays',
    'backupVaultLockDays',
  ] as const) {
    const value = cfg[key];
    check(problems, value !== undefined && value < 1, key, value, 'a positive number of days');
  }

  const lockModes = Object.values(VaultLockMode) as string[];
  check(
    problems,
    cfg.backupVaultLockMode !== undefined && !lockModes.includes(cfg.backupVaultLockMode),
    'backupVaultLockMode',
    cfg.backupVaultLockMode,
    `one of ${lockModes.map((m) => `'${m}'`).join(', ')}`,
  );
  check(
    problems,
    cfg.backupVaultLockMode === VaultLockMode.NONE && cfg.backupVaultLockDays !== undefined,
    'backupVaultLockDays',
    cfg.backupVaultLockDays,
    "left out with backupVaultLockMode 'none' (no lock)",
  );

  const engines = Object.values(DatabaseEngine) as string[];
  check(
    problems,
    cfg.databaseEngine !== undefined && !engines.includes(cfg.databaseEngine),
    'databaseEngine',
    cfg.databaseEngine,
    `one of ${engines.map((e) => `'${e}'`).join(', ')}`,
  );

  check(
    problems,
    cfg.imageSource !== undefined && !IMAGE_SOURCES.includes(cfg.imageSource),
    'imageSource',
    cfg.imageSource,
    IMAGE_SOURCES.map((v) => `'${v}'`).join(' or '),
  );
  check(
    problems,
    cfg.imageCredentialSecretArn !== undefined && cfg.imageSource !== 'pull-through-cache',
    'imageCredentialSecretArn',
    cfg.imageCredentialSecretArn,
    "given only with imageSource 'pull-through-cache'",
  );
  check(
    problems,
    cfg.enhancedScanning !== undefined && cfg.imageSource !== 'pull-through-cache',
    'enhancedScanning',
    cfg.enhancedScanning,
    "given only with imageSource 'pull-through-cache'",
  );
  check(
    problems,
    cfg.dnsFirewallMode !== undefined && !['BLOCK', 'ALERT'].includes(cfg.dnsFirewallMode),
    'dnsFirewallMode',
    cfg.dnsFirewallMode,
    "'BLOCK' or 'ALERT'",
  );
  const idpSettings = OPERATOR_IDP_SETTINGS.filter((k) => cfg[k] !== undefined);
  check(
    problems,
    idpSettings.length > 0 && idpSettings.length < OPERATOR_IDP_SETTINGS.length,
    OPERATOR_IDP_SETTINGS.find((k) => cfg[k] === undefined) ?? 'operatorIdpIssuer',
    undefined,
    `given together with ${idpSettings.join(', ')} (all six operatorIdp settings, or none)`,
  );
  check(
    problems,
    cfg.operatorThreatProtection !== undefined && idpSettings.length > 0,
    'operatorThreatProtection',
    cfg.operatorThreatProtection,
    'left out with your own IdP (threat protection is a Cognito user pool feature)',
  );
  check(
    problems,
    cfg.operatorSessionMinutes !== undefined &&
      (cfg.operatorSessionMinutes < 5 || cfg.operatorSessionMinutes > 10080),
    'operatorSessionMinutes',
    cfg.operatorSessionMinutes,
    'between 5 and 10080 (7 days, the longest session ALB keeps)',
  );

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return cfg;
}

/** Turns validated settings into the stack's props. Construct-level checks (sizes, policies) run in the stack. */
export function stackPropsFromConfig(cfg: SchedulingConfig): SecureSchedulingStackProps {
  return {
    stackName: cfg.stackName,
    env: { account: cfg.account, region: cfg.region },
    description: `secure-scheduling: hardened scheduling app at ${cfg.domainName}`,
    availabilityZones: cfg.availabilityZones,
    domainName: cfg.domainName,
    domainAliases: cfg.domainAliases,
    hostedZone:
      cfg.hostedZoneId && cfg.hostedZoneName
        ? { hostedZoneId: cfg.hostedZoneId, zoneName: cfg.hostedZoneName }
        : undefined,
    certificateArn: cfg.certificateArn,
    app: SchedulingApp.calCom({ publicUrl: `https://${cfg.domainName}`, image: cfg.image }),
    imageSource: imageSourceOf(cfg),
    production: cfg.production,
    allowedDomains: cfg.allowedDomains,
    dnsFirewallMode: cfg.dnsFirewallMode as DnsFirewallMode | undefined,
    operatorIdp:
      cfg.operatorIdpIssuer === undefined
        ? undefined
        : {
            issuer: cfg.operatorIdpIssuer,
            authorizationEndpoint: cfg.operatorIdpAuthorizationEndpoint!,
            tokenEndpoint: cfg.operatorIdpTokenEndpoint!,
            userInfoEndpoint: cfg.operatorIdpUserInfoEndpoint!,
            clientId: cfg.operatorIdpClientId!,
            clientSecretArn: cfg.operatorIdpClientSecretArn!,
          },
    operatorThreatProtection: cfg.operatorThreatProtection,
    operatorSessionTimeout:
      cfg.operatorSessionMinutes === undefined ? undefined : Duration.minutes(cfg.operatorSessionMinutes),
    protectWholeApp: cfg.protectWholeApp,
    accountTakeoverPrevention: cfg.accountTakeoverPrevention,
    signupChallenge: cfg.signupChallenge,
    cpu: cfg.cpu,
    memoryLimitMiB: cfg.memoryMiB,
    desiredCount: cfg.desiredCount,
    maxCount: cfg.maxCount,
    healthCheckPath: cfg.healthCheckPath,
    natGateways: cfg.natGateways,
    interfaceEndpoints: cfg.interfaceEndpoints,
    sslPolicy: cfg.sslPolicy,
    rateLimit: cfg.rateLimit,
    sensitivePathRateLimit: cfg.sensitivePathRateLimit,
    additionalManagedRuleGroups: cfg.managedRuleGroups,
    allowedIpRanges: cfg.allowedIpRanges,
    blockedIpRanges: cfg.blockedIpRanges,
    blockedCountries: cfg.blockedCountries,
    logRetention: cfg.logRetentionDays as logs.RetentionDays | undefined,
    alertEmails: cfg.alertEmails,
    alertHttpsEndpoints: cfg.alertHttpsEndpoints,
    egressPorts: cfg.egressPorts,
    certificateMonitor: cfg.certificateMonitor,
    trailLogRetention: cfg.trailLogRetentionDays as logs.RetentionDays | undefined,
    trailBucketExpiration: days(cfg.trailBucketExpirationDays),
    trailObjectLockRetention: days(cfg.trailObjectLockDays),
    trailObjectLockEnablement: cfg.trailObjectLockEnablement as ObjectLockEnablement | undefined,
    existingTrailLogGroupName: cfg.existingTrailLogGroupName,
    certificateExpiryAlarmDays: cfg.certificateExpiryAlarmDays,
    certificateExpiryEventsDays: cfg.certificateExpiryEventsDays,
    databaseEngine: cfg.databaseEngine as DatabaseEngine | undefined,
    databaseEngineVersion: cfg.databaseEngineVersion,
    databaseMinCapacity: cfg.databaseMinCapacity,
    databaseMaxCapacity: cfg.databaseMaxCapacity,
    databaseInstanceType:
      cfg.databaseInstanceClass === undefined
        ? undefined
        : new ec2.InstanceType(cfg.databaseInstanceClass.replace(/^db\./, '')),
    databaseBackupRetention: days(cfg.databaseBackupRetentionDays),
    dailyBackupRetention: days(cfg.dailyBackupRetentionDays),
    weeklyBackupRetention: days(cfg.weeklyBackupRetentionDays),
    backupCopyVaultArn: cfg.backupCopyVaultArn,
    backupVaultLockMinRetention: days(cfg.backupVaultLockDays),
    backupVaultLockMode: cfg.backupVaultLockMode as VaultLockMode | undefined,
    restoreTesting: cfg.restoreTesting,
    breakGlass: cfg.breakGlass,
    keyAdministrators: cfg.keyAdministrators,
  };
}

/** The values of setting `imageSource`. */
const IMAGE_SOURCES = ['registry', 'pull-through-cache'];

/** The six settings of an operator IdP, all given or none. */
const OPERATOR_IDP_SETTINGS = [
  'operatorIdpIssuer',
  'operatorIdpAuthorizationEndpoint',
  'operatorIdpTokenEndpoint',
  'operatorIdpUserInfoEndpoint',
  'operatorIdpClientId',
  'operatorIdpClientSecretArn',
] as const;

/** The image source the settings ask for: `image` as named, or an ECR pull-through cache of it. */
function imageSourceOf(cfg: SchedulingConfig): ImageSource | undefined {
  if (cfg.imageSource !== 'pull-through-cache') return undefined;
  const parsed = parseImageReference(cfg.image);
  if (!parsed.ok) {
    throw new ConfigError(parsed.problems.map((p) => `setting \`image\`: ${p}`));
  }
  const { registry, repository, tag, digest } = parsed.reference;
  const upstreamRegistry = upstreamRegistryOfHost(registry);
  if (!upstreamRegistry) {
    throw new ConfigError([
      `setting \`image\` must come from ${CACHEABLE_REGISTRY_HOSTS.join(', ')} for imageSource 'pull-through-cache' (the registries an ECR pull-through cache can front), got '${cfg.image}'`,
    ]);
  }
  return ImageSource.pullThroughCache({
    upstreamRegistry,
    upstreamRepository: repository,
    tagOrDigest: digest ?? tag!,
    credentialSecretArn: cfg.imageCredentialSecretArn,
    enhancedScanning: cfg.enhancedScanning,
  });
}

/** A JSON value as a person would name it: null, an array ([...]), a number, a string. */
function describeJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return Array.isArray(value) ? `an array (${shown})` : shown;
}

function days(value: number | undefined): Duration | undefined {
  return value === undefined ? undefined : Duration.days(value);
}

function check(problems: string[], failed: boolean, key: string, value: unknown, allowed: string): void {
  if (failed) {
    problems.push(
      `setting \`${key}\` must be ${allowed}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
    );
  }
}

function describeKind(kind: Kind): string {
  switch (kind) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'string-list':
      return 'a list of strings (JSON array, or comma-separated on the command line)';
    case 'integer-list':
      return 'a list of whole numbers (JSON array, or comma-separated on the command line)';
  }
}

function convert(kind: Kind, value: unknown): unknown {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value.trim() : undefined;
    case 'integer': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
    }
    case 'number': {
      const n = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true') return true;
      if (value === 'false') return false;
      return undefined;
    case 'string-list':
    case 'integer-list': {
      const list = listOf(value);
      const itemKind = kind === 'string-list' ? 'string' : 'integer';
      const items = list?.map((item) =>
        kind === 'string-list' && typeof item !== 'string' ? undefined : convert(itemKind, item),
      );
      return items && items.every((item) => item !== undefined) ? items : undefined;
    }
  }
}

/** A JSON array as such or as text, or comma-separated text (as `-c key=a,b` gives it). */
function listOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) {
    return value;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return trimmed
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** " (did you mean 'x'?)" for the setting closest to a misspelt key, when one is close. */
function suggest(key: string): string {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(SETTINGS)) {
    const distance = editDistance(lower, name.toLowerCase());
    if (!best || distance < best.distance) {
      best = { name, distance };
    }
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 4))
    ? ` (did you mean '${best.name}'?)`
    : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
