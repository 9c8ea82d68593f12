import { CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagMessageLevel, NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { SchedulingNetwork, TlsLoadBalancer, TlsLoadBalancerProps } from '../../lib';
import { protectedPathsAuthenticate } from '../../lib/compliance/checklist/rules/protected-paths-authenticate';
import { CALCOM_OPERATOR_PATHS } from '../../lib/ingress/calcom-operator-paths';
import { IOperatorLogin, OperatorLogin, OperatorLoginProps } from '../../lib/ingress/operator-login';
import { routeHttps } from '../support/alb-routing';
import { only, testStack } from '../support/app';

const HOSTS = ['schedule.example.com', 'book.example.com', 'meet.example.com', 'cal.example.com'];
const CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/0b0a6f6e-3c41-4a8e-9f64-2d1c3d5e7a90';
const IDP_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:operators-idp-AbCdEf';
const OIDC = {
  issuer: 'https://idp.example.org',
  authorizationEndpoint: 'https://idp.example.org/oauth2/authorize',
  tokenEndpoint: 'https://idp.example.org/oauth2/token',
  userInfoEndpoint: 'https://idp.example.org/oauth2/userinfo',
  clientId: 'scheduling-operators',
};

/** A load balancer for `HOSTS` with the app attached through `addTargets`, as SchedulingService attaches it. */
function build(
  stack: Stack,
  login: (stack: Stack) => IOperatorLogin | undefined,
  props: Partial<TlsLoadBalancerProps> = {},
): TlsLoadBalancer {
  const { vpc } = new SchedulingNetwork(stack, 'Network');
  const lb = new TlsLoadBalancer(stack, 'LoadBalancer', {
    vpc,
    domainName: HOSTS[0],
    domainAliases: HOSTS.slice(1),
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN),
    operatorLogin: login(stack),
    ...props,
  });
  lb.addTargets('App', {
    port: 3000,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targets: [new targets.IpTarget('10.20.8.10')],
  });
  return lb;
}

/** The rule alone, as a test-only pack: rule names as the checklist pack would report them, with `Test-`. */
class OneRulePack extends NagPack {
  public readonly name = 'Test';
  constructor() {
    super();
    this.packName = 'Test';
  }
  protected checkResource(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: 'C2-OperatorPathsAuthenticate',
      info: 'Operator paths are forwarded without a sign-in with a second factor.',
      explanation: 'test',
      level: NagMessageLevel.ERROR,
      rule: protectedPathsAuthenticate,
      node,
    });
  }
}

function findings(scope: IConstruct): string[] {
  return new OneRulePack().validateScope(scope).violations.map((v) => v.ruleName);
}

const appGroup = (t: Template): string => only(t, 'AWS::ElasticLoadBalancingV2::TargetGroup')[0];

/** One request for each operator path pattern of Cal.com, as a browser or the app's own client sends it. */
const OPERATOR_REQUESTS: Array<{ method: string; path: string }> = [
  { method: 'GET', path: '/settings/admin' },
  { method: 'GET', path: '/settings/admin/users' },
  { method: 'GET', path: '/settings/admin/flags?_rsc=1x2y' },
  { method: 'GET', path: '/settings/admin/users/7/edit' },
  { method: 'GET', path: '/auth/setup' },
  { method: 'GET', path: '/auth/setup?step=2' },
  { method: 'POST', path: '/api/auth/setup' },
  { method: 'GET', path: '/api/trpc/admin/listPaginated?batch=1&input=%7B%7D' },
  { method: 'POST', path: '/api/trpc/admin/toggleFeatureFlag,lockUserAccount?batch=1' },
  { method: 'POST', path: '/api/trpc/deploymentSetup/update?batch=1' },
];

/** Requests of ordinary users and invitees, which must reach the app without the operators' sign-in. */
const ORDINARY_REQUESTS: Array<{ method: string; path: string }> = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/team/meet' },
  { method: 'GET', path: '/auth/login' },
  { method: 'POST', path: '/api/auth/callback/credentials' },
  { method: 'GET', path: '/signup' },
  { method: 'POST', path: '/api/auth/signup' },
  { method: 'POST', path: '/api/book/event' },
  { method: 'GET', path: '/settings/my-account/profile' },
  { method: 'GET', path: '/settings/admins' },
  { method: 'GET', path: '/api/trpc/bookings/get?batch=1' },
  { method: 'GET', path: '/api/trpc/me/get?batch=1' },
];

