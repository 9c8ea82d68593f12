import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlertTopic, recordedAcknowledgements, SecureSchedulingError } from '../../lib';
import { CertificateMonitor } from '../../lib/certificates/certificate-monitor';
import { findDeployTimeProblems } from '../../lib/compliance/deploy-time/deploy-time-rules';
import { testApp, testStack } from '../support/app';
import { openFindings, PACKS } from '../support/packs';

const ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };

/** The statements of the monitor role's managed policy. */
function roleStatements(template: Template): Statement[] {
  const policies = template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Description: Match.stringLikeRegexp('CertificateMonitor/Role') },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement) as Statement[];
}

describe('CertificateMonitor', () => {
  let stack: Stack;
  let monitor: CertificateMonitor;
  let template: Template;

  beforeAll(() => {
    stack = testStack(testApp());
    const alerts = new AlertTopic(stack, 'Alerts');
    monitor = new CertificateMonitor(stack, 'CertificateMonitor', {
      certificates: [acm.Certificate.fromCertificateArn(stack, 'Certificate', ARN)],
      domainName: 'schedule.example.com',
      topic: alerts.topic,
    });
    template = Template.fromStack(stack);
  });

  describe('compliance', () => {
    test.each(PACKS)('the %s pack finds nothing unacknowledged', (_name, pack) => {
      expect(openFindings(pack(), stack)).toEqual([]);
    });

    test('acknowledges only that the function is outside the VPC and reserves no concurrency, on the function', () => {
      const recorded = recordedAcknowledgements(monitor).filter(
        (r) => !r.ruleId.startsWith('CloudFormation-Validate::'),
      );
      expect(recorded.map((r) => r.ruleId).sort()).toEqual([
        'HIPAA.Security-LambdaConcurrency',
        'HIPAA.Security-LambdaInsideVPC',
        'NIST.800.53.R5-LambdaConcurrency',
        'NIST.800.53.R5-LambdaInsideVPC',
        'PCI.DSS.321-LambdaInsideVPC',
      ]);
      expect(recorded.every((r) => r.constructPath === monitor.function.node.path)).toBe(true);
    });
  });

  describe('function', () => {
    test('runs the latest Node.js runtime outside the VPC, with a dead-letter queue', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 256,
        Timeout: 60,
        DeadLetterConfig: {
          TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CertificateMonitorDeadLetterQueue'), 'Arn'] },
        },
        VpcConfig: Match.absent(),
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^CertificateMonitorLogGroup') } },
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CertificateMonitorRole'), 'Arn'] },
        Environment: {
          Variables: {
            CERTIFICATE_ARNS: ARN,
            DOMAIN_NAME: 'schedule.example.com',
            MIN_DAYS_LEFT: '30',
            ALERT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^Alerts') },
          },
        },
      });
    });

    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html: "You can reserve up to the
    // Unreserved account concurrency value that is shown, minus 100 for functions that don't have reserved
    // concurrency." A new account may have a concurrency of 10 in all, so any reservation can fail creation.
    test('reserves no concurrency, which could fail creation in an account with a low limit', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^Assesses'),
        ReservedConcurrentExecutions: Match.absent(),
      });
    });

    test('breaks none of the deploy-time rules (the old reservation broke LambdaReservedConcurrency)', () => {
      expect(findDeployTimeProblems(template.toJSON(), { region: 'eu-west-1' })).toEqual([]);
    });

    test('is retried twice when it fails, then dead-lettered', () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        Qualifier: '$LATEST',
      });
    });

    test('is bundled by local esbuild, minified, without the AWS SDK', () => {
      const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((r) =>
        String(r.Properties.Description).startsWith('Assesses'),
      )!;
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const bundle = path.join((stack.node.root as App).outdir, `asset.${hash}`, 'index.js');
      const source = fs.readFileSync(bundle, 'utf8');
      expect(source).toContain('require("@aws-sdk/client-acm")');
      expect(source).toContain('require("@aws-sdk/client-sns")');
      expect(source).not.toContain('@smithy/');
      expect(source).toContain('CERT_WEAK_KEY');
      // Minified: few lines for the whole handler and assessment core.
      expect(source.split('\n').length).toBeLessThan(20);
      expect(fs.statSync(bundle).size).toBeLessThan(20_000);
    });
  });

  describe('schedule', () => {
    test('runs daily, retried twice, undeliverable events to the same dead-letter queue', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 day)',
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CertificateMonitorFunction'), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CertificateMonitorDeadLetterQueue'), 'Arn'] },
            },
          }),
        ],
      });
    });

    test('only EventBridge, from this rule, may invoke the function', () => {
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
      expect(permissions).toHaveLength(1);
      expect(permissions[0].Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^CertificateMonitorSchedule/), 'Arn'] },
      });
    });
  });

  describe('least privilege', () => {
    test('the role has no AWS managed policy and no inline policy', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp('^Certificate monitor'),
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        },
        ManagedPolicyArns: Match.absent(),
        Policies: Match.absent(),
      });
    });

    test('describes only the certificate, publishes only to the topic, writes only its own log', () => {
      const logGroup = expect.stringMatching(/^CertificateMonitorLogGroup/);
      expect(roleStatements(template)).toEqual([
        { Sid: 'DescribeTheCertificates', Effect: 'Allow', Action: 'acm:DescribeCertificate', Resource: ARN },
        {
          Sid: 'PublishFindings',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Resource: { Ref: expect.stringMatching(/^Alerts/) },
        },
        {
          Sid: 'EncryptFindingsForTheTopic',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AlertsKey/), 'Arn'] },
        },
        {
          Sid: 'WriteOwnLog',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
        },
        // Added by Lambda's dead-letter configuration.
        {
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CertificateMonitorDeadLetterQueue/), 'Arn'] },
        },
      ]);
    });

    test('an unencrypted topic gets no key statement; a given log key is used, no new key made', () => {
      // Bundling skipped: only the role and log group are looked at.
      const app = testApp({ 'aws:cdk:bundling-stacks': [] });
      const other = testStack(app, 'Plain');
      const key = new kms.Key(other, 'SharedLogKey', { enableKeyRotation: true });
      new CertificateMonitor(other, 'CertificateMonitor', {
        certificates: [acm.Certificate.fromCertificateArn(other, 'Certificate', ARN)],
        domainName: '*.example.com',
        topic: new sns.Topic(other, 'Topic'),
        logEncryptionKey: key,
        minDaysLeft: 45,
        schedule: events.Schedule.rate(Duration.hours(12)),
        logRetention: logs.RetentionDays.ONE_MONTH,
      });
      const t = Template.fromStack(other);
      expect(roleStatements(t).map((s) => s.Sid)).toEqual([
        'DescribeTheCertificates',
        'PublishFindings',
        'WriteOwnLog',
        undefined,
      ]);
      t.resourceCountIs('AWS::KMS::Key', 1);
      t.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 30,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SharedLogKey'), 'Arn'] },
      });
      t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(12 hours)' });
      t.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ MIN_DAYS_LEFT: '45', DOMAIN_NAME: '*.example.com' }) },
      });
    });
  });

  describe('stateful resources', () => {
    test('the log group keeps 90 days, encrypted with its own customer key, and is retained', () => {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          RetentionInDays: 90,
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CertificateMonitorLogKey'), 'Arn'] },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.hasResource('AWS::KMS::Key', {
        Properties: { Description: 'Encrypts the certificate monitor log', EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
      });
    });

    test('the dead-letter queue is encrypted, TLS-only and keeps failed runs two weeks', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1209600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            // The rule may deliver undeliverable events, and only this rule.
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Principal: { Service: 'events.amazonaws.com' },
              Condition: {
                ArnEquals: {
                  'aws:SourceArn': {
                    'Fn::GetAtt': [Match.stringLikeRegexp('^CertificateMonitorSchedule'), 'Arn'],
                  },
                },
              },
            }),
          ]),
        },
      });
    });
  });

  describe('alarms', () => {
    test('a dead-lettered run raises an alarm on the alert topic, and its recovery too', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: {
              'Fn::GetAtt': [Match.stringLikeRegexp('^CertificateMonitorDeadLetterQueue'), 'QueueName'],
            },
          },
        ],
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
        AlarmDescription: Match.stringLikeRegexp('^The certificate check of schedule.example.com failed'),
      });
    });
  });

  describe('errors alarm', () => {
    test('a failed run of the function raises an alarm on the alert topic, and its recovery too', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          {
            Name: 'FunctionName',
            Value: { Ref: Match.stringLikeRegexp('^CertificateMonitorFunction') },
          },
        ],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
        AlarmDescription: Match.stringLikeRegexp(
          '^A run of the certificate check of schedule.example.com failed',
        ),
      });
      expect(monitor.errorsAlarm.node.path).toBe('Test/CertificateMonitor/ErrorsAlarm');
    });

    test('the monitor has exactly two alarms, both on the topic: failed runs and dead-lettered runs', () => {
      // The alert topic's own alarm (failed notifications) is in the template too.
      const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
        .filter(([id]) => id.startsWith('CertificateMonitor'))
        .map(([, a]) => a);
      expect(alarms.map((a) => `${a.Properties.Namespace}/${a.Properties.MetricName}`).sort()).toEqual([
        'AWS/Lambda/Errors',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
      ]);
    });
  });

  describe('metric', () => {
    test('DaysToExpiry per certificate ARN, in the SecureScheduling namespace', () => {
      const metric = monitor.metricDaysToExpiry(acm.Certificate.fromCertificateArn(stack, 'Other', ARN));
      expect(metric.namespace).toBe('SecureScheduling');
      expect(metric.metricName).toBe('DaysToExpiry');
      expect(metric.dimensions).toEqual({ CertificateArn: ARN });
      expect(metric.statistic).toBe('Minimum');
      expect(metric.period.toDays()).toBe(1);
    });
  });

  describe('validation', () => {
    test('throws on bad props, naming each', () => {
      const other = testStack(testApp(), 'Bad');
      expect(
        () =>
          new CertificateMonitor(other, 'Bad', {
            certificates: [],
            domainName: 'not a name',
            topic: new sns.Topic(other, 'Topic'),
            minDaysLeft: 0,
            logRetention: logs.RetentionDays.INFINITE,
          }),
      ).toThrow(
        expect.objectContaining({
          name: 'SecureSchedulingError',
          problems: [
            '`certificates` must hold at least one certificate, got none',
            '`minDaysLeft` must be an integer between 1 and 365 days, got 0',
            '`logRetention` must be at most 400 days (checklist C7), got INFINITE',
            "`domainName` must be a DNS name like schedule.example.com, got 'not a name'",
          ],
        }) as unknown as SecureSchedulingError,
      );
    });
  });
});

