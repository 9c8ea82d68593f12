import { Match, Template } from 'aws-cdk-lib/assertions';
import { App } from 'aws-cdk-lib';
import {
  Acknowledgement,
  ACKNOWLEDGEMENTS,
  addCompliancePacks,
  checklistVerdicts,
  inSettingTerms,
  parseConfig,
  RuleOutcomeLog,
  recordedAcknowledgements,
  SchedulingApp,
  SecureSchedulingStack,
  stackPropsFromConfig,
} from '../lib';
import { defaultStack, EXAMPLE_CONFIG, testApp } from './support/app';
import { openFindings, SHIPPED_PACKS } from './support/packs';

/**
 * Logical ids of the stateful resources of the default stack. Changing one replaces the resource and loses
 * what it holds (keys, secrets, logs): this list may only grow.
 */
const STATEFUL_LOGICAL_IDS: Record<string, string[]> = {
  'AWS::KMS::Key': [
    'AlertsKey9E1197AF',
    'AppPullThroughCacheKey76E5E1AB',
    'AppSecretsKey1EF2E610',
    'AuditTrailKeyA4D56A7A',
    'BackupVaultKeyE450C7BA',
    'DatabaseKey5E5D9547',
    'LogKey3EBDB3E8',
  ],
  'AWS::SecretsManager::Secret': [
    'AppCalendsoEncryptionKeyFB0E8DE5',
    'AppNextauthSecret3A9E1A16',
    'DatabaseAppRoleSecret53E4E49F',
    'DatabaseSecret3B817195',
  ],
  'AWS::Logs::LogGroup': [
    'AppLogGroupC72EEC8C',
    'AuditTrailLogGroup28BB9333',
    'BackupRestoreValidationLogGroup3CFA773F',
    'CertificateMonitorLogGroupB84BB10C',
    'DatabaseAppRoleLogGroup7F7FF22D',
    'DatabaseAppRoleRotationLogGroup18E1AA09',
    'DatabasePostgresqlLogGroupE02FE0AC',
    'DatabaseRotationLogGroup6AFA9D1E',
    'DatabaseUpgradeLogGroupC937990D',
    'DnsFirewallQueryLogGroup747F517E',
    'FirewallLogGroup62028669',
    'MaskingFindingsA636404F',
    'NetworkFlowLogGroup4F8CEEEF',
    'RestartOnRotationLogGroupB79A7A29',
    'VpcRestrictDefaultSGLogGroupFC7B6298',
  ],
  'AWS::S3::Bucket': [
    'AuditTrailBucketA91FD435',
    'LoadBalancerAccessLogBucket0112F929',
    'LoadBalancerAccessLogBucketLogs617CDE39',
  ],
  'AWS::RDS::DBInstance': ['DatabaseInstanceAA8A5FDE'],
  'AWS::Backup::BackupVault': ['BackupVaultADF21B19'],
  'AWS::Cognito::UserPool': ['OperatorLoginUserPool5E76EA17'],
};

/** What each stateful type keeps when it leaves the stack or is replaced: the database leaves a final snapshot. */
const KEPT_AS: Record<string, string> = { 'AWS::RDS::DBInstance': 'Snapshot' };