describe('OperatorLogin (Cognito) in front of the Cal.com operator paths', () => {
  let stack: Stack;
  let login: OperatorLogin;
  let template: Template;

  beforeAll(() => {
    stack = testStack();
    build(
      stack,
      (s) => {
        login = new OperatorLogin(s, 'OperatorLogin', { hostNames: HOSTS });
        return login;
      },
      { protectedPaths: [...CALCOM_OPERATOR_PATHS] },
    );
    template = Template.fromStack(stack);
  });

  describe('routing (evaluated as ALB evaluates its rules)', () => {
    test.each(HOSTS.flatMap((host) => OPERATOR_REQUESTS.map((r) => [host, r.method, r.path] as const)))(
      'on %s, %s %s signs in first, then reaches the app',
      (host, method, path) => {
        expect(routeHttps(template, { host, method, path })).toMatchObject({
          kind: 'authenticate',
          next: appGroup(template),
          onUnauthenticatedRequest: 'authenticate',
        });
      },
    );

    test('the host name is matched case-insensitively', () => {
      expect(routeHttps(template, { host: 'SCHEDULE.Example.com', path: '/settings/admin' })).toMatchObject({
        kind: 'authenticate',
      });
    });

    test.each(HOSTS.flatMap((host) => ORDINARY_REQUESTS.map((r) => [host, r.method, r.path] as const)))(
      'on %s, %s %s reaches the app without the sign-in',
      (host, method, path) => {
        expect(routeHttps(template, { host, method, path })).toMatchObject({
          kind: 'forward',
          targetGroup: appGroup(template),
        });
      },
    );

    test.each(['evil.example.net', 'SecureS-LoadB-1A2B3C4D5E6F-1234567890.eu-west-1.elb.amazonaws.com'])(
      'an unknown host %s still gets a 404, on operator paths too',
      (host) => {
        for (const { method, path } of [...OPERATOR_REQUESTS, ...ORDINARY_REQUESTS]) {
          expect(routeHttps(template, { host, method, path })).toMatchObject({
            kind: 'fixed-response',
            status: 404,
          });
        }
      },
    );

    test('refusals still come first', () => {
      expect(routeHttps(template, { host: HOSTS[0], path: '/.env' })).toMatchObject({ status: 404 });
      expect(routeHttps(template, { host: HOSTS[0], path: '/settings/admin/.git/config' })).toMatchObject({
        status: 404,
      });
      expect(
        routeHttps(template, { host: HOSTS[1], method: 'TRACE', path: '/settings/admin' }),
      ).toMatchObject({
        status: 405,
      });
    });

    test("the sign-in rules sit between the refusals and the host rules, within ALB's value limits", () => {
      const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
      const signIns = rules.filter((r) => r.Properties.Actions[0].Type === 'authenticate-cognito');
      // Four names: [3 hosts × 2 paths] × 3 rules + [1 host × 3 paths] × 2 rules.
      expect(signIns.map((r) => r.Properties.Priority).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14]);
      for (const rule of signIns) {
        const values = (rule.Properties.Conditions as Array<Record<string, { Values: string[] }>>).flatMap(
          (c) => (c.HostHeaderConfig ?? c.PathPatternConfig).Values,
        );
        expect(values.length).toBeLessThanOrEqual(5);
        expect(values.join('').replace(/[^*?]/g, '').length).toBeLessThanOrEqual(5);
      }
    });
  });

  describe('sign-in action', () => {
    test('uses the pool, its client and domain, asks for openid, and keeps a one-hour session', () => {
      const rule = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).find(
        (r) => r.Properties.Actions[0].Type === 'authenticate-cognito',
      )!;
      const [poolId] = only(template, 'AWS::Cognito::UserPool');
      const [clientId] = only(template, 'AWS::Cognito::UserPoolClient');
      const [domainId] = only(template, 'AWS::Cognito::UserPoolDomain');
      expect(rule.Properties.Actions[0].AuthenticateCognitoConfig).toEqual({
        UserPoolArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
        UserPoolClientId: { Ref: clientId },
        UserPoolDomain: { Ref: domainId },
        Scope: 'openid',
        SessionTimeout: 3600,
        OnUnauthenticatedRequest: 'authenticate',
      });
      expect(rule.Properties.Actions[1]).toMatchObject({ Type: 'forward', Order: 2 });
    });

    test('the load balancer may send HTTPS to the identity provider, and nothing else to the internet', () => {
      const [, group] = only(template, 'AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Load balancer'),
      });
      const toInternet = (group.Properties.SecurityGroupEgress ?? []).filter(
        (e: { CidrIp?: string }) => e.CidrIp === '0.0.0.0/0',
      );
      expect(toInternet).toEqual([
        {
          CidrIp: '0.0.0.0/0',
          Description:
            'HTTPS to the identity provider token and user-info endpoints (sign-in at the load balancer)',
          FromPort: 443,
          ToPort: 443,
          IpProtocol: 'tcp',
        },
      ]);
    });
  });

  describe('user pool', () => {
    test('requires MFA with an authenticator app only, no SMS', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      });
      const [, pool] = only(template, 'AWS::Cognito::UserPool');
      expect(pool.Properties.SmsConfiguration).toBeUndefined();
      // No role for Cognito to send SMS with.
      expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('cognito-idp');
    });

    test('demands 14+ characters of four classes, not one of the last 24, with a one-day invitation', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Policies: {
          PasswordPolicy: {
            MinimumLength: 14,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            PasswordHistorySize: 24,
            TemporaryPasswordValidityDays: 1,
          },
        },
      });
    });

    test('has no self sign-up: administrators create operators, who get an invitation', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: {
          AllowAdminCreateUserOnly: true,
          InviteMessageTemplate: Match.objectLike({
            EmailMessage: Match.stringLikeRegexp('\\{username\\}.*\\{####\\}.*authenticator app'),
          }),
        },
      });
    });

    test('recovers accounts by e-mail only, on the Essentials plan without threat protection', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        UserPoolTier: 'ESSENTIALS',
      });
      const [, pool] = only(template, 'AWS::Cognito::UserPool');
      expect(pool.Properties.UserPoolAddOns).toBeUndefined();
    });

    test('is retained and protected from deletion, under a pinned logical id', () => {
      const [id, pool] = only(template, 'AWS::Cognito::UserPool');
      expect(id).toBe('OperatorLoginUserPool5E76EA17');
      expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
      expect(pool.DeletionPolicy).toBe('Retain');
      expect(pool.UpdateReplacePolicy).toBe('Retain');
    });
  });

  describe('app client and domain', () => {
    test('the client has a secret, the code grant, openid, Cognito users, and a callback per host name', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid'],
        SupportedIdentityProviders: ['COGNITO'],
        PreventUserExistenceErrors: 'ENABLED',
        CallbackURLs: HOSTS.map((h) => `https://${h}/oauth2/idpresponse`),
      });
    });

    test('the prefix domain is the stack name plus the first block of the stack id', () => {
      const [, domain] = only(template, 'AWS::Cognito::UserPoolDomain');
      expect(JSON.stringify(domain.Properties.Domain)).toContain('"test-operators-"');
      expect(JSON.stringify(domain.Properties.Domain)).toContain('{"Ref":"AWS::StackId"}');
    });
  });

  describe('checklist rule C2-OperatorPathsAuthenticate', () => {
    test('finds the operator paths behind the sign-in', () => {
      expect(findings(stack)).toEqual([]);
    });
  });
});

