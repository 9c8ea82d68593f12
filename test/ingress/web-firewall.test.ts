import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  DEFAULT_MANAGED_RULE_GROUPS,
  OptionalManagedRuleGroup,
  WebFirewall,
  WebFirewallProps,
} from '../../lib';
import { CALCOM_LOGIN_ENDPOINT, CALCOM_SIGNUP_PATHS } from '../../lib/ingress/calcom-operator-paths';
import { ATP_RULE_GROUP } from '../../lib/ingress/web-firewall';
import { testStack } from '../support/app';

const ALB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/lb/0123456789abcdef';

interface Rule {
  Name: string;
  Priority: number;
  Action?: Record<string, unknown>;
  OverrideAction?: Record<string, unknown>;
  Statement: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  VisibilityConfig: {
    CloudWatchMetricsEnabled: boolean;
    SampledRequestsEnabled: boolean;
    MetricName: string;
  };
}

function synth(props: WebFirewallProps = {}): Template {
  const stack = testStack();
  new WebFirewall(stack, 'Firewall', { resourceArn: ALB_ARN, ...props });
  return Template.fromStack(stack);
}

function rulesOf(template: Template): Rule[] {
  const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0];
  return acl.Properties.Rules as Rule[];
}

describe('WebFirewall', () => {
  let template: Template;
  let rules: Rule[];

  beforeAll(() => {
    template = synth();
    rules = rulesOf(template);
  });

  describe('web ACL', () => {
    test('is regional, allows by default and is associated with the load balancer', () => {
      template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
      });
      template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: ALB_ARN });
    });

    test('runs the five default AWS managed rule groups without overriding their actions', () => {
      const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement);
      expect(managed.map((r) => r.Statement.ManagedRuleGroupStatement.Name)).toEqual([
        ...DEFAULT_MANAGED_RULE_GROUPS,
      ]);
      expect(managed.every((r) => r.Statement.ManagedRuleGroupStatement.VendorName === 'AWS')).toBe(true);
      expect(managed.every((r) => JSON.stringify(r.OverrideAction) === '{"None":{}}')).toBe(true);
    });

    test('limits each IP overall and, more strictly, on sign-in and booking paths', () => {
      const perIp = rules.find((r) => r.Name === 'RateLimitPerIp')!;
      expect(perIp.Action).toEqual({ Block: {} });
      expect(perIp.Statement.RateBasedStatement).toMatchObject({
        Limit: 1000,
        AggregateKeyType: 'IP',
        EvaluationWindowSec: 300,
      });
      const sensitive = rules.find((r) => r.Name === 'RateLimitSensitivePaths')!;
      expect(sensitive.Statement.RateBasedStatement.Limit).toBe(100);
      const paths = sensitive.Statement.RateBasedStatement.ScopeDownStatement.OrStatement.Statements.map(
        (s: { ByteMatchStatement: { SearchString: string } }) => s.ByteMatchStatement.SearchString,
      );
      expect(paths).toEqual(expect.arrayContaining(['/auth/', '/api/auth/', '/api/book/']));
    });

    test('counts every request against the rate limits before the managed groups can end its evaluation', () => {
      const names = rules.map((r) => r.Name);
      const lastRateRule = Math.max(
        names.indexOf('RateLimitPerIp'),
        names.indexOf('RateLimitSensitivePaths'),
      );
      const firstManaged = rules.findIndex((r) => r.Statement.ManagedRuleGroupStatement);
      expect(lastRateRule).toBeLessThan(firstManaged);
    });

    test('publishes CloudWatch metrics and samples for every rule and the ACL', () => {
      expect(
        rules.every(
          (r) => r.VisibilityConfig.CloudWatchMetricsEnabled && r.VisibilityConfig.SampledRequestsEnabled,
        ),
      ).toBe(true);
      expect(new Set(rules.map((r) => r.VisibilityConfig.MetricName)).size).toBe(rules.length);
      expect(rules.map((r) => r.Priority)).toEqual(rules.map((_, i) => i));
    });
  });

  describe('logging', () => {
    test('goes to an encrypted aws-waf-logs- log group with a retention limit, kept on deletion', () => {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'),
          RetentionInDays: 90,
          KmsKeyId: Match.anyValue(),
        },
        DeletionPolicy: 'Retain',
      });
    });

    test('redacts the authorization and cookie headers', () => {
      template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
        RedactedFields: [
          { SingleHeader: { Name: 'authorization' } },
          { SingleHeader: { Name: 'cookie' } },
          { QueryString: {} },
        ],
        LogDestinationConfigs: [
          {
            'Fn::Join': [
              '',
              Match.arrayWith([
                Match.stringLikeRegexp(':log-group:$'),
                { Ref: Match.stringLikeRegexp('FirewallLogGroup') },
              ]),
            ],
          },
        ],
      });
    });
  });

  describe('options', () => {
    let optionRules: Rule[];
    let optionTemplate: Template;

    beforeAll(() => {
      optionTemplate = synth({
        rateLimit: 2000,
        sensitivePathRateLimit: 50,
        sensitivePaths: ['/login'],
        additionalManagedRuleGroups: [OptionalManagedRuleGroup.LINUX],
        allowedIpRanges: ['203.0.113.0/24', '2001:db8::/32'],
        blockedIpRanges: ['198.51.100.7/32'],
        blockedCountries: ['KP'],
        logRetention: logs.RetentionDays.ONE_MONTH,
      });
      optionRules = rulesOf(optionTemplate);
    });

    test('blocked ranges come first, then allowed ranges, then countries', () => {
      expect(optionRules.slice(0, 3).map((r) => r.Name)).toEqual([
        'BlockedIpRanges',
        'AllowedIpRanges',
        'BlockedCountries',
      ]);
      expect(optionRules[2].Statement.GeoMatchStatement.CountryCodes).toEqual(['KP']);
    });

    test('IP sets are split by address family', () => {
      optionTemplate.hasResourceProperties('AWS::WAFv2::IPSet', {
        IPAddressVersion: 'IPV4',
        Addresses: ['203.0.113.0/24'],
      });
      optionTemplate.hasResourceProperties('AWS::WAFv2::IPSet', {
        IPAddressVersion: 'IPV6',
        Addresses: ['2001:db8::/32'],
      });
      optionTemplate.hasResourceProperties('AWS::WAFv2::IPSet', {
        IPAddressVersion: 'IPV4',
        Addresses: ['198.51.100.7/32'],
      });
    });

    test('a single sensitive path stands alone, without an OR', () => {
      const sensitive = optionRules.find((r) => r.Name === 'RateLimitSensitivePaths')!;
      expect(sensitive.Statement.RateBasedStatement.ScopeDownStatement.ByteMatchStatement.SearchString).toBe(
        '/login',
      );
      expect(sensitive.Statement.RateBasedStatement.Limit).toBe(50);
    });

    test('extra managed rule groups are added and limits and retention follow the props', () => {
      expect(
        optionRules.some(
          (r) => r.Statement.ManagedRuleGroupStatement?.Name === 'AWSManagedRulesLinuxRuleSet',
        ),
      ).toBe(true);
      expect(optionRules.find((r) => r.Name === 'RateLimitPerIp')!.Statement.RateBasedStatement.Limit).toBe(
        2000,
      );
      optionTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });
  });

  describe('validation', () => {
    const build = (props: WebFirewallProps) => () => new WebFirewall(testStack(), 'Firewall', props);

    test('throws when rateLimit is below WAF minimum', () => {
      expect(build({ rateLimit: 5 })).toThrow(
        /`rateLimit` must be an integer between 10 and 2000000000.*got 5/,
      );
    });

    test('throws when the sensitive-path limit is looser than the overall limit', () => {
      expect(build({ rateLimit: 100, sensitivePathRateLimit: 500 })).toThrow(
        /`sensitivePathRateLimit` \(500\) must not be higher than `rateLimit` \(100\)/,
      );
    });

    test('throws when a sensitive path does not start with a slash', () => {
      expect(build({ sensitivePaths: ['auth'] })).toThrow(
        /`sensitivePaths` must be one or more path prefixes.*auth/,
      );
    });

    test('throws when an IP range is not CIDR', () => {
      expect(build({ blockedIpRanges: ['10.0.0.1'] })).toThrow(
        /`blockedIpRanges` must hold CIDR ranges.*'10.0.0.1'/,
      );
    });

    test('throws when the allow list would let everyone bypass the firewall', () => {
      expect(build({ allowedIpRanges: ['0.0.0.0/0'] })).toThrow(
        /`allowedIpRanges` must not contain a \/0 range/,
      );
    });

    test('throws when a country code is not ISO alpha-2 upper case', () => {
      expect(build({ blockedCountries: ['kp', 'XYZ'] })).toThrow(
        /`blockedCountries` must hold ISO 3166-1 alpha-2.*'kp', 'XYZ'/,
      );
    });

    test('throws when logs would be kept forever', () => {
      expect(build({ logRetention: logs.RetentionDays.INFINITE })).toThrow(
        /`logRetention` must be at most 400 days.*INFINITE/,
      );
    });
  });

  describe('sign-in and sign-up at the edge (checklist C2)', () => {
    type ByteMatch = { ByteMatchStatement: { SearchString: string } };
    let edge: Rule[];

    beforeAll(() => {
      edge = rulesOf(
        synth({ accountTakeoverPrevention: CALCOM_LOGIN_ENDPOINT, signupPaths: CALCOM_SIGNUP_PATHS }),
      );
    });

    test('by default neither the ATP rule group nor a challenge is added', () => {
      expect(rules.map((r) => r.Name)).not.toContain(ATP_RULE_GROUP);
      expect(JSON.stringify(rules)).not.toContain('Challenge');
    });

    test("ATP inspects Cal.com's credential post: form-encoded email and password, only that path and method", () => {
      const atp = edge.find((r) => r.Name === ATP_RULE_GROUP)!;
      expect(atp.OverrideAction).toEqual({ None: {} });
      expect(atp.Statement.ManagedRuleGroupStatement).toMatchObject({
        VendorName: 'AWS',
        Name: 'AWSManagedRulesATPRuleSet',
        ManagedRuleGroupConfigs: [
          {
            AWSManagedRulesATPRuleSet: {
              LoginPath: '/api/auth/callback/credentials',
              RequestInspection: {
                PayloadType: 'FORM_ENCODED',
                UsernameField: { Identifier: 'email' },
                PasswordField: { Identifier: 'password' },
              },
            },
          },
        ],
      });
      const scope = atp.Statement.ManagedRuleGroupStatement.ScopeDownStatement.AndStatement.Statements;
      expect(scope.map((st: ByteMatch) => st.ByteMatchStatement.SearchString)).toEqual([
        '/api/auth/callback/credentials',
        'POST',
      ]);
    });

    test('the sign-up page gets a challenge for HTML GETs only, the sign-up API a token check for POSTs', () => {
      const page = edge.find((r) => r.Name === 'SignupPageChallenge')!;
      const api = edge.find((r) => r.Name === 'SignupApiToken')!;
      for (const rule of [page, api]) {
        expect(rule.Action).toEqual({ Challenge: {} });
        expect((rule as unknown as Record<string, unknown>).ChallengeConfig).toEqual({
          ImmunityTimeProperty: { ImmunityTime: 3600 },
        });
      }
      const matched = (rule: Rule) =>
        JSON.stringify(rule.Statement.AndStatement.Statements.map((st: ByteMatch) => st.ByteMatchStatement));
      expect(matched(page)).toContain('"SearchString":"/signup"');
      expect(matched(page)).toContain('"SearchString":"GET"');
      expect(matched(page)).toContain('"SearchString":"text/html"');
      expect(matched(api)).toContain('"SearchString":"/api/auth/signup"');
      expect(matched(api)).toContain('"SearchString":"POST"');
    });

    test('rate limits still count every request first; the challenges come before the managed groups', () => {
      const names = edge.map((r) => r.Name);
      expect(names.indexOf('RateLimitPerIp')).toBeLessThan(names.indexOf('SignupPageChallenge'));
      expect(names.indexOf('SignupApiToken')).toBeLessThan(names.indexOf(DEFAULT_MANAGED_RULE_GROUPS[0]));
      expect(edge.map((r) => r.Priority)).toEqual(edge.map((_, i) => i));
    });

    test.each<[string, Partial<WebFirewallProps>, RegExp]>([
      [
        'a login path without a slash',
        { accountTakeoverPrevention: { ...CALCOM_LOGIN_ENDPOINT, path: 'api/auth/callback/credentials' } },
        /`accountTakeoverPrevention.path` must be the sign-in path, starting with '\/', got 'api\/auth\/callback\/credentials'/,
      ],
      [
        'a form field for a JSON payload',
        { accountTakeoverPrevention: { ...CALCOM_LOGIN_ENDPOINT, payloadType: 'JSON' } },
        /`accountTakeoverPrevention.usernameField` must be a JSON pointer like '\/email' for a JSON payload, got 'email'/,
      ],
      [
        'a JSON pointer for a form payload',
        { accountTakeoverPrevention: { ...CALCOM_LOGIN_ENDPOINT, passwordField: '/password' } },
        /`accountTakeoverPrevention.passwordField` must be a form field name like 'email'.*got '\/password'/,
      ],
      [
        'sign-up paths without a page',
        { signupPaths: { pages: [], api: ['/api/auth/signup'] } },
        /`signupPaths` must name one or more sign-up pages/,
      ],
    ])('throws on %s', (_name, props, message) => {
      expect(() => new WebFirewall(testStack(), 'Firewall', props)).toThrow(message);
    });
  });
});
