import * as logs from 'aws-cdk-lib/aws-logs';
import {
  ConfigError,
  inSettingTerms,
  OptionalManagedRuleGroup,
  parseConfig,
  SecureSchedulingError,
  SecureSchedulingStackProps,
  stackPropsFromConfig,
} from '../../lib';
import { CALCOM_DEFAULT_IMAGE, DEFAULT_SSL_POLICY } from '../../lib/private/defaults';
import { EXAMPLE_CONFIG } from '../support/app';

/** The smallest valid configuration: a region, a domain and its hosted zone. */
const MINIMAL: Record<string, unknown> = {
  region: 'eu-west-1',
  domainName: 'schedule.example.com',
  hostedZoneId: 'Z0123456789EXAMPLEZONE',
  hostedZoneName: 'example.com',
};

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f6a2d9e-1b7c-4f3a-9c1e-5d2b8a7e6f40';

/** `config` without the named settings (a later source cannot unset a setting, so tests start from less). */
function without(config: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !keys.includes(key)));
}

/** The ConfigError parseConfig throws for `sources`; fails the test when it accepts them. */
function configErrorOf(...sources: Array<Record<string, unknown>>): ConfigError {
  try {
    parseConfig(...sources);
  } catch (e) {
    if (e instanceof ConfigError) {
      return e;
    }
    throw e;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(sources)}`);
}

/** Matches a problem line that names `setting` and echoes `value`. */
function lineNaming(setting: string, value: string): unknown {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return expect.stringMatching(new RegExp(`^setting \`${setting}\` .*${escaped}`));
}