describe('OperatorLogin.oidc with the whole app protected', () => {
  let stack: Stack;
  let template: Template;

  beforeAll(() => {
    stack = testStack();
    build(
      stack,
      (s) =>
        OperatorLogin.oidc({
          ...OIDC,
          clientSecret: secretsmanager.Secret.fromSecretCompleteArn(s, 'IdpSecret', IDP_SECRET_ARN),
          sessionTimeout: Duration.hours(8),
        }),
      { protectWholeApp: true },
    );
    template = Template.fromStack(stack);
  });

  test.each(
    HOSTS.flatMap((host) =>
      [...OPERATOR_REQUESTS, ...ORDINARY_REQUESTS].map((r) => [host, r.method, r.path] as const),
    ),
  )('on %s, %s %s signs in first', (host, method, path) => {
    expect(routeHttps(template, { host, method, path })).toMatchObject({
      kind: 'authenticate',
      next: appGroup(template),
      onUnauthenticatedRequest: 'authenticate',
    });
  });

  test('unknown hosts get 404 and refusals still come first', () => {
    expect(routeHttps(template, { host: 'evil.example.net', path: '/settings/admin' })).toMatchObject({
      status: 404,
    });
    expect(routeHttps(template, { host: HOSTS[0], path: '/.git/config' })).toMatchObject({ status: 404 });
  });

  test('the host rules themselves sign in (no separate path rules)', () => {
    const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    const signIns = rules.filter((r) => r.Properties.Actions[0].Type === 'authenticate-oidc');
    expect(signIns.map((r) => r.Properties.Priority).sort()).toEqual([100, 101]);
  });

  test('the client secret is a Secrets Manager dynamic reference, never text', () => {
    const rule = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).find(
      (r) => r.Properties.Actions[0].Type === 'authenticate-oidc',
    )!;
    expect(rule.Properties.Actions[0].AuthenticateOidcConfig).toEqual({
      ...Object.fromEntries(
        Object.entries(OIDC).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), v]),
      ),
      ClientSecret: `{{resolve:secretsmanager:${IDP_SECRET_ARN}:SecretString:::}}`,
      Scope: 'openid',
      SessionTimeout: 28800,
      OnUnauthenticatedRequest: 'authenticate',
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('the load balancer may send HTTPS to the identity provider', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Load balancer'),
      SecurityGroupEgress: Match.arrayWith([
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ]),
    });
  });

  test('checklist rule C2-OperatorPathsAuthenticate finds every path behind the sign-in', () => {
    expect(findings(stack)).toEqual([]);
  });
});

