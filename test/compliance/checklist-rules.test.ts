import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { IConstruct } from 'constructs';
import { NagMessageLevel, NagPack } from 'cdk-nag';
import { CHECKLIST_RULES, ChecklistRule, SchedulingChecklistChecks } from '../../lib';
import { defaultStack } from '../support/app';

/** Runs one rule of the pack alone, as a test-only pack. */
class OneRulePack extends NagPack {
  public readonly name = 'Test';
  constructor(private readonly checklistRule: ChecklistRule) {
    super();
    this.packName = 'Test';
  }
  protected checkResource(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: this.checklistRule.id,
      info: this.checklistRule.info,
      explanation: this.checklistRule.explanation,
      level: this.checklistRule.level,
      rule: this.checklistRule.rule,
      node,
    });
  }
}

function ruleById(id: string): ChecklistRule {
  const rule = CHECKLIST_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

/** The findings of one rule on a fresh stack that `build` fills: rule names as the pack reports them. */
function findings(id: string, build: (stack: Stack) => void): string[] {
  const stack = new Stack(undefined, 'Fixture');
  build(stack);
  return new OneRulePack(ruleById(id)).validateScope(stack).violations.map((v) => v.ruleName);
}

/** A value CloudFormation knows only at deploy time. */
const deployTime = Token.asString({ Ref: 'DeployTimeParameter' });
const listener = (stack: IConstruct, props: Partial<elbv2.CfnListenerProps>) =>
  new elbv2.CfnListener(stack, 'Listener', { loadBalancerArn: 'arn', defaultActions: [], ...props });
const taskDefinition = (
  stack: IConstruct,
  container: Partial<ecs.CfnTaskDefinition.ContainerDefinitionProperty>,
) =>
  new ecs.CfnTaskDefinition(stack, 'TaskDefinition', {
    containerDefinitions: [{ name: 'app', image: 'calcom/cal.com:v5.5.0', ...container }],
  });
const visibility = { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'm' };
const managedRule: wafv2.CfnWebACL.RuleProperty = {
  name: 'Common',
  priority: 0,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
  visibilityConfig: visibility,
};
const rateRule: wafv2.CfnWebACL.RuleProperty = {
  name: 'Rate',
  priority: 1,
  action: { block: {} },
  statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: 'IP' } },
  visibilityConfig: visibility,
};
/** An internet-facing load balancer with a web ACL of `rules` associated. */
function protectedLoadBalancer(stack: IConstruct, rules: wafv2.CfnWebACL.RuleProperty[]): void {
  const lb = new elbv2.CfnLoadBalancer(stack, 'Lb', { scheme: 'internet-facing' });
  const acl = new wafv2.CfnWebACL(stack, 'Acl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility,
    rules,
  });
  new wafv2.CfnWebACLAssociation(stack, 'Association', { resourceArn: lb.ref, webAclArn: acl.attrArn });
}
const redirect = [{ type: 'redirect', redirectConfig: { protocol: 'HTTPS', statusCode: 'HTTP_301' } }];
const forward = [{ type: 'forward', targetGroupArn: 'arn' }];