describe('parseConfig', () => {
  describe('defaults', () => {
    test('applies the stack name, TLS policy and Cal.com image when none is given', () => {
      const config = parseConfig(MINIMAL);
      expect(config.stackName).toBe('SecureScheduling');
      expect(config.sslPolicy).toBe(DEFAULT_SSL_POLICY);
      expect(config.image).toBe(CALCOM_DEFAULT_IMAGE);
    });

    test('derives two availability zones from the region when none are given', () => {
      expect(parseConfig(MINIMAL).availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
      expect(parseConfig(MINIMAL, { region: 'us-gov-west-1' }).availabilityZones).toEqual([
        'us-gov-west-1a',
        'us-gov-west-1b',
      ]);
    });

    test('keeps the zones it is given', () => {
      expect(
        parseConfig(MINIMAL, { availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] })
          .availabilityZones,
      ).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    });

    test('leaves optional settings unset, so the stack applies its own defaults', () => {
      const config = parseConfig(MINIMAL);
      expect(config.cpu).toBeUndefined();
      expect(config.certificateArn).toBeUndefined();
      expect(config.logRetentionDays).toBeUndefined();
      expect(config.account).toBeUndefined();
    });
  });

  describe('sources', () => {
    test('later sources win over earlier ones', () => {
      const config = parseConfig(EXAMPLE_CONFIG, { cpu: 512, domainName: 'book.example.org' }, { cpu: 2048 });
      expect(config.cpu).toBe(2048);
      expect(config.domainName).toBe('book.example.org');
      expect(config.memoryMiB).toBe(EXAMPLE_CONFIG.memoryMiB);
    });

    test('a missing, null or empty value in a later source keeps the earlier value', () => {
      // The app passes every setting from context, most of them undefined.
      const config = parseConfig(EXAMPLE_CONFIG, { cpu: undefined, memoryMiB: null, domainName: '' });
      expect(config.cpu).toBe(EXAMPLE_CONFIG.cpu);
      expect(config.memoryMiB).toBe(EXAMPLE_CONFIG.memoryMiB);
      expect(config.domainName).toBe(EXAMPLE_CONFIG.domainName);
    });
  });

  describe('strings from the command line', () => {
    test.each<[string, string, unknown]>([
      ['cpu', '512', 512],
      ['natGateways', ' 0 ', 0],
      ['logRetentionDays', '30', 30],
      ['interfaceEndpoints', 'true', true],
      ['interfaceEndpoints', 'false', false],
      ['availabilityZones', 'eu-west-1a, eu-west-1b,eu-west-1c,', ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']],
      ['alertEmails', 'ops@example.com,security@example.com', ['ops@example.com', 'security@example.com']],
      [
        'managedRuleGroups',
        '["AWSManagedRulesLinuxRuleSet", "AWSManagedRulesPHPRuleSet"]',
        ['AWSManagedRulesLinuxRuleSet', 'AWSManagedRulesPHPRuleSet'],
      ],
      ['blockedCountries', '[]', []],
      ['domainName', '  book.example.org ', 'book.example.org'],
      ['egressPorts', '443, 587', [443, 587]],
      ['egressPorts', '[443]', [443]],
    ])('converts %s=%j', (key, value, expected) => {
      const config = parseConfig(EXAMPLE_CONFIG, { [key]: value }) as unknown as Record<string, unknown>;
      expect(config[key]).toEqual(expected);
    });

    test.each<[string, string]>([
      ['cpu', '1.5'],
      ['cpu', '1e3'],
      ['interfaceEndpoints', 'yes'],
      ['managedRuleGroups', '["AWSManagedRulesLinuxRuleSet"'],
      ['managedRuleGroups', '[1, 2]'],
      ['egressPorts', '443,smtp'],
    ])('throws when %s=%j is not of the setting kind', (key, value) => {
      expect(configErrorOf(EXAMPLE_CONFIG, { [key]: value }).problems).toEqual([
        lineNaming(key, JSON.stringify(value)),
      ]);
    });
  });

  describe('keys that are not settings', () => {
    test('ignores feature flags and `config`', () => {
      const config = parseConfig(EXAMPLE_CONFIG, {
        '@aws-cdk/core:checkSecretUsage': true,
        '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
        'aws:cdk:bundling-stacks': ['**'],
        config: 'deploy/prod.json',
      });
      expect(config).toEqual(parseConfig(EXAMPLE_CONFIG));
      expect(config).not.toHaveProperty('config');
    });

    test('throws when a key is a misspelt setting, suggesting the setting', () => {
      expect(configErrorOf(EXAMPLE_CONFIG, { rateLimt: '5' }).problems).toEqual([
        "`rateLimt` is not a setting (did you mean 'rateLimit'?); settings are listed in docs/configuration.md",
      ]);
    });

    test('throws when a key is no setting at all, without a far-fetched suggestion', () => {
      expect(configErrorOf({ ...EXAMPLE_CONFIG, favouriteColour: 'blue' }).problems).toEqual([
        '`favouriteColour` is not a setting; settings are listed in docs/configuration.md',
      ]);
    });
  });

  describe('validation', () => {
    test.each<[string, Record<string, unknown>, string, string]>([
      ['cpu is not an integer', { ...EXAMPLE_CONFIG, cpu: 1024.5 }, 'cpu', '1024.5'],
      ['the region is not a region name', { ...MINIMAL, region: 'moon-1' }, 'region', '"moon-1"'],
      [
        'the zones belong to another region',
        { ...EXAMPLE_CONFIG, availabilityZones: 'us-east-1a,us-east-1b' },
        'availabilityZones',
        '"us-east-1a,us-east-1b"',
      ],
      [
        'a single zone is given',
        { ...EXAMPLE_CONFIG, availabilityZones: ['eu-west-1a'] },
        'availabilityZones',
        '"eu-west-1a"',
      ],
      ['domainName is missing', without(EXAMPLE_CONFIG, 'domainName'), 'domainName', 'got nothing'],
      [
        'hostedZoneId is given without hostedZoneName',
        without(EXAMPLE_CONFIG, 'hostedZoneName'),
        'hostedZoneId',
        '"Z0123456789EXAMPLEZONE"',
      ],
      [
        'there is neither a hosted zone nor a certificateArn',
        without(EXAMPLE_CONFIG, 'hostedZoneId', 'hostedZoneName'),
        'certificateArn',
        'got nothing',
      ],
      [
        'certificateArn is not an ACM certificate ARN',
        { ...MINIMAL, certificateArn: 'arn:aws:iam::123456789012:server-certificate/schedule' },
        'certificateArn',
        '"arn:aws:iam::123456789012:server-certificate/schedule"',
      ],
      [
        'the certificate is in another region',
        { ...MINIMAL, certificateArn: CERTIFICATE_ARN.replace('eu-west-1', 'us-east-1') },
        'certificateArn',
        `"${CERTIFICATE_ARN.replace('eu-west-1', 'us-east-1')}"`,
      ],
      [
        'logRetentionDays is not a CloudWatch Logs retention period',
        { ...EXAMPLE_CONFIG, logRetentionDays: 45 },
        'logRetentionDays',
        '45',
      ],
      [
        'managedRuleGroups names an unknown group',
        {
          ...EXAMPLE_CONFIG,
          managedRuleGroups: ['AWSManagedRulesLinuxRuleSet', 'AWSManagedRulesEverything'],
        },
        'managedRuleGroups',
        "'AWSManagedRulesEverything'",
      ],
      [
        'an alertEmails entry is not an email address',
        { ...EXAMPLE_CONFIG, alertEmails: 'ops@example.com,ops at example.com' },
        'alertEmails',
        '"ops at example.com"',
      ],
      [
        'an alertHttpsEndpoints entry is an http:// URL',
        {
          ...EXAMPLE_CONFIG,
          alertHttpsEndpoints: ['https://hooks.example.com/a', 'http://hooks.example.com/b'],
        },
        'alertHttpsEndpoints',
        '"http://hooks.example.com/b"',
      ],
    ])('throws when %s', (_case, config, setting, shown) => {
      expect(() => parseConfig(config)).toThrow(ConfigError);
      expect(configErrorOf(config).problems).toContainEqual(lineNaming(setting, shown));
    });

    test('reports several bad settings together, one line each naming its setting', () => {
      const error = configErrorOf(EXAMPLE_CONFIG, {
        cpu: 'many',
        logRetentionDays: 45,
        alertEmails: 'ops at example.com',
        alertHttpsEndpoints: 'http://hooks.example.com',
      });
      expect(error).toBeInstanceOf(SecureSchedulingError);
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.problems).toEqual([
        lineNaming('cpu', '"many"'),
        lineNaming('logRetentionDays', '45'),
        lineNaming('alertEmails', '"ops at example.com"'),
        lineNaming('alertHttpsEndpoints', '"http://hooks.example.com"'),
      ]);
      for (const problem of error.problems) {
        expect(problem).not.toContain('\n');
        expect(error.message).toContain(problem);
      }
      expect(error.message).toMatch(/^4 problems:/);
    });

    test('accepts the example configuration', () => {
      expect(() => parseConfig(EXAMPLE_CONFIG)).not.toThrow();
    });
  });
});

