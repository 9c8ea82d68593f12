/**
 * Bad input never reaches CloudFormation: each wrong value below, written as a new user would write it in the
 * settings file, on the command line (`-c key=value`, always a string) or as a construct prop, is refused at synth
 * with a message that names the setting (or prop) and echoes the value. No test here synthesizes: every refusal
 * is thrown while the settings are parsed or a construct is built.
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigError,
  OptionalManagedRuleGroup,
  parseConfig,
  SchedulingApp,
  SchedulingDatabase,
  SchedulingNetwork,
  SchedulingService,
  SchedulingServiceProps,
  SecureSchedulingError,
  TlsLoadBalancer,
  WebFirewall,
  WebFirewallProps,
} from '../../lib';
import { DatabaseParameters } from '../../lib/data/database-parameters';
import { KNOWN_REGIONS } from '../../lib/config/validation/settings-checks';
import { WAF_COUNTRY_CODES } from '../../lib/private/country-codes';
import { coveredAddresses, IpRange, parseIpRange } from '../../lib/private/ip-ranges';
import { isSecretName } from '../../lib/private/secret-name-words';
import { tlsVerificationProblems } from '../../lib/private/tls-environment';
import { EXAMPLE_CONFIG, testStack } from '../support/app';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/0b0a6f6e-3c41-4a8e-9f64-2d1c3d5e7a90';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The problems parseConfig reports for `sources`; fails the test when it accepts them. */
function settingProblems(...sources: unknown[]): readonly string[] {
  try {
    parseConfig(...sources);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(sources.slice(1))}`);
}

/** The problems `build` throws; fails the test when it builds. */
function propProblems(build: () => unknown): readonly string[] {
  try {
    build();
  } catch (e) {
    if (e instanceof SecureSchedulingError) return e.problems;
    throw e;
  }
  throw new Error('the construct accepted its props');
}

/** Asserts one of `problems` names `name` (as a setting when `setting`) and then echoes `value`. */
function expectNaming(problems: readonly string[], name: string, value: string, setting: boolean): void {
  const pattern = new RegExp(`^${setting ? 'setting ' : ''}\`${escape(name)}\`.*${escape(value)}`);
  expect(problems).toContainEqual(expect.stringMatching(pattern));
}

/** A settings file's content: the example's settings with one changed (or the whole content replaced). */
type FileCase = [description: string, file: unknown, setting: string, shown: string];

/** The example's settings without its image source, so that every image source can be tried on it. */
const BASE = Object.fromEntries(
  Object.entries(EXAMPLE_CONFIG).filter(
    ([key]) => key !== 'imageSource' && key !== 'imageCredentialSecretArn',
  ),
);

const file = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  ...EXAMPLE_CONFIG,
  ...overrides,
});
const LONG_NAME = `S${'x'.repeat(127)}`;