describe('CertificateMonitor in a VPC', () => {
  let stack: Stack;
  let monitor: CertificateMonitor;
  let template: Template;

  beforeAll(() => {
    stack = testStack(testApp());
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    const alerts = new AlertTopic(stack, 'Alerts');
    monitor = new CertificateMonitor(stack, 'CertificateMonitor', {
      certificates: [acm.Certificate.fromCertificateArn(stack, 'Certificate', ARN)],
      domainName: 'schedule.example.com',
      topic: alerts.topic,
      vpc,
    });
    template = Template.fromStack(stack);
  });

  test('runs in the private subnets, with a group that opens HTTPS out and nothing in', () => {
    const fn = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Assesses the ACM') },
    });
    const [props] = Object.values(fn).map((f) => f.Properties);
    expect(props.VpcConfig.SubnetIds).toHaveLength(2);
    const [groupId] = props.VpcConfig.SecurityGroupIds.map(
      (g: { 'Fn::GetAtt': string[] }) => g['Fn::GetAtt'][0],
    );
    const group = template.findResources('AWS::EC2::SecurityGroup')[groupId];
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
    ]);
  });

  test("gets the network-interface actions from the stack's one shared policy, not its own", () => {
    expect(roleStatements(template).map((s) => s.Sid)).not.toContain('AttachToTheVpc');
    const shared = template.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { Description: Match.stringLikeRegexp('attach the functions of this stack to its VPC') },
    });
    expect(Object.keys(shared)).toHaveLength(1);
    const roleId = Stack.of(monitor).getLogicalId(monitor.role.node.defaultChild as CfnResource);
    const role = template.findResources('AWS::IAM::Role')[roleId];
    expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).toContain(Object.keys(shared)[0]);
  });

  test('every pack passes, with nothing acknowledged about the VPC', () => {
    // The test's bare VPC itself has findings (no flow log, public subnets); the stack's network has none.
    const ofTheBareVpc = (f: string) =>
      !f.includes('LambdaInsideVPC') && /VPC|Subnet|IGW|VpcFlowLogs|DnsFirewall/.test(f);
    for (const [, pack] of PACKS) {
      expect(openFindings(pack(), stack).filter((f) => !ofTheBareVpc(f))).toEqual([]);
    }
    const recorded = recordedAcknowledgements(monitor).map((r) => r.ruleId);
    expect(recorded.filter((id) => id.includes('LambdaInsideVPC'))).toEqual([]);
  });
});