describe('stackPropsFromConfig', () => {
  let props: SecureSchedulingStackProps;

  beforeAll(() => {
    props = stackPropsFromConfig(
      parseConfig(EXAMPLE_CONFIG, {
        account: '123456789012',
        managedRuleGroups: 'AWSManagedRulesLinuxRuleSet',
      }),
    );
  });

  test('passes the hosted zone as an object', () => {
    expect(props.hostedZone).toEqual({ hostedZoneId: 'Z0123456789EXAMPLEZONE', zoneName: 'example.com' });
    expect(props.certificateArn).toBeUndefined();
  });

  test('passes a certificateArn and no hosted zone when there is no zone', () => {
    const withCertificate = stackPropsFromConfig(
      parseConfig(without(EXAMPLE_CONFIG, 'hostedZoneId', 'hostedZoneName'), {
        certificateArn: CERTIFICATE_ARN,
      }),
    );
    expect(withCertificate.hostedZone).toBeUndefined();
    expect(withCertificate.certificateArn).toBe(CERTIFICATE_ARN);
  });

  test('sets the environment from account and region', () => {
    expect(props.env).toEqual({ account: '123456789012', region: 'eu-west-1' });
    expect(props.stackName).toBe('SecureScheduling');
    expect(props.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  test('maps logRetentionDays to a CloudWatch Logs retention', () => {
    expect(props.logRetention).toBe(logs.RetentionDays.THREE_MONTHS);
  });

  test('maps settings whose prop has another name', () => {
    expect(props.memoryLimitMiB).toBe(EXAMPLE_CONFIG.memoryMiB);
    expect(props.additionalManagedRuleGroups).toEqual([OptionalManagedRuleGroup.LINUX]);
  });

  test('runs Cal.com at the https URL of domainName, with the configured image', () => {
    expect(props.app?.name).toBe('calcom');
    expect(props.app?.imageReference).toBe(EXAMPLE_CONFIG.image);
    expect(props.app?.environment).toMatchObject({
      NEXT_PUBLIC_WEBAPP_URL: 'https://schedule.example.com',
      NEXTAUTH_URL: 'https://schedule.example.com/api/auth',
    });
    expect(props.description).toContain('schedule.example.com');
  });
});

describe('inSettingTerms', () => {
  test('names the setting a user types instead of the construct prop', () => {
    expect(inSettingTerms('`memoryLimitMiB` 100 cannot be paired with `cpu` 1024')).toBe(
      'setting `memoryMiB` 100 cannot be paired with setting `cpu` 1024',
    );
    expect(inSettingTerms('`app.image` must be pinned')).toBe('setting `image` must be pinned');
  });

  test('leaves names that are no setting, and messages already in setting terms, alone', () => {
    expect(inSettingTerms('`healthCheckInterval` is odd')).toBe('`healthCheckInterval` is odd');
    expect(inSettingTerms('setting `region` must be ...')).toBe('setting `region` must be ...');
  });
});