const FILE_CASES: FileCase[] = [
  // The file itself
  ['a file holding null', null, 'config', 'null'],
  ['a file holding an array', [{ region: 'eu-west-1' }], 'config', 'an array'],
  ['a file holding a string', 'region=eu-west-1', 'config', '"region=eu-west-1"'],
  ['a file holding a number', 42, 'config', '42'],
  // Names
  [
    'a stack name of 128 characters (the trail name would be 134)',
    file({ stackName: LONG_NAME }),
    'stackName',
    LONG_NAME,
  ],
  ['a stack name starting with a digit', file({ stackName: '1scheduling' }), 'stackName', '"1scheduling"'],
  ['a stack name with an underscore', file({ stackName: 'my_stack' }), 'stackName', '"my_stack"'],
  ['an account id of 5 digits', file({ account: '12345' }), 'account', '"12345"'],
  ['a well-formed region that does not exist', file({ region: 'eu-west-9' }), 'region', '"eu-west-9"'],
  ['a region in upper case', file({ region: 'EU-WEST-1' }), 'region', '"EU-WEST-1"'],
  ['a region of another world', file({ region: 'moon-1' }), 'region', '"moon-1"'],
  [
    'a zone named twice',
    file({ availabilityZones: ['eu-west-1a', 'eu-west-1a'] }),
    'availabilityZones',
    '"eu-west-1a,eu-west-1a"',
  ],
  [
    'a zone of another region',
    file({ availabilityZones: ['eu-west-1a', 'us-east-1b'] }),
    'availabilityZones',
    '"eu-west-1a,us-east-1b"',
  ],
  [
    'a zone with two letters',
    file({ availabilityZones: ['eu-west-1a', 'eu-west-1ab'] }),
    'availabilityZones',
    'eu-west-1ab',
  ],
  ['a hosted zone id in lower case', file({ hostedZoneId: 'z0123456789' }), 'hostedZoneId', '"z0123456789"'],
  // Countries
  [
    "'UK', which is not ISO 3166-1 alpha-2 (GB is)",
    file({ blockedCountries: ['UK'] }),
    'blockedCountries',
    "'UK'",
  ],
  ["'EU', a grouping", file({ blockedCountries: ['EU'] }), 'blockedCountries', "'EU'"],
  ["'ZZ', unknown region", file({ blockedCountries: ['ZZ'] }), 'blockedCountries', "'ZZ'"],
  ["'SU', a withdrawn code", file({ blockedCountries: ['SU'] }), 'blockedCountries', "'SU'"],
  [
    'the account root as key administrator',
    file({ keyAdministrators: ['arn:aws:iam::123456789012:root'] }),
    'keyAdministrators',
    "'arn:aws:iam::123456789012:root'",
  ],
  [
    'a group as key administrator',
    file({ keyAdministrators: ['arn:aws:iam::123456789012:group/Admins'] }),
    'keyAdministrators',
    "'arn:aws:iam::123456789012:group/Admins'",
  ],
  ['a code in lower case', file({ blockedCountries: ['kp'] }), 'blockedCountries', "'kp'"],
  ['an alpha-3 code', file({ blockedCountries: ['PRK'] }), 'blockedCountries', "'PRK'"],
  ['a country named twice', file({ blockedCountries: ['KP', 'IR', 'KP'] }), 'blockedCountries', "'KP' twice"],
  // IP ranges
  [
    'two /1 halves that bypass everything',
    file({ allowedIpRanges: ['0.0.0.0/1', '128.0.0.0/1'] }),
    'allowedIpRanges',
    "'0.0.0.0/1', '128.0.0.0/1'",
  ],
  [
    'an IPv6 bypass of everything in halves',
    file({ allowedIpRanges: ['::/1', '8000::/1'] }),
    'allowedIpRanges',
    "'::/1', '8000::/1'",
  ],
  [
    'a bypass of a /7, wider than the /8 limit',
    file({ allowedIpRanges: ['10.0.0.0/7'] }),
    'allowedIpRanges',
    "'10.0.0.0/7'",
  ],
  [
    'a bypass of all global IPv6 unicast',
    file({ allowedIpRanges: ['2000::/3'] }),
    'allowedIpRanges',
    "'2000::/3'",
  ],
  ['a bypass /0', file({ allowedIpRanges: ['0.0.0.0/0'] }), 'allowedIpRanges', "'0.0.0.0/0'"],
  ['a bypass IPv6 /0', file({ allowedIpRanges: ['::/0'] }), 'allowedIpRanges', "'::/0'"],
  [
    'a bypass with an octet above 255',
    file({ allowedIpRanges: ['300.1.2.0/24'] }),
    'allowedIpRanges',
    "'300.1.2.0/24'",
  ],
  [
    'a bypass with a prefix above 32',
    file({ allowedIpRanges: ['203.0.113.0/33'] }),
    'allowedIpRanges',
    "'203.0.113.0/33'",
  ],
  [
    'a block /0, which WAF refuses',
    file({ blockedIpRanges: ['0.0.0.0/0'] }),
    'blockedIpRanges',
    "'0.0.0.0/0'",
  ],
  [
    'a block with an octet above 255',
    file({ blockedIpRanges: ['256.0.0.0/8'] }),
    'blockedIpRanges',
    "'256.0.0.0/8'",
  ],
  [
    'a block with host bits set',
    file({ blockedIpRanges: ['10.0.0.1/24'] }),
    'blockedIpRanges',
    "'10.0.0.1/24'",
  ],
  [
    'a block without a prefix',
    file({ blockedIpRanges: ['198.51.100.7'] }),
    'blockedIpRanges',
    "'198.51.100.7'",
  ],
  [
    'a block with an IPv6 prefix above 128',
    file({ blockedIpRanges: ['2001:db8::/129'] }),
    'blockedIpRanges',
    "'2001:db8::/129'",
  ],
  [
    'a block with an IPv6 zone id',
    file({ blockedIpRanges: ['fe80::1%eth0/128'] }),
    'blockedIpRanges',
    "'fe80::1%eth0/128'",
  ],
  [
    'a block with a zero-padded prefix',
    file({ blockedIpRanges: ['10.0.0.0/08'] }),
    'blockedIpRanges',
    "'10.0.0.0/08'",
  ],
  [
    'a block with an octal-looking octet',
    file({ blockedIpRanges: ['010.0.0.0/8'] }),
    'blockedIpRanges',
    "'010.0.0.0/8'",
  ],
  // Managed rule groups
  [
    'a managed rule group named twice',
    file({ managedRuleGroups: ['AWSManagedRulesLinuxRuleSet', 'AWSManagedRulesLinuxRuleSet'] }),
    'managedRuleGroups',
    "'AWSManagedRulesLinuxRuleSet' twice",
  ],
  [
    'a default group added again',
    file({ managedRuleGroups: ['AWSManagedRulesCommonRuleSet'] }),
    'managedRuleGroups',
    "'AWSManagedRulesCommonRuleSet'",
  ],
  [
    'an unknown group',
    file({ managedRuleGroups: ['AWSManagedRulesEverything'] }),
    'managedRuleGroups',
    "'AWSManagedRulesEverything'",
  ],
  // Images
  [
    'a truncated digest',
    file({ image: 'calcom/cal.com@sha256:abc123' }),
    'image',
    '"calcom/cal.com@sha256:abc123"',
  ],
  ['an upper-case repository', file({ image: 'CalCom/cal.com:v5.5.0' }), 'image', '"CalCom/cal.com:v5.5.0"'],
  ['the latest tag', file({ image: 'calcom/cal.com:latest' }), 'image', '"calcom/cal.com:latest"'],
  ['no tag and no digest', file({ image: 'calcom/cal.com' }), 'image', '"calcom/cal.com"'],
  [
    'a scheme before the registry',
    file({ image: 'https://ghcr.io/acme/cal:1.0' }),
    'image',
    '"https://ghcr.io/acme/cal:1.0"',
  ],
  [
    'an unregistered digest algorithm',
    file({ image: `calcom/cal.com@md5:${'a'.repeat(32)}` }),
    'image',
    'md5',
  ],
  [
    'an upper-case digest',
    file({ image: `calcom/cal.com@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}` }),
    'image',
    'in lower case',
  ],
  // Database instance classes
  [
    'a size db.t4g does not have',
    file({ databaseInstanceClass: 'db.t4g.huge' }),
    'databaseInstanceClass',
    "'db.t4g.huge'",
  ],
  [
    'a class RDS offers PostgreSQL only below 13',
    file({ databaseInstanceClass: 'db.t2.micro' }),
    'databaseInstanceClass',
    "'db.t2.micro'",
  ],
  [
    'a class that cannot encrypt storage',
    file({ databaseInstanceClass: 'db.m1.small' }),
    'databaseInstanceClass',
    "'db.m1.small'",
  ],
  [
    'a class of another engine',
    file({ databaseInstanceClass: 'db.z1d.large' }),
    'databaseInstanceClass',
    "'db.z1d.large'",
  ],
  [
    'a class that does not exist',
    file({ databaseInstanceClass: 'db.q9.large' }),
    'databaseInstanceClass',
    "'db.q9.large'",
  ],
  [
    'an EC2 type without db.',
    file({ databaseInstanceClass: 't4g.medium' }),
    'databaseInstanceClass',
    '"t4g.medium"',
  ],
  [
    'a metal size',
    file({ databaseInstanceClass: 'db.r7g.metal' }),
    'databaseInstanceClass',
    "'db.r7g.metal'",
  ],
  // Sizes, paths and periods
  [
    'a health check path without a leading /',
    file({ healthCheckPath: 'auth/login' }),
    'healthCheckPath',
    "'auth/login'",
  ],
  [
    'a health check path over 1024 characters',
    file({ healthCheckPath: `/${'a'.repeat(1024)}` }),
    'healthCheckPath',
    '(1025 characters)',
  ],
  ['a log retention CloudWatch does not offer', file({ logRetentionDays: 45 }), 'logRetentionDays', '45'],
  ['a log retention of 0 days', file({ logRetentionDays: 0 }), 'logRetentionDays', '0'],
  ['a log retention above the ceiling', file({ logRetentionDays: 731 }), 'logRetentionDays', '731'],
  ['an audit retention below a year', file({ trailLogRetentionDays: 90 }), 'trailLogRetentionDays', '90'],
  [
    'a trail bucket expiration of a month',
    file({ trailBucketExpirationDays: 30 }),
    'trailBucketExpirationDays',
    '30',
  ],
  [
    'an Object Lock shorter than the audit floor',
    file({ trailObjectLockDays: 30 }),
    'trailObjectLockDays',
    '30',
  ],
  [
    'an Object Lock enablement that does not exist',
    file({ trailObjectLockEnablement: 'later' }),
    'trailObjectLockEnablement',
    '"later"',
  ],
  [
    "an Object Lock retention with trailObjectLockEnablement 'off'",
    file({ trailObjectLockEnablement: 'off', trailObjectLockDays: 365 }),
    'trailObjectLockDays',
    '365',
  ],
  [
    'automated backups kept 0 days',
    file({ databaseBackupRetentionDays: 0 }),
    'databaseBackupRetentionDays',
    '0',
  ],
  ['an operator session of 2 minutes', file({ operatorSessionMinutes: 2 }), 'operatorSessionMinutes', '2'],
  [
    'a certificate alarm at 60 days',
    file({ certificateExpiryAlarmDays: 60 }),
    'certificateExpiryAlarmDays',
    '60',
  ],
  ['a fractional cpu', file({ cpu: 1024.5 }), 'cpu', '1024.5'],
  ['a fraction in a list of ports', file({ egressPorts: [443, 587.5] }), 'egressPorts', '587.5'],
  ['a boolean as text', file({ interfaceEndpoints: 'yes' }), 'interfaceEndpoints', '"yes"'],
  // Choices
  ['an engine the library does not run', file({ databaseEngine: 'mysql' }), 'databaseEngine', '"mysql"'],
  [
    'a vault lock mode AWS Backup does not have',
    file({ backupVaultLockMode: 'legal-hold' }),
    'backupVaultLockMode',
    '"legal-hold"',
  ],
  [
    "a vault lock retention with backupVaultLockMode 'none'",
    file({ backupVaultLockMode: 'none', backupVaultLockDays: 7 }),
    'backupVaultLockDays',
    '7',
  ],
  ['a DNS firewall mode of another product', file({ dnsFirewallMode: 'DENY' }), 'dnsFirewallMode', '"DENY"'],
  ['an image source that is not one', file({ imageSource: 'cache' }), 'imageSource', '"cache"'],
  ['an alert address without a domain', file({ alertEmails: ['ops@'] }), 'alertEmails', '"ops@"'],
  [
    'an alert webhook over http',
    file({ alertHttpsEndpoints: ['http://hooks.example.com'] }),
    'alertHttpsEndpoints',
    '"http://hooks.example.com"',
  ],
];

