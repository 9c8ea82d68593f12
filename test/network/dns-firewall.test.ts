import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AlertTopic } from '../../lib/audit/alert-topic';
import { LogEncryptionKey } from '../../lib/audit/log-encryption-key';
import { SecureSchedulingError } from '../../lib/errors';
import {
  awsServiceDomains,
  DNS_FIREWALL_ASSOCIATION_PRIORITY,
  DNS_FIREWALL_METRIC,
  DOCKER_HUB_DOMAINS,
  MAX_ALLOWED_DOMAINS,
  OutboundDnsFirewall,
  OutboundDnsFirewallProps,
} from '../../lib/network/dns-firewall';
import {
  CALCOM_INTEGRATION_DOMAINS,
  calComIntegrationDomainNames,
} from '../../lib/network/integration-domains';
import { domainNameProblem } from '../../lib/private/domain-names';
import { only, testStack } from '../support/app';

/** A small VPC, a log key and an alert topic: what the stack hands the firewall. */
function surroundings(stack: Stack) {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const encryptionKey = new LogEncryptionKey(stack, 'LogKey').key;
  const alerts = new AlertTopic(stack, 'Alerts');
  return { vpc, encryptionKey, alerts };
}

/** The resolved Domains of the domain list `logicalId`, with the region's tokens joined as CloudFormation would. */
function domainsOf(template: Template, logicalId: string): string[] {
  const list = template.toJSON().Resources[logicalId];
  return (list.Properties.Domains as unknown[]).map((d) =>
    typeof d === 'string' ? d : JSON.stringify(d).replace(/\{"Ref":"AWS::URLSuffix"\}/g, 'amazonaws.com'),
  );
}