describe('SecureSchedulingStack', () => {
  let stack: SecureSchedulingStack;
  let template: Template;

  beforeAll(() => {
    stack = defaultStack();
    template = Template.fromStack(stack);
  });

  describe('compliance', () => {
    test.each(SHIPPED_PACKS)('the %s pack finds nothing unacknowledged', (_name, pack) => {
      expect(openFindings(pack(), stack)).toEqual([]);
    });
  });

  describe('acknowledgements', () => {
    // The ceilings may only go down: a new acknowledgement needs this number raised in review, with its reason.
    // 29 and 41: the certificate monitor's function runs outside the VPC (lambdaOutsideVpc, three packs);
    // the trail bucket's replication rule in HIPAA, NIST and PCI (auditTrailBucket);
    // importedCertificate, the listener certificate named by ARN (an opt-in, not on the default stack), under C1;
    // the database tier: AWS Backup's service role uses the two AWS-managed service-role policies AWS Backup
    // documents (backupServiceRole), and the state machine that restarts the app after a password rotation
    // needs log delivery and X-Ray on "*" (stateMachineLogDeliveryAndTracing). Nothing on the database itself
    // is acknowledged.
    // 31: with the opt-in Aurora engine (not on the default stack), HIPAA's and NIST's RDSInBackupPlan judge the
    // cluster's writer and reader as standalone instances; AWS Backup backs up only the whole cluster, which is
    // in the plan (auroraClusterInstance).
    // 33 and 43: HIPAA's and NIST's LambdaConcurrency on the certificate monitor, which reserves no concurrency
    // because a reservation can fail stack creation in an account with a low limit (lambdaNoReservedConcurrency).
    // 34 and 44: AwsSolutions-SQS3 on the dead-letter queue of the alert rules, which is itself a dead-letter
    // queue (of EventBridge targets, which the rule does not recognize) (alertRuleDeadLetterQueue).
    // 35 and 45: AwsSolutions-COG8 on the operator user pool, whose threat protection is Cognito's priced Plus
    // plan, an opt-in (operatorUserPoolEssentials).
    // 36 and 46: AwsSolutions-IAM5 on the app role provisioning function, which Lambda attaches to the VPC through
    // network interfaces created on "*" (vpcFunctionNetworkInterfaces).
    // 40 and 50: HIPAA's and NIST's LambdaConcurrency and LambdaDLQ on that function, which only CloudFormation
    // invokes, once per deployment (deployTimeFunction).
    // 41 (registry only): SchedulingChecklist C8 while the DNS firewall is in its ALERT rollout mode
    // (dnsFirewallRollout); 51 (recorded only): AwsSolutions-IAM5 on the pull-through cache's first pull, which
    // needs ecr:GetAuthorizationToken on "*" like any ECR image (ecrAuthorizationToken).
    // Still 51 with the restore validation function (0.2.0), whose three (IAM5 on "*", where
    // backup:PutRestoreValidationResult has no resource type, and HIPAA's and NIST's LambdaConcurrency) are
    // paid for by fixes: the certificate monitor runs in the VPC where a NAT gateway exists (lambdaOutsideVpc is
    // no longer recorded on the default stack), and the in-VPC functions share one network-interface policy.
    const MAX_REGISTRY_ENTRIES = 41;
    const MAX_RECORDED_ON_DEFAULT_STACK = 51;

    test('the registry holds no more entries than its ceiling, each with a reason of substance', () => {
      const entries = Object.values(ACKNOWLEDGEMENTS).flat() as Acknowledgement[];
      expect(entries.length).toBeLessThanOrEqual(MAX_REGISTRY_ENTRIES);
      for (const entry of entries) {
        expect(entry.reason.split(/\s+/).length).toBeGreaterThanOrEqual(20);
      }
    });

    test('the default stack records no more acknowledgements than its ceiling, all from the registry', () => {
      const recorded = recordedAcknowledgements(stack);
      expect(recorded.length).toBeLessThanOrEqual(MAX_RECORDED_ON_DEFAULT_STACK);
      const registered = new Set(
        (Object.values(ACKNOWLEDGEMENTS).flat() as Acknowledgement[]).map((a) => a.ruleId),
      );
      // aws-cdk-lib acknowledges two of its own CloudFormation-validation rules on the flow log.
      const foreign = recorded.filter((r) => !registered.has(r.ruleId)).map((r) => r.ruleId);
      expect(foreign.every((id) => id.startsWith('CloudFormation-Validate::'))).toBe(true);
    });
  });

  describe('stateful resources', () => {
    test.each(Object.entries(STATEFUL_LOGICAL_IDS))('%s keep their logical ids', (type, ids) => {
      expect(Object.keys(template.findResources(type)).sort()).toEqual(ids);
    });

    test.each(Object.keys(STATEFUL_LOGICAL_IDS))(
      'every %s is kept on deletion and on replacement',
      (type) => {
        const policy = KEPT_AS[type] ?? 'Retain';
        template.allResources(type, { DeletionPolicy: policy, UpdateReplacePolicy: policy });
      },
    );

    test('every customer key rotates', () => {
      template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    test('every log group has a retention limit and a customer key: a year for the trail, 90 days for the rest', () => {
      for (const [id, group] of Object.entries(template.findResources('AWS::Logs::LogGroup'))) {
        expect([id, group.Properties.RetentionInDays]).toEqual([id, id.startsWith('AuditTrail') ? 365 : 90]);
        expect(group.Properties.KmsKeyId).toBeDefined();
      }
    });
  });

  describe('composition', () => {
    test('exposes each construct', () => {
      expect(stack.network.vpc).toBeDefined();
      expect(stack.loadBalancer.httpsListener).toBeDefined();
      expect(stack.firewall.webAcl).toBeDefined();
      expect(stack.service.service).toBeDefined();
      expect(stack.alerts.topic).toBeDefined();
    });

    test('the web ACL protects the load balancer', () => {
      template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        ResourceArn: { Ref: Match.stringLikeRegexp('^LoadBalancer') },
        WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Firewall'), 'Arn'] },
      });
    });

    test('synth needs no AWS lookups: zones come from the props', () => {
      expect(stack.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
      const missing = stack.node.metadata.filter((m) => m.type === 'aws:cdk:missing');
      expect(missing).toEqual([]);
    });

    test('outputs the URL', () => {
      template.hasOutput('Url', { Value: 'https://schedule.example.com' });
    });
  });

  describe('alerts', () => {
    test('go to a KMS-encrypted topic that refuses non-TLS publishers, with the configured address', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'security@example.com',
      });
    });

    test('every alarm notifies the topic when it fires and when it clears', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms.length).toBeGreaterThanOrEqual(3);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
        expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
      }
    });

    test('one alarm watches the running task count, so a dead service is noticed without traffic', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'ECS/ContainerInsights',
        MetricName: 'RunningTaskCount',
        Threshold: 2,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    // Who may publish to the topic and use its key is evaluated by a policy engine: test/audit/alert-delivery.test.ts.
  });

  describe('log retention', () => {
    test('one setting limits the operational log groups and the access log buckets alike', () => {
      const t = Template.fromStack(defaultStack({ logRetentionDays: 30, stackName: 'ShortLogs' }));
      // The audit trail keeps its own, longer retention (trailLogRetentionDays, trailBucketExpirationDays).
      const operational = (type: string) =>
        Object.entries(t.findResources(type)).filter(([id]) => !id.startsWith('AuditTrail'));
      const retentions = operational('AWS::Logs::LogGroup').map(([, r]) => r.Properties.RetentionInDays);
      expect(retentions).toHaveLength(14);
      expect(new Set(retentions)).toEqual(new Set([30]));
      const expirations = Object.fromEntries(
        operational('AWS::S3::Bucket').map(([id, r]) => [
          id.replace(/[0-9A-F]{8}$/, ''),
          r.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays,
        ]),
      );
      // The bucket of S3 server access logs also holds the trail bucket's, which it keeps as long as the trail's
      // files (400 days by default), so that a read of the evidence is on record as long as the evidence.
      expect(expirations).toEqual({ LoadBalancerAccessLogBucket: 30, LoadBalancerAccessLogBucketLogs: 400 });
    });
  });

  describe('an existing certificate instead of a hosted zone', () => {
    test('is used as is, with no certificate request and no DNS record', () => {
      const arn = 'arn:aws:acm:eu-west-1:111111111111:certificate/0b0a6f6e-3c41-4a8e-9f64-2d1c3d5e7a90';
      const { hostedZoneId: _id, hostedZoneName: _name, ...withoutZone } = EXAMPLE_CONFIG;
      const config = parseConfig(withoutZone, { certificateArn: arn });
      const t = Template.fromStack(
        new SecureSchedulingStack(testApp(), 'WithCert', stackPropsFromConfig(config)),
      );
      t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
      t.resourceCountIs('AWS::Route53::RecordSet', 0);
      t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Certificates: [{ CertificateArn: arn }],
      });
      // The monitor watches the imported certificate, which ACM does not renew.
      t.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ CERTIFICATE_ARNS: arn }) },
      });
    });
  });

  describe('certificate monitor', () => {
    test("watches the listener's certificate, logs with the stack's key and alerts the stack's topic", () => {
      expect(stack.certificateMonitor).toBeDefined();
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Environment: {
          Variables: {
            CERTIFICATE_ARNS: { Ref: Match.stringLikeRegexp('^LoadBalancerCertificate') },
            DOMAIN_NAME: 'schedule.example.com',
            MIN_DAYS_LEFT: '30',
            ALERT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^Alerts') },
          },
        },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 90,
        KmsKeyId: { 'Fn::GetAtt': ['LogKey3EBDB3E8', 'Arn'] },
        // The monitor's own group, not the app's.
        LogGroupName: Match.absent(),
      });
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    });

    test('is removed by the setting, with its queue, schedule and alarm', () => {
      const off = defaultStack({ certificateMonitor: 'false', stackName: 'NoMonitor' });
      expect(off.certificateMonitor).toBeUndefined();
      const t = Template.fromStack(off);
      // Counted by logical id, so that other tiers' rules, queues and alarms do not matter here.
      const monitorResources = Object.keys(t.toJSON().Resources).filter((id) =>
        id.startsWith('CertificateMonitor'),
      );
      expect(monitorResources).toEqual([]);
      const withMonitor = Object.keys(template.toJSON().Resources).filter((id) =>
        id.startsWith('CertificateMonitor'),
      );
      // Function, role and policy, log group, queue and its policy, schedule, permission, invoke config, alarm.
      expect(withMonitor.length).toBeGreaterThanOrEqual(10);
    });
  });

  describe('validation', () => {
    const base = {
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      domainName: 'schedule.example.com',
      env: { region: 'eu-west-1' },
    };

    test('throws when neither hostedZone nor certificateArn is given', () => {
      expect(() => new SecureSchedulingStack(testApp(), 'S', base)).toThrow(
        /`hostedZone` or `certificateArn` is required/,
      );
    });

    test('throws when natGateways is 0 and the image is not in ECR', () => {
      const app = SchedulingApp.calCom({ publicUrl: 'https://schedule.example.com' });
      expect(
        () =>
          new SecureSchedulingStack(testApp(), 'S', {
            ...base,
            certificateArn:
              'arn:aws:acm:eu-west-1:111111111111:certificate/0b0a6f6e-3c41-4a8e-9f64-2d1c3d5e7a90',
            natGateways: 0,
            interfaceEndpoints: true,
            app,
          }),
      ).toThrow(/`natGateways` is 0, so tasks can pull images only from ECR.*'calcom\/cal.com:v5.5.0'/);
    });

    test('a production deployment refuses an image pinned by tag, naming the setting, and takes a digest', () => {
      expect(problemsOfSettings({ production: true })).toEqual([
        expect.stringMatching(
          /setting `production` needs the app image pinned by digest .*got '.*calcom\/cal.com:v5.5.0'/,
        ),
      ]);
      const digest = `sha256:${'0a'.repeat(32)}`;
      expect(problemsOfSettings({ production: true, image: `calcom/cal.com@${digest}` })).toEqual([]);
    });

    test('an app that names no operator paths needs them, or the whole app behind the sign-in', () => {
      const app = SchedulingApp.container({
        name: 'booking',
        image: 'ghcr.io/acme/booking:1.2.3',
        containerPort: 8080,
      });
      const props = {
        ...base,
        hostedZone: { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' },
        app,
      };
      expect(() => new SecureSchedulingStack(testApp(), 'S', props)).toThrow(
        /`operatorPaths` is needed: the app 'booking' names no administration paths/,
      );
      expect(
        () =>
          new SecureSchedulingStack(testApp(), 'S', {
            ...props,
            protectWholeApp: true,
            operatorPaths: ['/admin'],
          }),
      ).toThrow(/`operatorPaths` and `protectWholeApp` exclude each other/);
      expect(
        () => new SecureSchedulingStack(testApp(), 'S', { ...props, operatorPaths: ['/admin*'] }),
      ).not.toThrow();
    });

    test("the DNS firewall's rollout mode is reported: acknowledged on the VPC, and C8 then reads not met", () => {
      const stack = defaultStack({ dnsFirewallMode: 'ALERT', stackName: 'Rollout' });
      expect(recordedAcknowledgements(stack.network.vpc).map((a) => a.ruleId)).toContain(
        'SchedulingChecklist-C8-DnsFirewallBlocks',
      );
      const outcomes = new RuleOutcomeLog();
      addCompliancePacks(stack.node.root as App, { outcomes });
      (stack.node.root as App).synth();
      const c8 = checklistVerdicts(outcomes.outcomes).find((v) => v.item === 'C8')!;
      expect(c8.verdict).toBe('not met');
    });
  });
});

/** The problems synth reports for the example settings plus `overrides`, in the settings' terms. */
function problemsOfSettings(overrides: Record<string, unknown>): string[] {
  try {
    defaultStack(overrides);
    return [];
  } catch (error) {
    return (error as Error).message
      .split('\n')
      .filter((line) => line.includes('`'))
      .map((line) => inSettingTerms(line.replace(/^.*?: /, '')));
  }
}