describe('SchedulingChecklistChecks', () => {
  test('the manifest: every rule id and level, in checklist order', () => {
    expect(CHECKLIST_RULES.map((r) => `${r.id} ${r.level}`)).toEqual([
      `C1-ListenerTlsPolicy ${NagMessageLevel.ERROR}`,
      `C1-HttpRedirectsOnly ${NagMessageLevel.ERROR}`,
      `C1-Hsts ${NagMessageLevel.ERROR}`,
      `C1-CertificateKeyStrength ${NagMessageLevel.ERROR}`,
      `C1-ContainerTlsVerification ${NagMessageLevel.ERROR}`,
      `C4-ImagePinned ${NagMessageLevel.ERROR}`,
      `C4-FargateLatestPlatform ${NagMessageLevel.WARN}`,
      `C5-NoPublicIpOnTasks ${NagMessageLevel.ERROR}`,
      `C7-WafLogRedaction ${NagMessageLevel.ERROR}`,
      `C7-LogRetention ${NagMessageLevel.ERROR}`,
      `C8-EgressNamedPorts ${NagMessageLevel.ERROR}`,
      `C9-LoadBalancerWebAcl ${NagMessageLevel.ERROR}`,
    ]);
    for (const rule of CHECKLIST_RULES) {
      expect(rule.id.startsWith(`${rule.checklist}-`)).toBe(true);
    }
  });

  test('the default stack passes every rule', () => {
    const report = new SchedulingChecklistChecks().validateScope(defaultStack());
    expect(report.violations).toEqual([]);
  });

  describe.each<[string, Array<[string, (stack: Stack) => void, string[]]>]>([
    [
      'C1-ListenerTlsPolicy',
      [
        [
          'compliant: a TLS 1.2+ policy',
          (s) => listener(s, { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' }),
          [],
        ],
        [
          'non-compliant: a policy that accepts TLS 1.0',
          (s) => listener(s, { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-2016-08' }),
          ['Test-C1-ListenerTlsPolicy'],
        ],
        [
          'non-compliant: no policy at all',
          (s) => listener(s, { protocol: 'HTTPS' }),
          ['Test-C1-ListenerTlsPolicy'],
        ],
        [
          'not applicable: an HTTP listener',
          (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
          [],
        ],
        [
          'reported when the policy is a token',
          (s) => listener(s, { protocol: 'HTTPS', sslPolicy: deployTime }),
          ['Test-C1-ListenerTlsPolicy'],
        ],
      ],
    ],
    [
      'C1-HttpRedirectsOnly',
      [
        [
          'compliant: a redirect to HTTPS',
          (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
          [],
        ],
        [
          'non-compliant: forwards plain HTTP',
          (s) => listener(s, { protocol: 'HTTP', defaultActions: forward }),
          ['Test-C1-HttpRedirectsOnly'],
        ],
        [
          'not applicable: an HTTPS listener',
          (s) => listener(s, { protocol: 'HTTPS', defaultActions: forward }),
          [],
        ],
        [
          'reported when the protocol is a token',
          (s) => listener(s, { protocol: deployTime, defaultActions: forward }),
          ['Test-C1-HttpRedirectsOnly'],
        ],
      ],
    ],
    [
      'C1-Hsts',
      [
        [
          'compliant: one year',
          (s) =>
            listener(s, {
              protocol: 'HTTPS',
              listenerAttributes: [
                {
                  key: 'routing.http.response.strict_transport_security.header_value',
                  value: 'max-age=31536000; includeSubDomains',
                },
              ],
            }),
          [],
        ],
        [
          'non-compliant: one day',
          (s) =>
            listener(s, {
              protocol: 'HTTPS',
              listenerAttributes: [
                {
                  key: 'routing.http.response.strict_transport_security.header_value',
                  value: 'max-age=86400',
                },
              ],
            }),
          ['Test-C1-Hsts'],
        ],
        ['non-compliant: no header', (s) => listener(s, { protocol: 'HTTPS' }), ['Test-C1-Hsts']],
        [
          'not applicable: an HTTP listener',
          (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
          [],
        ],
        [
          'reported when the value is a token',
          (s) =>
            listener(s, {
              protocol: 'HTTPS',
              listenerAttributes: [
                {
                  key: 'routing.http.response.strict_transport_security.header_value',
                  value: deployTime,
                },
              ],
            }),
          ['Test-C1-Hsts'],
        ],
      ],
    ],
    [
      'C1-ContainerTlsVerification',
      [
        [
          'compliant: verification on',
          (s) => taskDefinition(s, { environment: [{ name: 'PGSSLMODE', value: 'verify-full' }] }),
          [],
        ],
        [
          'non-compliant: each offending variable is a finding',
          (s) =>
            taskDefinition(s, {
              environment: [
                { name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0' },
                { name: 'DATABASE_URL', value: 'postgres://db/x?sslmode=disable' },
              ],
            }),
          [
            'Test-C1-ContainerTlsVerification[app.NODE_TLS_REJECT_UNAUTHORIZED]',
            'Test-C1-ContainerTlsVerification[app.DATABASE_URL]',
          ],
        ],
        ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
        [
          'a value known only at deploy is not judged',
          (s) => taskDefinition(s, { environment: [{ name: 'PGSSLMODE', value: deployTime }] }),
          [],
        ],
      ],
    ],
    [
      'C4-ImagePinned',
      [
        ['compliant: a release tag', (s) => taskDefinition(s, { image: 'calcom/cal.com:v5.5.0' }), []],
        [
          'non-compliant: latest',
          (s) => taskDefinition(s, { image: 'calcom/cal.com:latest' }),
          ['Test-C4-ImagePinned[app]'],
        ],
        [
          'non-compliant: no tag',
          (s) => taskDefinition(s, { image: 'calcom/cal.com' }),
          ['Test-C4-ImagePinned[app]'],
        ],
        [
          'not applicable: a listener',
          (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
          [],
        ],
        [
          'an ECR URI built by CloudFormation is judged by its literal tail',
          (s) =>
            taskDefinition(s, {
              image: `${s.account}.dkr.ecr.eu-west-1.${s.urlSuffix}/calcom@sha256:${'c'.repeat(64)}`,
            }),
          [],
        ],
      ],
    ],
    [
      'C4-FargateLatestPlatform',
      [
        [
          'compliant: LATEST',
          (s) => new ecs.CfnService(s, 'Service', { launchType: 'FARGATE', platformVersion: 'LATEST' }),
          [],
        ],
        [
          'non-compliant: an old version',
          (s) => new ecs.CfnService(s, 'Service', { launchType: 'FARGATE', platformVersion: '1.3.0' }),
          ['Test-C4-FargateLatestPlatform'],
        ],
        [
          'not applicable: EC2 launch type',
          (s) => new ecs.CfnService(s, 'Service', { launchType: 'EC2' }),
          [],
        ],
        [
          'reported when the version is a token',
          (s) => new ecs.CfnService(s, 'Service', { launchType: 'FARGATE', platformVersion: deployTime }),
          ['Test-C4-FargateLatestPlatform'],
        ],
      ],
    ],
    [
      'C5-NoPublicIpOnTasks',
      [
        [
          'compliant: disabled',
          (s) =>
            new ecs.CfnService(s, 'Service', {
              networkConfiguration: { awsvpcConfiguration: { subnets: ['s'], assignPublicIp: 'DISABLED' } },
            }),
          [],
        ],
        [
          'non-compliant: enabled',
          (s) =>
            new ecs.CfnService(s, 'Service', {
              networkConfiguration: { awsvpcConfiguration: { subnets: ['s'], assignPublicIp: 'ENABLED' } },
            }),
          ['Test-C5-NoPublicIpOnTasks'],
        ],
        ['not applicable: a task definition', (s) => taskDefinition(s, {}), []],
        [
          'reported when the setting is a token',
          (s) =>
            new ecs.CfnService(s, 'Service', {
              networkConfiguration: {
                awsvpcConfiguration: { subnets: ['s'], assignPublicIp: deployTime },
              },
            }),
          ['Test-C5-NoPublicIpOnTasks'],
        ],
      ],
    ],
    [
      'C7-WafLogRedaction',
      [
        [
          'compliant: both headers redacted',
          (s) =>
            new wafv2.CfnLoggingConfiguration(s, 'Logging', {
              resourceArn: 'arn',
              logDestinationConfigs: ['arn'],
              redactedFields: [
                { singleHeader: { Name: 'authorization' } },
                { singleHeader: { Name: 'Cookie' } },
              ],
            }),
          [],
        ],
        [
          'non-compliant: the cookie header is logged',
          (s) =>
            new wafv2.CfnLoggingConfiguration(s, 'Logging', {
              resourceArn: 'arn',
              logDestinationConfigs: ['arn'],
              redactedFields: [{ singleHeader: { Name: 'authorization' } }],
            }),
          ['Test-C7-WafLogRedaction[cookie]'],
        ],
        ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      ],
    ],
    [
      'C7-LogRetention',
      [
        ['compliant: 90 days', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 90 }), []],
        ['non-compliant: forever', (s) => new logs.CfnLogGroup(s, 'Logs', {}), ['Test-C7-LogRetention']],
        [
          'non-compliant: over the ceiling',
          (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 731 }),
          ['Test-C7-LogRetention'],
        ],
        [
          'not applicable: a listener',
          (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
          [],
        ],
      ],
    ],
    [
      'C8-EgressNamedPorts',
      [
        [
          'compliant: HTTPS to anywhere',
          (s) =>
            new ec2.CfnSecurityGroup(s, 'Sg', {
              groupDescription: 'x',
              securityGroupEgress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' }],
            }),
          [],
        ],
        [
          'non-compliant: all traffic to anywhere',
          (s) =>
            new ec2.CfnSecurityGroup(s, 'Sg', {
              groupDescription: 'x',
              securityGroupEgress: [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0' }],
            }),
          ['Test-C8-EgressNamedPorts'],
        ],
        [
          'non-compliant: a separate egress rule to all of IPv6',
          (s) =>
            new ec2.CfnSecurityGroupEgress(s, 'Egress', {
              groupId: 'sg',
              ipProtocol: '-1',
              cidrIpv6: '::/0',
            }),
          ['Test-C8-EgressNamedPorts'],
        ],
        [
          'compliant: all traffic within the VPC',
          (s) =>
            new ec2.CfnSecurityGroup(s, 'Sg', {
              groupDescription: 'x',
              securityGroupEgress: [{ ipProtocol: '-1', cidrIp: '10.20.0.0/16' }],
            }),
          [],
        ],
        ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      ],
    ],
    [
      'C1-CertificateKeyStrength',
      [
        [
          'compliant: RSA 2048',
          (s) => new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com', keyAlgorithm: 'RSA_2048' }),
          [],
        ],
        [
          'compliant: ECDSA P-384',
          (s) =>
            new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com', keyAlgorithm: 'EC_secp384r1' }),
          [],
        ],
        [
          'compliant: ACM default (RSA 2048)',
          (s) => new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com' }),
          [],
        ],
        [
          'non-compliant: RSA 1024',
          (s) => new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com', keyAlgorithm: 'RSA_1024' }),
          ['Test-C1-CertificateKeyStrength'],
        ],
        [
          'not applicable: a listener',
          (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
          [],
        ],
        [
          'reported when the algorithm is a token',
          (s) => new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com', keyAlgorithm: deployTime }),
          ['Test-C1-CertificateKeyStrength'],
        ],
      ],
    ],
    [
      'C9-LoadBalancerWebAcl',
      [
        [
          'compliant: managed group and rate limit',
          (s) => protectedLoadBalancer(s, [managedRule, rateRule]),
          [],
        ],
        [
          'non-compliant: no web ACL',
          (s) => new elbv2.CfnLoadBalancer(s, 'Lb', { scheme: 'internet-facing' }),
          ['Test-C9-LoadBalancerWebAcl[web-acl]'],
        ],
        [
          'non-compliant: no rate limit',
          (s) => protectedLoadBalancer(s, [managedRule]),
          ['Test-C9-LoadBalancerWebAcl[rate-based-rule]'],
        ],
        [
          'not applicable: an internal load balancer',
          (s) => new elbv2.CfnLoadBalancer(s, 'Lb', { scheme: 'internal' }),
          [],
        ],
        [
          'reported when the scheme is a token',
          (s) => new elbv2.CfnLoadBalancer(s, 'Lb', { scheme: deployTime }),
          ['Test-C9-LoadBalancerWebAcl'],
        ],
      ],
    ],
  ])('%s', (id, cases) => {
    test.each(cases)('%s', (_name, build, expected) => {
      expect(findings(id, build)).toEqual(expected);
    });
  });
});