/** `-c key=value` overrides: CDK context from the command line is always a string. */
const CONTEXT_CASES: Array<[key: string, value: string, shown: string]> = [
  ['region', 'eu-west-9', '"eu-west-9"'],
  ['region', 'us-east-7', '"us-east-7"'],
  ['stackName', LONG_NAME, LONG_NAME],
  ['availabilityZones', 'eu-west-1a', '"eu-west-1a"'],
  ['blockedCountries', 'UK', "'UK'"],
  ['blockedCountries', '["GB","UK"]', "'UK'"],
  ['blockedCountries', 'KP,KP', "'KP' twice"],
  ['allowedIpRanges', '0.0.0.0/1,128.0.0.0/1', "'0.0.0.0/1', '128.0.0.0/1'"],
  ['allowedIpRanges', '0.0.0.0/2,64.0.0.0/2,128.0.0.0/2,192.0.0.0/2', "'0.0.0.0/2'"],
  ['allowedIpRanges', '1.2.3.256/32', "'1.2.3.256/32'"],
  ['blockedIpRanges', '0.0.0.0/0', "'0.0.0.0/0'"],
  ['blockedIpRanges', '::/0', "'::/0'"],
  [
    'managedRuleGroups',
    'AWSManagedRulesPHPRuleSet,AWSManagedRulesPHPRuleSet',
    "'AWSManagedRulesPHPRuleSet' twice",
  ],
  ['image', 'calcom/cal.com@sha256:0123', '"calcom/cal.com@sha256:0123"'],
  ['image', 'docker.io/CalCom/Cal.com:v5.5.0', '"docker.io/CalCom/Cal.com:v5.5.0"'],
  ['databaseInstanceClass', 'db.t4g.gigantic', "'db.t4g.gigantic'"],
  ['databaseInstanceClass', 'db.m4.large', "'db.m4.large'"],
  ['healthCheckPath', 'health', "'health'"],
  ['logRetentionDays', '45', '45'],
  ['logRetentionDays', '3653', '3653'],
  ['desiredCount', 'two', '"two"'],
  ['cpu', '1.5', '"1.5"'],
  ['egressPorts', '443,smtp', '"443,smtp"'],
];