describe('checklist rule C2-OperatorPathsAuthenticate', () => {
  const deployTime = Token.asString({ Ref: 'DeployTimeParameter' });
  const https = (s: Stack, props: Partial<elbv2.CfnListenerProps> = {}) =>
    new elbv2.CfnListener(s, 'Listener', {
      loadBalancerArn: 'arn',
      protocol: 'HTTPS',
      port: 443,
      defaultActions: [{ type: 'fixed-response', fixedResponseConfig: { statusCode: '404' } }],
      ...props,
    });
  const forward = [{ type: 'forward', targetGroupArn: 'tg', order: 1 }];
  const signIn = (onUnauthenticatedRequest: string) => [
    {
      type: 'authenticate-oidc',
      order: 1,
      authenticateOidcConfig: {
        issuer: 'https://idp',
        authorizationEndpoint: 'https://idp/a',
        tokenEndpoint: 'https://idp/t',
        userInfoEndpoint: 'https://idp/u',
        clientId: 'c',
        clientSecret: '{{resolve:secretsmanager:s}}',
        onUnauthenticatedRequest,
      },
    },
    { type: 'forward', targetGroupArn: 'tg', order: 2 },
  ];
  const rule = (
    s: Stack,
    on: elbv2.CfnListener,
    id: string,
    priority: number,
    actions: unknown[],
    paths?: string[],
  ) =>
    new elbv2.CfnListenerRule(s, id, {
      listenerArn: on.ref,
      priority,
      conditions: [
        { field: 'host-header', hostHeaderConfig: { values: ['schedule.example.com'] } },
        ...(paths ? [{ field: 'path-pattern', pathPatternConfig: { values: paths } }] : []),
      ],
      actions: actions as elbv2.CfnListenerRule.ActionProperty[],
    });

  test.each<[string, (s: Stack) => void, string[]]>([
    [
      'compliant: the admin paths sign in before the host rule forwards',
      (s) => {
        const l = https(s);
        rule(s, l, 'Admin', 10, signIn('authenticate'), ['/admin/*']);
        rule(s, l, 'Host', 100, forward);
      },
      [],
    ],
    [
      'compliant: deny (401) without a session is a sign-in too',
      (s) => {
        const l = https(s);
        rule(s, l, 'Admin', 10, signIn('deny'), ['/admin/*']);
        rule(s, l, 'Host', 100, forward);
      },
      [],
    ],
    [
      'non-compliant: the listener forwards with no sign-in anywhere',
      (s) => rule(s, https(s), 'Host', 100, forward),
      ['Test-C2-OperatorPathsAuthenticate[no-sign-in]'],
    ],
    [
      'non-compliant: an authenticate action that lets requests without a session through',
      (s) => {
        const l = https(s);
        rule(s, l, 'Admin', 10, signIn('allow'), ['/admin/*']);
        rule(s, l, 'Host', 100, forward);
      },
      ['Test-C2-OperatorPathsAuthenticate[no-sign-in]'],
    ],
    [
      'non-compliant: an earlier rule forwards the same paths without the sign-in',
      (s) => {
        const l = https(s);
        rule(s, l, 'Early', 5, forward, ['/admin/*']);
        rule(s, l, 'Admin', 10, signIn('authenticate'), ['/admin/*']);
        rule(s, l, 'Host', 100, forward);
      },
      ['Test-C2-OperatorPathsAuthenticate[unprotected-5]'],
    ],
    [
      'non-compliant: an earlier, broader host rule takes every path first',
      (s) => {
        const l = https(s);
        rule(s, l, 'Host', 3, forward);
        rule(s, l, 'Admin', 10, signIn('authenticate'), ['/admin/*']);
      },
      ['Test-C2-OperatorPathsAuthenticate[unprotected-3]'],
    ],
    ['not applicable: a listener that only answers with fixed responses', (s) => https(s), []],
    [
      'not applicable: the HTTP listener',
      (s) => {
        const l = https(s, { protocol: 'HTTP', port: 80 });
        rule(s, l, 'Host', 100, forward);
      },
      [],
    ],
    [
      'token: what happens without a session, known only at deploy, proves no sign-in',
      (s) => {
        const l = https(s);
        rule(s, l, 'Admin', 10, signIn(deployTime), ['/admin/*']);
        rule(s, l, 'Host', 100, forward);
      },
      ['Test-C2-OperatorPathsAuthenticate[no-sign-in]'],
    ],
  ])('%s', (_name, fill, expected) => {
    const s = new Stack(undefined, 'Fixture');
    fill(s);
    expect(findings(s)).toEqual(expected);
  });

  test('a TlsLoadBalancer without a login is reported: no evidence of a second factor', () => {
    const s = testStack();
    build(s, () => undefined);
    expect(findings(s)).toEqual(['Test-C2-OperatorPathsAuthenticate[no-sign-in]']);
  });
});