describe('OutboundDnsFirewall', () => {
  describe('in BLOCK mode (the default)', () => {
    let template: Template;
    let firewall: OutboundDnsFirewall;
    let vpcId: string;
    let keyId: string;
    let topicId: string;

    beforeAll(() => {
      const stack = testStack();
      const { vpc, encryptionKey, alerts } = surroundings(stack);
      firewall = new OutboundDnsFirewall(stack, 'DnsFirewall', {
        vpc,
        encryptionKey,
        alerts,
        allowedDomains: [
          'api.zoom.us',
          'graph.microsoft.com',
          'api.zoom.us',
          'registry-1.docker.io',
          '*.example.org',
        ],
      });
      vpcId = stack.getLogicalId(vpc.node.defaultChild as CfnResource);
      keyId = stack.getLogicalId(encryptionKey.node.defaultChild as CfnResource);
      topicId = stack.getLogicalId(alerts.topic.node.defaultChild as CfnResource);
      template = Template.fromStack(stack);
    });

    test('rule 1 allows the allowed list and trusts its CNAME chains', () => {
      const [, group] = only(template, 'AWS::Route53Resolver::FirewallRuleGroup');
      const rules = [...group.Properties.FirewallRules].sort((a, b) => a.Priority - b.Priority);
      expect(rules).toHaveLength(2);
      expect(rules[0]).toEqual({
        Priority: 100,
        Action: 'ALLOW',
        FirewallDomainListId: { 'Fn::GetAtt': [expect.stringMatching(/AllowedDomains/), 'Id'] },
        FirewallDomainRedirectionAction: 'TRUST_REDIRECTION_DOMAIN',
      });
    });

    test('the last rule blocks every other domain with NXDOMAIN', () => {
      const [, group] = only(template, 'AWS::Route53Resolver::FirewallRuleGroup');
      const rules = [...group.Properties.FirewallRules].sort((a, b) => a.Priority - b.Priority);
      const last = rules[rules.length - 1];
      expect(last).toMatchObject({ Action: 'BLOCK', BlockResponse: 'NXDOMAIN' });
      const listId = last.FirewallDomainListId['Fn::GetAtt'][0];
      expect(domainsOf(template, listId)).toEqual(['*']);
    });

    test('the rule group is associated with the VPC, protected against changes', () => {
      const [, association] = only(template, 'AWS::Route53Resolver::FirewallRuleGroupAssociation');
      expect(association.Properties).toEqual({
        FirewallRuleGroupId: { 'Fn::GetAtt': [expect.stringMatching(/RuleGroup/), 'Id'] },
        VpcId: { Ref: vpcId },
        Priority: DNS_FIREWALL_ASSOCIATION_PRIORITY,
        MutationProtection: 'ENABLED',
      });
      expect(DNS_FIREWALL_ASSOCIATION_PRIORITY).toBeGreaterThan(100);
      expect(DNS_FIREWALL_ASSOCIATION_PRIORITY).toBeLessThan(9900);
    });

    test('the allowed list holds the AWS domains of the region, Docker Hub and the given domains, each once', () => {
      const [listId] = only(template, 'AWS::Route53Resolver::FirewallDomainList', {
        Domains: Match.arrayWith(['api.zoom.us']),
      });
      const domains = domainsOf(template, listId);
      expect(new Set(domains).size).toBe(domains.length);
      for (const expected of ['api.zoom.us', 'graph.microsoft.com', '*.example.org', ...DOCKER_HUB_DOMAINS]) {
        expect(domains).toContain(expected);
      }
      const joined = domains.join('\n');
      for (const service of ['api.ecr', '111111111111.dkr.ecr', 'secretsmanager', 'logs']) {
        expect(joined).toContain(`"${service}.eu-west-1."`);
      }
      expect(joined).toContain('"prod-eu-west-1-starport-layer-bucket.s3.eu-west-1."');
      expect(joined).toContain('"*.eu-west-1.rds."');
      // Never the whole of AWS: any bucket of any account would be reachable.
      expect(joined).not.toMatch(/"\*\.(s3\.)?("|eu-west-1\.")/);
      expect(domains).toHaveLength(firewall.allowedDomains.length);
      expect(domains).toHaveLength(10 + DOCKER_HUB_DOMAINS.length + 3);
    });

    test('queries are logged to a log group encrypted with the given key, kept for 90 days and retained', () => {
      const [groupId] = only(template, 'AWS::Logs::LogGroup', {
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        RetentionInDays: 90,
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      const [, config] = only(template, 'AWS::Route53Resolver::ResolverQueryLoggingConfig');
      expect(JSON.stringify(config.Properties.DestinationArn)).toContain(`{"Ref":"${groupId}"}`);
      expect(JSON.stringify(config.Properties.DestinationArn)).toContain(':log-group:');
      const [, association] = only(template, 'AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation');
      expect(association.Properties).toEqual({
        ResolverQueryLogConfigId: { 'Fn::GetAtt': [expect.stringMatching(/QueryLogging/), 'Id'] },
        ResourceId: { Ref: vpcId },
      });
    });

    test('the log group admits the log delivery service for this account only, before logging starts', () => {
      const [policyId, policy] = only(template, 'AWS::Logs::ResourcePolicy');
      const text = JSON.stringify(policy.Properties.PolicyDocument);
      expect(text).toContain('delivery.logs.amazonaws.com');
      expect(text).toContain('logs:CreateLogStream');
      expect(text).toContain('logs:PutLogEvents');
      expect(text).toContain('aws:SourceAccount');
      expect(text).toContain('111111111111');
      expect(text).toContain(':log-stream:*');
      // Deliveries start when the configuration is created: the policy must exist by then.
      const [, config] = only(template, 'AWS::Route53Resolver::ResolverQueryLoggingConfig');
      expect(config.DependsOn).toContain(policyId);
    });

    test('a metric filter counts the blocked and alerted queries by the documented log field', () => {
      const [, filter] = only(template, 'AWS::Logs::MetricFilter');
      expect(filter.Properties.FilterPattern).toBe(
        '{ ($.firewall_rule_action = "BLOCK") || ($.firewall_rule_action = "ALERT") }',
      );
      expect(filter.Properties.MetricTransformations).toEqual([
        {
          MetricNamespace: DNS_FIREWALL_METRIC.namespace,
          MetricName: DNS_FIREWALL_METRIC.name,
          MetricValue: '1',
        },
      ]);
      // The field as AWS's own example query log entry spells it (resolver-query-logs-example-json).
      const example = { query_name: '15.3.4.32.in-addr.arpa.', firewall_rule_action: 'BLOCK' };
      const field = /\$\.([a-z_]+)/.exec(filter.Properties.FilterPattern)?.[1] as keyof typeof example;
      expect(example[field]).toBe('BLOCK');
    });

    test('the alarm on it notifies the alert topic, going into ALARM and back to OK', () => {
      const [, alarm] = only(template, 'AWS::CloudWatch::Alarm', { MetricName: DNS_FIREWALL_METRIC.name });
      expect(alarm.Properties).toMatchObject({
        Namespace: DNS_FIREWALL_METRIC.namespace,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
      expect(alarm.Properties.AlarmDescription).toMatch(/blocked/);
      // The topic policy admits the alarms that notify it, this one included.
      const [alarmId] = only(template, 'AWS::CloudWatch::Alarm', { MetricName: DNS_FIREWALL_METRIC.name });
      const [, topicPolicy] = only(template, 'AWS::SNS::TopicPolicy');
      expect(JSON.stringify(topicPolicy.Properties.PolicyDocument)).toContain(
        `{"Fn::GetAtt":["${alarmId}","Arn"]}`,
      );
    });
  });

  describe('in ALERT mode, without Docker Hub', () => {
    let template: Template;

    beforeAll(() => {
      const stack = testStack();
      const { vpc, encryptionKey } = surroundings(stack);
      new OutboundDnsFirewall(stack, 'DnsFirewall', {
        vpc,
        encryptionKey,
        mode: 'ALERT',
        dockerHub: false,
        logRetention: logs.RetentionDays.ONE_MONTH,
      });
      template = Template.fromStack(stack);
    });

    test('the last rule only alerts on every other domain', () => {
      const [, group] = only(template, 'AWS::Route53Resolver::FirewallRuleGroup');
      const rules = [...group.Properties.FirewallRules].sort((a, b) => a.Priority - b.Priority);
      expect(rules.map((r) => r.Action)).toEqual(['ALLOW', 'ALERT']);
      expect(rules[1].BlockResponse).toBeUndefined();
    });

    test('the allowed list holds the AWS domains only', () => {
      const [listId] = only(template, 'AWS::Route53Resolver::FirewallDomainList', {
        Domains: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.anyValue() })]),
      });
      const domains = domainsOf(template, listId);
      expect(domains).toHaveLength(10);
      expect(domains.join('\n')).not.toContain('docker');
    });

    test('the alarm has no action without a topic, and says what ALERT mode means', () => {
      const [, alarm] = only(template, 'AWS::CloudWatch::Alarm', { MetricName: DNS_FIREWALL_METRIC.name });
      expect(alarm.Properties.AlarmActions).toBeUndefined();
      expect(alarm.Properties.AlarmDescription).toMatch(/ALERT mode/);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });
  });

  describe('validation', () => {
    const BAD_DOMAINS: ReadonlyArray<[string, RegExp]> = [
      ['*', /lone `\*`/],
      ['a.*.example.com', /not the whole first label/],
      ['10.0.0.1', /IP address/],
      ['https://api.example.com', /URL/],
      ['api.example.com/v1', /URL/],
      ['example.com.', /trailing dot/],
      ['Example.com', /lower case/],
      ['-bad.example.com', /label '-bad'/],
      ['bad-.example.com', /label 'bad-'/],
      ['ex_ample.com', /label 'ex_ample'/],
      [`${'a'.repeat(64)}.example.com`, /label of 64 characters/],
      [`${'abcdefghi.'.repeat(26)}com`, /263 characters, more than 253/],
      ['localhost', /single label/],
      ['api.example.com:443', /port/],
      ['1.2.3.4.5', /numeric last label/],
      ['', /single label|label ''/],
    ];

    function build(props: Partial<OutboundDnsFirewallProps>, id = 'DnsFirewall'): void {
      const stack = testStack();
      const { vpc, encryptionKey } = surroundings(stack);
      new OutboundDnsFirewall(stack, id, { vpc, encryptionKey, ...props });
    }

    test.each(BAD_DOMAINS)(
      'throws when allowedDomains holds %j, naming the prop and the value',
      (bad, why) => {
        let error: unknown;
        try {
          build({ allowedDomains: ['api.zoom.us', bad] });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(SecureSchedulingError);
        const { code, problems, constructPath } = error as SecureSchedulingError;
        expect(code).toBe('INVALID_PROP');
        expect(constructPath).toBe('Test/DnsFirewall');
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain('`allowedDomains`');
        expect(problems[0]).toContain(`got '${bad}'`);
        expect(problems[0]).toMatch(why);
      },
    );

    test('reports every bad entry and the retention together', () => {
      expect(() =>
        build({
          allowedDomains: ['*', 'https://x.example.com'],
          logRetention: logs.RetentionDays.INFINITE,
        }),
      ).toThrow(
        /3 problems:[\s\S]*got '\*'[\s\S]*got 'https:\/\/x\.example\.com'[\s\S]*`logRetention` must be at most 400 days/,
      );
    });

    test('throws when mode is neither BLOCK nor ALERT', () => {
      expect(() => build({ mode: 'ALLOW' as never })).toThrow(
        /`mode` must be 'BLOCK' or 'ALERT', got 'ALLOW'/,
      );
    });

    test('throws when the list would exceed what one domain list takes', () => {
      const many = Array.from({ length: MAX_ALLOWED_DOMAINS }, (_, i) => `host${i}.example.com`);
      expect(() => build({ allowedDomains: many })).toThrow(
        new RegExp(
          `\`allowedDomains\` must hold at most ${MAX_ALLOWED_DOMAINS - 10 - DOCKER_HUB_DOMAINS.length} distinct domains.*got ${MAX_ALLOWED_DOMAINS}`,
        ),
      );
    });

    test('accepts wildcards of the first label and the longest legal names', () => {
      for (const good of [
        '*.example.com',
        'a-b.c0.example.com',
        `${'a'.repeat(63)}.example.com`,
        'xn--bcher-kva.example',
      ]) {
        expect(domainNameProblem(good)).toBeUndefined();
      }
    });
  });
});

describe('CALCOM_INTEGRATION_DOMAINS', () => {
  test('every row is a valid, distinct domain with its integration and purpose', () => {
    const names = CALCOM_INTEGRATION_DOMAINS.map((d) => d.domain);
    expect(new Set(names).size).toBe(names.length);
    for (const row of CALCOM_INTEGRATION_DOMAINS) {
      expect(domainNameProblem(row.domain)).toBeUndefined();
      expect(row.integration.length).toBeGreaterThan(0);
      expect(row.purpose.length).toBeGreaterThan(20);
    }
  });

  test('the plain list holds the default integrations and leaves out the optional licence host', () => {
    const names = calComIntegrationDomainNames();
    for (const host of [
      'www.googleapis.com',
      'graph.microsoft.com',
      'api.zoom.us',
      'api.daily.co',
      'api.stripe.com',
    ]) {
      expect(names).toContain(host);
    }
    expect(names).not.toContain('goblin.cal.com');
    expect(names).toHaveLength(CALCOM_INTEGRATION_DOMAINS.length - 1);
  });
});

describe('docs/integrations.md', () => {
  const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'integrations.md'), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('| `'));

  test('shows one row for each Cal.com integration domain, with its default', () => {
    for (const { domain, enabledByDefault } of CALCOM_INTEGRATION_DOMAINS) {
      const row = rows.filter((l) => l.startsWith(`| \`${domain}\` |`));
      expect(row).toHaveLength(1);
      expect(row[0]).toMatch(enabledByDefault ? /\| yes \|$/ : /\| no: /);
    }
  });

  test('shows each built-in AWS domain and Docker Hub host', () => {
    const stack = testStack();
    for (const domain of awsServiceDomains(stack)) {
      const joined = (stack.resolve(domain) as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const shown = joined
        .map((p) => (typeof p === 'string' ? p : 'amazonaws.com'))
        .join('')
        .replace(/eu-west-1/g, '<region>')
        .replace('111111111111', '<account>');
      expect(rows.some((l) => l.startsWith(`| \`${shown}\` |`))).toBe(true);
    }
    for (const host of DOCKER_HUB_DOMAINS) {
      expect(doc).toContain(`\`${host}\``);
    }
  });
});