describe('bad input is refused at synth, naming the setting or prop and its value', () => {
  test('the settings tables alone hold at least 80 bad values', () => {
    expect(FILE_CASES.length + CONTEXT_CASES.length).toBeGreaterThanOrEqual(80);
  });

  describe('in the settings file', () => {
    test.each(FILE_CASES)('%s', (_description, content, setting, shown) => {
      expectNaming(settingProblems(content), setting, shown, true);
    });

    test('a file that is not an object is the only problem reported (every setting would be missing)', () => {
      expect(settingProblems(null)).toHaveLength(1);
      expect(settingProblems(EXAMPLE_CONFIG, [1, 2])).toHaveLength(1);
    });
  });

  describe('in -c overrides', () => {
    test.each(CONTEXT_CASES)('-c %s=%s', (key, value, shown) => {
      expectNaming(settingProblems(EXAMPLE_CONFIG, { [key]: value }), key, shown, true);
    });
  });

  describe('in construct props', () => {
    let stack: Stack;
    let network: SchedulingNetwork;
    let listener: elbv2.ApplicationListener;
    let databaseSecret: secretsmanager.Secret;
    let ids = 0;
    const id = (prefix: string) => `${prefix}${ids++}`;

    beforeAll(() => {
      stack = testStack();
      network = new SchedulingNetwork(stack, 'Network');
      const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: network.vpc });
      listener = alb.addListener('Listener', {
        port: 80,
        defaultAction: elbv2.ListenerAction.fixedResponse(404),
      });
      databaseSecret = new secretsmanager.Secret(stack, 'DatabaseSecret');
    });

    const firewall = (props: WebFirewallProps) => () => new WebFirewall(stack, id('Firewall'), props);
    const app = (environment: Record<string, string>, generatedSecrets = {}) =>
      SchedulingApp.container({
        name: 'app',
        image: 'ghcr.io/acme/booking:1.0',
        containerPort: 8080,
        environment,
        generatedSecrets,
      });
    const service = (props: Partial<SchedulingServiceProps>) => () =>
      new SchedulingService(stack, id('Service'), {
        vpc: network.vpc,
        vpcSubnets: network.appSubnets,
        listener,
        app: app({}),
        ...props,
      });

    test.each<[string, WebFirewallProps, string, string]>([
      [
        'two /1 halves bypass every rule',
        { allowedIpRanges: ['0.0.0.0/1', '128.0.0.0/1'] },
        'allowedIpRanges',
        '100%',
      ],
      [
        'overlapping bypass ranges over the limit',
        { allowedIpRanges: ['10.0.0.0/8', '11.0.0.0/8', '10.1.0.0/16'] },
        'allowedIpRanges',
        "'11.0.0.0/8'",
      ],
      [
        'an octet above 255',
        { blockedIpRanges: ['192.168.1.300/32'] },
        'blockedIpRanges',
        "'192.168.1.300/32'",
      ],
      ['a block /0', { blockedIpRanges: ['0.0.0.0/0'] }, 'blockedIpRanges', "'0.0.0.0/0'"],
      ['UK for GB', { blockedCountries: ['UK'] }, 'blockedCountries', "'UK'"],
      [
        'a group named twice',
        { additionalManagedRuleGroups: [OptionalManagedRuleGroup.PHP, OptionalManagedRuleGroup.PHP] },
        'additionalManagedRuleGroups',
        "'AWSManagedRulesPHPRuleSet' twice",
      ],
      [
        'a default group added again',
        { additionalManagedRuleGroups: ['AWSManagedRulesSQLiRuleSet' as OptionalManagedRuleGroup] },
        'additionalManagedRuleGroups',
        "'AWSManagedRulesSQLiRuleSet'",
      ],
      [
        'a sensitive path with a capital (the rule compares lower-cased paths)',
        { sensitivePaths: ['/Auth/'] },
        'sensitivePaths',
        "'/Auth/'",
      ],
      [
        'a retention CloudWatch does not offer',
        { logRetention: 45 as logs.RetentionDays },
        'logRetention',
        '45 days',
      ],
      [
        'a retention of 10 years',
        { logRetention: logs.RetentionDays.TEN_YEARS },
        'logRetention',
        '3653 days',
      ],
    ])('WebFirewall: %s', (_description, props, prop, shown) => {
      expectNaming(propProblems(firewall(props)), prop, shown, false);
    });

    test.each<[string, Partial<SchedulingServiceProps>, string, string]>([
      ['SMTP_PASS, a short secret name', { app: app({ SMTP_PASS: 'x' }) }, 'app.environment', 'SMTP_PASS'],
      ['DB_PASSWD', { app: app({ DB_PASSWD: 'x' }) }, 'app.environment', 'DB_PASSWD'],
      ['a camelCase password', { app: app({ dbPassword: 'x' }) }, 'app.environment', 'dbPassword'],
      ['a KEY word', { app: app({ STRIPE_KEY: 'x' }) }, 'app.environment', 'STRIPE_KEY'],
      ['an API key', { app: app({ DAILY_API_KEY: 'x' }) }, 'app.environment', 'DAILY_API_KEY'],
      ['a private key', { app: app({ SAML_PRIVATE_KEY: 'x' }) }, 'app.environment', 'SAML_PRIVATE_KEY'],
      [
        'credentials',
        { app: app({ GOOGLE_API_CREDENTIALS: '{}' }) },
        'app.environment',
        'GOOGLE_API_CREDENTIALS',
      ],
      ['a token', { app: app({ SLACK_BOT_TOKEN: 'x' }) }, 'app.environment', 'SLACK_BOT_TOKEN'],
      [
        'libpq key=value with sslmode=disable',
        { app: app({ DATABASE_CONNINFO: 'host=db sslmode=disable' }) },
        'app.environment.DATABASE_CONNINFO',
        'sslmode=disable',
      ],
      [
        'libpq key=value with spaces and quotes',
        { app: app({ PG_DSN: "host = db  sslmode = 'prefer' user=cal" }) },
        'app.environment.PG_DSN',
        'sslmode=prefer',
      ],
      [
        "Prisma's accept_invalid_certs",
        { app: app({ DATABASE_URL: 'postgresql://db/cal?sslaccept=accept_invalid_certs' }) },
        'app.environment.DATABASE_URL',
        'sslaccept=accept_invalid_certs',
      ],
      [
        "node-postgres's ssl=false",
        { app: app({ DATABASE_URL: 'postgres://db/cal?ssl=false' }) },
        'app.environment.DATABASE_URL',
        'ssl=false',
      ],
      [
        'a JDBC URL with sslmode=allow',
        { app: app({ JDBC_URL: 'jdbc:postgresql://db/cal?sslmode=allow' }) },
        'app.environment.JDBC_URL',
        'sslmode=allow',
      ],
      [
        'NODE_OPTIONS=--tls-min-v1.0',
        { app: app({ NODE_OPTIONS: '--tls-min-v1.0' }) },
        'app.environment.NODE_OPTIONS',
        '--tls-min-v1.0',
      ],
      [
        'NODE_OPTIONS with --tls-min-v1.1 among others',
        { app: app({ NODE_OPTIONS: '--max-old-space-size=2048 --tls-min-v1.1' }) },
        'app.environment.NODE_OPTIONS',
        '--tls-min-v1.1',
      ],
      [
        'NODE_OPTIONS with underscores',
        { app: app({ NODE_OPTIONS: '--tls_min_v1.0' }) },
        'app.environment.NODE_OPTIONS',
        '--tls_min_v1.0',
      ],
      [
        'NODE_OPTIONS writing TLS keys',
        { app: app({ NODE_OPTIONS: '--tls-keylog=/var/log/tls-keys.log' }) },
        'app.environment.NODE_OPTIONS',
        '--tls-keylog',
      ],
      [
        'NODE_TLS_REJECT_UNAUTHORIZED=0',
        { app: app({ NODE_TLS_REJECT_UNAUTHORIZED: '0' }) },
        'app.environment.NODE_TLS_REJECT_UNAUTHORIZED',
        "'0'",
      ],
      [
        'SSLKEYLOGFILE',
        { app: app({ SSLKEYLOGFILE: '/var/log/tls-keys.log' }) },
        'app.environment.SSLKEYLOGFILE',
        '/var/log/tls-keys.log',
      ],
      [
        'a health check every 5 seconds (the 5-second timeout must be shorter)',
        { healthCheckInterval: Duration.seconds(5) },
        'healthCheckInterval',
        '5 seconds',
      ],
      [
        'a health check every 10 minutes',
        { healthCheckInterval: Duration.minutes(10) },
        'healthCheckInterval',
        '600 seconds',
      ],
      [
        'a health check interval in fractions of a second',
        { healthCheckInterval: Duration.millis(6500) },
        'healthCheckInterval',
        '6.5 seconds',
      ],
      ['a health check path without /', { healthCheckPath: 'health' }, 'healthCheckPath', "'health'"],
      [
        'a health check path of 1025 characters',
        { healthCheckPath: `/${'p'.repeat(1024)}` },
        'healthCheckPath',
        '1025 characters',
      ],
      [
        'a generated secret of length 0',
        { app: app({}, { SESSION_SECRET: { length: 0, description: 'x' } }) },
        'app.generatedSecrets.SESSION_SECRET.length',
        '0',
      ],
      [
        'a generated secret of 5000 characters',
        { app: app({}, { SESSION_SECRET: { length: 5000, description: 'x' } }) },
        'app.generatedSecrets.SESSION_SECRET.length',
        '5000',
      ],
      [
        'a fractional secret length',
        { app: app({}, { SESSION_SECRET: { length: 31.5, description: 'x' } }) },
        'app.generatedSecrets.SESSION_SECRET.length',
        '31.5',
      ],
      [
        'a log retention CloudWatch does not offer',
        { logRetention: 100 as logs.RetentionDays },
        'logRetention',
        '100 days',
      ],
      ['logs kept forever', { logRetention: logs.RetentionDays.INFINITE }, 'logRetention', 'INFINITE'],
    ])('SchedulingService: %s', (_description, props, prop, shown) => {
      expectNaming(propProblems(service(props)), prop, shown, false);
    });

    test('SchedulingService: a database setting the app also sets (it would be replaced without a word)', () => {
      const database = {
        secret: databaseSecret,
        hostname: 'db.example.internal',
        port: 5438,
        databaseName: 'scheduling',
        connections: new ec2.Connections(),
      };
      const problems = propProblems(
        service({ database, app: app({ PGSSLMODE: 'verify-full', PGHOST: 'other' }) }),
      );
      expectNaming(problems, 'app.environment', 'PGHOST, PGSSLMODE', false);
    });

    test.each<[string, Record<string, string>]>([
      ['NODE_ENV', { NODE_ENV: 'development' }],
      ['CALCOM_TELEMETRY_DISABLED', { CALCOM_TELEMETRY_DISABLED: '0' }],
      ['NEXTAUTH_URL', { NEXTAUTH_URL: 'http://localhost:3000/api/auth' }],
    ])('SchedulingApp.calCom: an environment value the preset sets (%s)', (name, environment) => {
      const problems = propProblems(() =>
        SchedulingApp.calCom({ publicUrl: 'https://schedule.example.com', environment }),
      );
      expectNaming(problems, 'environment', name, false);
    });

    test.each<[string, Duration, string]>([
      ['an idle timeout of 0 seconds', Duration.seconds(0), '0 seconds'],
      ['an idle timeout of 4001 seconds', Duration.seconds(4001), '4001 seconds'],
      ['an idle timeout of 2 hours', Duration.hours(2), '7200 seconds'],
    ])('TlsLoadBalancer: %s', (_description, idleTimeout, shown) => {
      const problems = propProblems(
        () =>
          new TlsLoadBalancer(stack, id('LoadBalancer'), {
            vpc: network.vpc,
            domainName: 'schedule.example.com',
            certificate: acm.Certificate.fromCertificateArn(stack, id('Certificate'), CERT_ARN),
            idleTimeout,
          }),
      );
      expectNaming(problems, 'idleTimeout', shown, false);
    });

    test.each<[string, string]>([
      ['db.t2.micro', 't2.micro'],
      ['db.t4g.nano', 't4g.nano'],
      ['db.m5.32xlarge', 'm5.32xlarge'],
      ['db.x1e.xlarge', 'x1e.xlarge'],
    ])('SchedulingDatabase: instance class %s', (_class, instanceType) => {
      const problems = propProblems(
        () =>
          new SchedulingDatabase(stack, id('Database'), {
            vpc: network.vpc,
            vpcSubnets: network.dataSubnets,
            rotationSubnets: network.appSubnets,
            instanceType: new ec2.InstanceType(instanceType),
          }),
      );
      expectNaming(problems, 'instanceType', `'${instanceType}'`, false);
    });

    test.each<[string, string, string]>([
      ['rds.force_ssl', '0', "must be '1'"],
      ['ssl_min_protocol_version', 'TLSv1', "got 'TLSv1'"],
      ['password_encryption', 'md5', "got 'md5'"],
      ['log_statement', 'all', "got 'all'"],
      ['log_min_duration_statement', '0', "got '0'"],
      ['log_parameter_max_length', '-1', "got '-1'"],
    ])('DatabaseParameters: a hardened parameter overridden (%s=%s)', (name, value, shown) => {
      const problems = propProblems(
        () =>
          new DatabaseParameters(stack, id('Parameters'), {
            engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
            parameters: { [name]: value },
          }),
      );
      expectNaming(problems, `parameters.${name}`, shown, false);
    });
  });
});