describe('validation', () => {
  const secret = (s: Stack) => secretsmanager.Secret.fromSecretCompleteArn(s, 'IdpSecret', IDP_SECRET_ARN);
  const cognitoLogin = (props: Partial<OperatorLoginProps>) => () =>
    new OperatorLogin(testStack(), 'OperatorLogin', { hostNames: HOSTS, ...props });
  const oidcLogin = (props: Record<string, unknown>) => () =>
    OperatorLogin.oidc({ ...OIDC, clientSecret: secret(testStack()), ...props });
  const loadBalancer =
    (props: Partial<TlsLoadBalancerProps>, hostNames = HOSTS) =>
    () =>
      build(testStack(), (s) => new OperatorLogin(s, 'OperatorLogin', { hostNames }), props);
  const withoutLogin = (props: Partial<TlsLoadBalancerProps>) => () =>
    build(testStack(), () => undefined, props);

  test.each<[string, () => unknown, RegExp]>([
    [
      'minPasswordLength below 14',
      cognitoLogin({ minPasswordLength: 12 }),
      /`minPasswordLength` must be an integer between 14 and 99 \(checklist C2\), got 12/,
    ],
    [
      'sessionTimeout above 7 days',
      cognitoLogin({ sessionTimeout: Duration.days(8) }),
      /`sessionTimeout` must be whole seconds between 1 second and 7 days.*got 8 days/,
    ],
    [
      'a domainPrefix with a reserved word',
      cognitoLogin({ domainPrefix: 'my-aws-operators' }),
      /`domainPrefix` must not contain 'aws' \(reserved by AWS\), got 'my-aws-operators'/,
    ],
    [
      'a domainPrefix with capitals and an underscore',
      cognitoLogin({ domainPrefix: 'Ops_Login' }),
      /`domainPrefix` must be 1 to 63 lower-case letters, digits and hyphens.*got 'Ops_Login'/,
    ],
    ['no host names', cognitoLogin({ hostNames: [] }), /`hostNames` must name at least one host/],
    [
      'an http issuer',
      oidcLogin({ issuer: 'http://idp.example.org' }),
      /`issuer` must be an https:\/\/ URL .*got 'http:\/\/idp.example.org'/,
    ],
    [
      'a token endpoint that is no URL',
      oidcLogin({ tokenEndpoint: 'idp.example.org/token' }),
      /`tokenEndpoint` must be an https:\/\/ URL .*got 'idp.example.org\/token'/,
    ],
    ['a scope without openid', oidcLogin({ scope: 'profile email' }), /`scope` must include 'openid'/],
    [
      'an empty client id',
      oidcLogin({ clientId: ' ' }),
      /`clientId` must name the client registered at the identity provider/,
    ],
    [
      'a login without protected paths',
      loadBalancer({}),
      /`operatorLogin` is given but no `protectedPaths`: name the paths only operators use/,
    ],
    [
      'protected paths without a login',
      withoutLogin({ protectedPaths: ['/settings/admin'] }),
      /`protectedPaths` \[\/settings\/admin\] need an `operatorLogin`/,
    ],
    [
      'protectWholeApp without a login',
      withoutLogin({ protectWholeApp: true }),
      /`protectWholeApp` needs an `operatorLogin`/,
    ],
    [
      'protectWholeApp and protected paths together',
      loadBalancer({ protectWholeApp: true, protectedPaths: ['/settings/admin'] }),
      /`protectWholeApp` already signs in every path: leave `protectedPaths` out/,
    ],
    [
      'a protected path without its leading slash',
      loadBalancer({ protectedPaths: ['settings/admin'] }),
      /`protectedPaths` entries must be ALB path patterns.*got 'settings\/admin'/,
    ],
    [
      'a protected path with a space',
      loadBalancer({ protectedPaths: ['/settings/ admin'] }),
      /`protectedPaths` entries must be ALB path patterns.*got '\/settings\/ admin'/,
    ],
    [
      'a repeated protected path',
      loadBalancer({ protectedPaths: ['/settings/admin', '/settings/admin'] }),
      /`protectedPaths` must not repeat a pattern, got '\/settings\/admin' twice/,
    ],
    [
      'a login without a callback URL for an alias',
      loadBalancer({ protectedPaths: ['/settings/admin'] }, HOSTS.slice(0, 2)),
      /`operatorLogin` has no callback URL for 'meet.example.com', 'cal.example.com'/,
    ],
    [
      'more refused patterns than fit before the sign-in rules',
      loadBalancer({
        protectedPaths: ['/settings/admin'],
        refusedPathPatterns: Array.from({ length: 25 }, (_, i) => `/leak${i}`),
      }),
      /`refusedPathPatterns` may hold at most 24 patterns with an `operatorLogin`.*got 25/,
    ],
  ])('throws on %s', (_name, construct, message) => {
    expect(construct).toThrow(message);
  });

  test('threatProtection puts the pool on the Plus plan with threat protection enforced', () => {
    const s = testStack();
    const { vpc } = new SchedulingNetwork(s, 'Network');
    const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(s, 'Zone', {
      hostedZoneId: 'Z0123456789EXAMPLE',
      zoneName: 'example.com',
    });
    const lb = new TlsLoadBalancer(s, 'LoadBalancer', {
      vpc,
      domainName: HOSTS[0],
      hostedZone,
      operatorLogin: new OperatorLogin(s, 'OperatorLogin', { hostNames: [HOSTS[0]], threatProtection: true }),
      protectedPaths: ['/settings/admin'],
    });
    expect(lb.protectedPaths).toEqual(['/settings/admin']);
    const pool = s.node
      .findAll()
      .find((c) => c instanceof CfnResource && c.cfnResourceType === 'AWS::Cognito::UserPool');
    expect(s.resolve((pool as unknown as { userPoolTier: string }).userPoolTier)).toBe('PLUS');
    expect(s.resolve((pool as unknown as { userPoolAddOns: unknown }).userPoolAddOns)).toEqual({
      advancedSecurityMode: 'ENFORCED',
    });
  });
});