describe('good input is accepted', () => {
  test.each([
    'KEYCLOAK_URL',
    'KEYCLOAK_REALM',
    'BYPASS_CACHE',
    'PASSPORT_CALLBACK_URL',
    'COMPASS_MODE',
    'TOKENIZER_MODEL',
    'NEXT_PUBLIC_STRIPE_PUBLIC_KEY',
    'STRIPE_PUBLISHABLE_KEY',
    'AWS_ACCESS_KEY_ID',
    'SECRET_ARN',
    'PASSWORD_MIN_LENGTH',
    'OAUTH_TOKEN_URL',
    'MONKEY_PATCH',
    'NEXTAUTH_URL',
  ])('%s is not a secret name', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  test.each([
    'SMTP_PASS',
    'EMAIL_SERVER_PASSWORD',
    'NEXTAUTH_SECRET',
    'CALENDSO_ENCRYPTION_KEY',
    'GITHUB_TOKEN',
    'STRIPE_API_KEY',
    'SENDGRID_APIKEY',
    'aws_secret_access_key',
    'dbPassword',
    'MS_GRAPH_CLIENT_SECRET',
    'SAML_PRIVATE_KEY',
    'GOOGLE_API_CREDENTIALS',
  ])('%s is a secret name', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  test.each<[string, string]>([
    // Caps the ceiling, not the floor: TLS 1.2 stays acceptable, as on the load balancer.
    ['NODE_OPTIONS', '--tls-max-v1.2'],
    // Another trust store (the image's system one), still verified: how a private CA in the image is trusted.
    ['NODE_OPTIONS', '--use-openssl-ca --max-old-space-size=2048'],
    ['NODE_OPTIONS', '--tls-min-v1.3'],
    ['DATABASE_CONNINFO', 'host=db port=5438 sslmode=verify-full'],
    ['DATABASE_CONNINFO', "host=db application_name='cal sslmode=disable'"],
    ['DATABASE_URL', 'postgresql://db:5438/cal?sslmode=require'],
    ['DATABASE_URL', 'postgresql://db:5438/cal?sslmode=require&constructor=1'],
  ])('%s=%s is not a TLS weakening', (name, value) => {
    expect(tlsVerificationProblems({ [name]: value }, 'env')).toEqual([]);
  });

  describe('IP ranges, measured with range arithmetic', () => {
    const range = (text: string): IpRange => {
      const parsed = parseIpRange(text);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.range;
    };

    test('overlapping ranges are counted once', () => {
      expect(coveredAddresses(['10.0.0.0/8', '10.0.0.0/9', '10.200.0.0/16'].map(range))).toBe(2n ** 24n);
      expect(coveredAddresses(['0.0.0.0/1', '128.0.0.0/1'].map(range))).toBe(2n ** 32n);
    });

    test('the union agrees with net.BlockList', () => {
      const ranges = ['0.0.0.0/1', '128.0.0.0/1'];
      const list = new net.BlockList();
      for (const r of ranges) {
        const [address, prefix] = r.split('/');
        list.addSubnet(address, Number(prefix), 'ipv4');
      }
      for (const address of ['0.0.0.0', '127.255.255.255', '128.0.0.0', '203.0.113.9', '255.255.255.255']) {
        expect(list.check(address, 'ipv4')).toBe(true);
      }
    });

    test('IPv6 text forms, dotted IPv4 tails included, parse to the same range', () => {
      expect(range('::ffff:192.0.2.0/120')).toEqual({
        ...range('::ffff:c000:200/120'),
        text: '::ffff:192.0.2.0/120',
      });
      expect(range('2001:DB8::/32').first).toBe(range('2001:db8:0:0::/32').first);
    });

    test.each<[string, string[]]>([
      ['an office and a partner', ['203.0.113.0/24', '2001:db8::/32']],
      ['exactly one /8 in pieces', ['10.0.0.0/9', '10.128.0.0/9']],
      ['a /8 and ranges inside it', ['10.0.0.0/8', '10.1.0.0/16', '10.2.3.4/32']],
      ['one IPv6 /8 and one IPv4 /8 (each family on its own)', ['2000::/8', '100.0.0.0/8']],
    ])('a bypass list of %s is accepted', (_description, allowedIpRanges) => {
      expect(() => parseConfig(EXAMPLE_CONFIG, { allowedIpRanges })).not.toThrow();
    });
  });

  test('every country code WAF lists is a region ICU names, under its own code', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    for (const code of WAF_COUNTRY_CODES) {
      expect([code, names.of(code) !== undefined, new Intl.Locale(`und-${code}`).region]).toEqual([
        code,
        true,
        code,
      ]);
    }
    expect(WAF_COUNTRY_CODES.size).toBe(250);
  });

  test('every region aws-cdk-lib knows is accepted, with its own zones', () => {
    for (const region of KNOWN_REGIONS) {
      expect(() =>
        parseConfig(EXAMPLE_CONFIG, { region, availabilityZones: `${region}a,${region}b` }),
      ).not.toThrow();
    }
  });
});

describe('docs/configuration.md allows what the settings accept, and nothing they refuse', () => {
  const text = readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
  /** The "Allowed values" cell of each setting's row in the settings table. */
  const allowed = new Map(
    text
      .split('\n')
      .filter((line) => /^\| `\w+` \|/.test(line))
      .map((line) => line.split(' | '))
      .map((cells) => [cells[0].replace(/^\| `|`$/g, ''), cells[3]] as const),
  );
  const backticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

  /** Documented values, each with the settings that make it valid, as a user would write them in the file. */
  const DOCUMENTED: Array<[setting: string, inCell: string, settings: Record<string, unknown>]> = [
    ['stackName', 'at most 122 characters', { stackName: `S${'x'.repeat(121)}` }],
    [
      'stackName',
      'at most 128 with `existingTrailLogGroupName`',
      { stackName: LONG_NAME, existingTrailLogGroupName: 'aws-controltower/CloudTrailLogs' },
    ],
    ['account', '12-digit', { account: '123456789012' }],
    ['region', '`eu-west-1`', { region: 'eu-west-1' }],
    [
      'region',
      '`us-gov-west-1`',
      { region: 'us-gov-west-1', availabilityZones: ['us-gov-west-1a', 'us-gov-west-1b'] },
    ],
    ['availabilityZones', '`eu-west-1a,eu-west-1b`', { availabilityZones: 'eu-west-1a,eu-west-1b' }],
    ['image', '`calcom/cal.com:v5.5.0`', { image: 'calcom/cal.com:v5.5.0' }],
    ['image', '`@sha256:`', { image: `calcom/cal.com@${DIGEST}` }],
    ['image', '`@sha256:`', { image: `ghcr.io/acme/cal:v5.5.0@${DIGEST}` }],
    ['healthCheckPath', 'starting with `/`', { healthCheckPath: '/auth/login' }],
    ['allowedIpRanges', '`203.0.113.0/24`', { allowedIpRanges: ['203.0.113.0/24'] }],
    ['allowedIpRanges', '`2001:db8::/32`', { allowedIpRanges: ['2001:db8::/32'] }],
    ['allowedIpRanges', 'one `/8`', { allowedIpRanges: ['10.0.0.0/8'] }],
    ['blockedIpRanges', '`198.51.100.0/24`', { blockedIpRanges: ['198.51.100.0/24'] }],
    ['blockedIpRanges', '`2001:db8:1::/48`', { blockedIpRanges: ['2001:db8:1::/48'] }],
    ['blockedCountries', '`KP`', { blockedCountries: ['KP'] }],
    ['blockedCountries', '`XK`', { blockedCountries: ['XK', 'GB'] }],
    ['databaseInstanceClass', '`db.t4g.large`', { databaseInstanceClass: 'db.t4g.large' }],
    ['databaseInstanceClass', '`db.m7g.large`', { databaseInstanceClass: 'db.m7g.large' }],
    ['databaseInstanceClass', '`db.r8g.xlarge`', { databaseInstanceClass: 'db.r8g.xlarge' }],
    ['trailObjectLockDays', '`trailBucketExpirationDays`', { trailObjectLockDays: 400 }],
    ['trailObjectLockEnablement', '`in-place`', { trailObjectLockEnablement: 'in-place' }],
  ];

  test.each(DOCUMENTED)('%s: %s is documented and accepted', (setting, inCell, settings) => {
    expect(allowed.get(setting)).toContain(inCell);
    expect(() => parseConfig({ ...BASE, ...settings })).not.toThrow();
  });

  /** Settings whose cell lists every allowed value in backticks: each of them is accepted. */
  test.each([
    'cpu',
    'logRetentionDays',
    'trailLogRetentionDays',
    'managedRuleGroups',
    'imageSource',
    'dnsFirewallMode',
    'databaseEngine',
    'interfaceEndpoints',
    'trailObjectLockEnablement',
  ])('every value the cell of %s lists is accepted', (setting) => {
    const values = backticked(allowed.get(setting) ?? '');
    expect(values.length).toBeGreaterThan(1);
    const refused = values.filter((value) => {
      try {
        parseConfig(BASE, { [setting]: value });
        return false;
      } catch {
        return true;
      }
    });
    expect(refused).toEqual([]);
  });

  test('every PostgreSQL major the cell of databaseEngineVersion lists is accepted', () => {
    const majors = backticked(allowed.get('databaseEngineVersion') ?? '').filter((v) => /^\d+$/.test(v));
    expect(majors).toEqual(['14', '15', '16', '17', '18']);
    for (const major of majors) {
      expect(() => parseConfig(BASE, { databaseEngineVersion: major })).not.toThrow();
    }
  });

  /** The examples of "What a bad value looks like" whose settings alone are wrong: `-c` overrides, no file. */
  const examples = [...text.matchAll(/^\$ npx cdk synth((?: -c \S+)+)\n((?:secure-scheduling: .*\n)+)/gm)]
    .map((m) => ({
      context: Object.fromEntries(
        [...m[1].matchAll(/-c (\w+)=(\S*)/g)].map((c) => [c[1], c[2].replace(/^'|'$/g, '')]),
      ),
      lines: m[2].trim().split('\n'),
    }))
    .filter((e) => !('config' in e.context) && e.lines.every((l) => !l.includes('SecureScheduling')));

  test.each(
    examples.map(
      (e) =>
        [
          Object.entries(e.context)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
          e,
        ] as const,
    ),
  )('the documented example -c %s prints what parseConfig reports', (_name, example) => {
    expect(settingProblems(EXAMPLE_CONFIG, example.context).map((p) => `secure-scheduling: ${p}`)).toEqual(
      example.lines,
    );
  });

  test('the documented examples cover the new refusals', () => {
    expect(examples.map((e) => Object.keys(e.context)[0])).toEqual(
      expect.arrayContaining(['region', 'blockedCountries', 'allowedIpRanges', 'blockedIpRanges', 'image']),
    );
  });

  test.each([...FILE_CASES.map(([, content, setting]) => [setting, content] as const)])(
    'the refused value of %s is not documented as allowed',
    (setting, content) => {
      const value =
        content !== null && typeof content === 'object' && !Array.isArray(content)
          ? (content as Record<string, unknown>)[setting]
          : content;
      const cell = allowed.get(setting) ?? '';
      // Of a list, the items refused on their own (a valid item named twice is refused only as a pair).
      const items = (Array.isArray(value) ? value : [value]).filter((item) => {
        try {
          parseConfig(BASE, { [setting]: Array.isArray(value) ? [item] : item });
          return false;
        } catch {
          return true;
        }
      });
      for (const item of items) {
        expect(backticked(cell)).not.toContain(String(item));
      }
    },
  );
});
