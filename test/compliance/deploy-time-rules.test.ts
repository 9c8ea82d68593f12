/**
 * The catalogue of deploy-time rules: limits AWS enforces when a stack is created (or when a service first
 * delivers) that synth does not check. Each rule has a failing fixture and its passing twin, and the whole
 * catalogue runs over the default stack, its Aurora variant and every example app of docs/examples, which
 * must have no problem.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DeployTimeRulesPlugin } from '../../lib/compliance/deploy-time/deploy-time-plugin';
import {
  DEPLOY_TIME_RULES,
  deployTimeContextOf,
  deployTimeRulesTable,
  findDeployTimeProblems,
} from '../../lib/compliance/deploy-time/deploy-time-rules';
import {
  CfnTemplate,
  DeployTimeContext,
  deployedLength,
  jsonLength,
  literalString,
} from '../../lib/compliance/deploy-time/template';
import { testStack } from '../support/app';
import { shippedStacks, SHIPPED_APPS } from '../support/shipped-stacks';

const ROOT = path.join(__dirname, '..', '..');
const EU_WEST_1: DeployTimeContext = { region: 'eu-west-1' };
/** The Elastic Load Balancing account of eu-west-1, which delivers its load balancers' access logs. */
const EU_WEST_1_ELB_ACCOUNT = '156460612806';

/** A template holding `resources`. */
function template(
  resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>,
): CfnTemplate {
  return { Resources: resources };
}

/** The rule ids of the problems the whole catalogue finds in `t`, with the resource at fault. */
function found(t: CfnTemplate, context: DeployTimeContext = EU_WEST_1): string[] {
  return findDeployTimeProblems(t, context).map((p) => `${p.ruleId} ${p.logicalId}`);
}

/** A load balancer that logs to `Bucket`, the bucket with `encryption`, and a policy admitting `principal`. */
function accessLogs(algorithm: string, principal: Record<string, unknown> | undefined): CfnTemplate {
  return template({
    Lb: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: {
        LoadBalancerAttributes: [
          { Key: 'access_logs.s3.enabled', Value: 'true' },
          { Key: 'access_logs.s3.bucket', Value: { Ref: 'Bucket' } },
        ],
      },
    },
    Bucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: algorithm } }],
        },
      },
    },
    ...(principal
      ? {
          Policy: {
            Type: 'AWS::S3::BucketPolicy',
            Properties: {
              Bucket: { Ref: 'Bucket' },
              PolicyDocument: {
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 's3:PutObject',
                    Principal: principal,
                    Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/AWSLogs/*']] },
                  },
                ],
              },
            },
          },
        }
      : {}),
  });
}

/** A policy document of about `characters` characters (a statement listing ARNs). */
function documentOf(characters: number): Record<string, unknown> {
  const arn = 'arn:aws:s3:::a-bucket-with-a-rather-long-name-for-padding/object-key';
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: Array.from({ length: Math.ceil(characters / (arn.length + 3)) }, () => arn),
      },
    ],
  };
}

/** Per rule: a template that breaks it (with the resource at fault) and its twin that does not. */
const FIXTURES: ReadonlyArray<{
  rule: string;
  variation: string;
  bad: CfnTemplate;
  good: CfnTemplate;
  at: string;
  context?: DeployTimeContext;
}> = [
  {
    rule: 'WafLogDestinationName',
    variation: 'a log group named without the aws-waf-logs- prefix',
    at: 'Logging',
    bad: wafLogging('waf-logs-schedule'),
    good: wafLogging('aws-waf-logs-schedule'),
  },
  {
    rule: 'WafLogDestinationName',
    variation: 'a log group with a generated name',
    at: 'Logging',
    bad: wafLogging(undefined),
    good: wafLogging('aws-waf-logs-generated'),
  },
  {
    rule: 'AlbAccessLogBucketEncryption',
    variation: 'an access-log bucket encrypted with SSE-KMS',
    at: 'Bucket',
    bad: accessLogs('aws:kms', { AWS: `arn:aws:iam::${EU_WEST_1_ELB_ACCOUNT}:root` }),
    good: accessLogs('AES256', { AWS: `arn:aws:iam::${EU_WEST_1_ELB_ACCOUNT}:root` }),
  },
  {
    rule: 'AlbAccessLogBucketPolicy',
    variation: "a bucket policy admitting another Region's Elastic Load Balancing account",
    at: 'Bucket',
    // 127311923021 delivers the access logs of us-east-1, not of eu-west-1.
    bad: accessLogs('AES256', { AWS: 'arn:aws:iam::127311923021:root' }),
    good: accessLogs('AES256', {
      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${EU_WEST_1_ELB_ACCOUNT}:root`]] },
    }),
  },
  {
    rule: 'AlbAccessLogBucketPolicy',
    variation: 'no bucket policy, in a Region opened after August 2022 (service principal)',
    at: 'Bucket',
    context: { region: 'ap-southeast-4' },
    bad: accessLogs('AES256', undefined),
    good: accessLogs('AES256', { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }),
  },
  {
    rule: 'RdsPerformanceInsightsRetention',
    variation: '94 days (not a multiple of 31)',
    at: 'Db',
    bad: template({
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { PerformanceInsightsRetentionPeriod: 94 } },
    }),
    good: template({
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { PerformanceInsightsRetentionPeriod: 93 } },
    }),
  },
  {
    rule: 'RdsPerformanceInsightsRetention',
    variation: '744 days on a cluster (24 months, beyond 23)',
    at: 'Cluster',
    bad: template({
      Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { PerformanceInsightsRetentionPeriod: 744 } },
    }),
    good: template({
      Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { PerformanceInsightsRetentionPeriod: 731 } },
    }),
  },
  {
    rule: 'RdsEnhancedMonitoring',
    variation: 'an interval of 20 seconds',
    at: 'Db',
    bad: monitoring(20, true),
    good: monitoring(15, true),
  },
  {
    rule: 'RdsEnhancedMonitoring',
    variation: 'an interval above 0 with no role',
    at: 'Db',
    bad: monitoring(60, false),
    good: monitoring(0, false),
  },
  {
    rule: 'LogGroupName',
    variation: 'a name of 513 characters',
    at: 'Logs',
    bad: logGroup({ LogGroupName: `/app/${'x'.repeat(508)}` }),
    good: logGroup({ LogGroupName: `/app/${'x'.repeat(507)}` }),
  },
  {
    rule: 'LogGroupName',
    variation: 'a space in the name, and the reserved aws/ prefix',
    at: 'Logs',
    bad: logGroup({ LogGroupName: 'aws/my app' }),
    good: logGroup({ LogGroupName: '/aws/my-app#1' }),
  },
  {
    rule: 'LogGroupRetention',
    variation: '100 days',
    at: 'Logs',
    bad: logGroup({ RetentionInDays: 100 }),
    good: logGroup({ RetentionInDays: 90 }),
  },
  {
    rule: 'EventRuleLimits',
    variation: 'six targets',
    at: 'Rule',
    bad: eventRule({
      Targets: Array.from({ length: 6 }, (_, i) => ({
        Id: `T${i}`,
        Arn: 'arn:aws:sns:eu-west-1:111111111111:t',
      })),
    }),
    good: eventRule({
      Targets: Array.from({ length: 5 }, (_, i) => ({
        Id: `T${i}`,
        Arn: 'arn:aws:sns:eu-west-1:111111111111:t',
      })),
    }),
  },
  {
    rule: 'EventRuleLimits',
    variation: 'an event pattern of more than 2,048 characters',
    at: 'Rule',
    bad: eventRule({
      EventPattern: {
        source: ['aws.ec2'],
        detail: { eventName: Array.from({ length: 120 }, (_, i) => `AuthorizeSecurityGroup${i}`) },
      },
    }),
    good: eventRule({
      EventPattern: {
        source: ['aws.ec2'],
        detail: { eventName: Array.from({ length: 60 }, (_, i) => `AuthorizeSecurityGroup${i}`) },
      },
    }),
  },
  {
    rule: 'EventRuleLimits',
    variation: 'a name of 65 characters',
    at: 'Rule',
    bad: eventRule({ Name: 'r'.repeat(65) }),
    good: eventRule({ Name: 'r'.repeat(64) }),
  },
  {
    rule: 'LambdaReservedConcurrency',
    variation: 'a reservation of 1',
    at: 'Fn',
    bad: template({ Fn: { Type: 'AWS::Lambda::Function', Properties: { ReservedConcurrentExecutions: 1 } } }),
    good: template({ Fn: { Type: 'AWS::Lambda::Function', Properties: {} } }),
  },
  {
    rule: 'AlarmLimits',
    variation: 'six OK actions',
    at: 'Alarm',
    bad: template({
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { OKActions: Array.from({ length: 6 }, (_, i) => ({ Ref: `Topic${i}` })) },
      },
    }),
    good: template({
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { OKActions: Array.from({ length: 5 }, (_, i) => ({ Ref: `Topic${i}` })) },
      },
    }),
  },
  {
    rule: 'AlarmLimits',
    variation: 'a composite alarm named with 256 characters',
    at: 'Composite',
    bad: template({
      Composite: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'a'.repeat(256) } },
    }),
    good: template({
      Composite: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'a'.repeat(255) } },
    }),
  },
  {
    rule: 'IamRoleLimits',
    variation: 'eleven managed policies (ARNs and attached policies together)',
    at: 'Role',
    bad: roleWithManagedPolicies(11),
    good: roleWithManagedPolicies(10),
  },
  {
    rule: 'IamRoleLimits',
    variation: 'inline policies of more than 10,240 characters in all',
    at: 'Role',
    bad: roleWithInlinePolicies(2, 5_500),
    good: roleWithInlinePolicies(2, 4_800),
  },
  {
    rule: 'IamRoleLimits',
    variation: 'a role name of 65 characters',
    at: 'Role',
    bad: template({ Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r'.repeat(65) } } }),
    good: template({ Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r'.repeat(64) } } }),
  },
  {
    rule: 'IamManagedPolicySize',
    variation: 'a managed policy of more than 6,144 characters',
    at: 'Policy',
    bad: template({
      Policy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: documentOf(6_300) } },
    }),
    good: template({
      Policy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: documentOf(5_800) } },
    }),
  },
  {
    rule: 'BackupLifecycle',
    variation: 'deleted 60 days after moving to cold storage',
    at: 'Plan',
    bad: backupPlan({ MoveToColdStorageAfterDays: 30, DeleteAfterDays: 90 }),
    good: backupPlan({ MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120 }),
  },
  {
    rule: 'BackupLifecycle',
    variation: 'a copy deleted too soon after moving to cold storage',
    at: 'Plan',
    bad: backupPlan({ DeleteAfterDays: 35 }, { MoveToColdStorageAfterDays: 7, DeleteAfterDays: 35 }),
    good: backupPlan({ DeleteAfterDays: 35 }, { MoveToColdStorageAfterDays: 7, DeleteAfterDays: 97 }),
  },
  {
    rule: 'SecurityGroupRuleQuota',
    variation: '61 inbound IPv4 rules, inline and standalone',
    at: 'Group',
    bad: securityGroup(40, 21),
    good: securityGroup(40, 20),
  },
  {
    rule: 'FargateTaskSize',
    variation: '256 CPU units with 4 GB',
    at: 'Task',
    bad: taskDefinition('256', '4096'),
    good: taskDefinition('256', '2048'),
  },
  {
    rule: 'FargateTaskSize',
    variation: '8 vCPU with 18 GB (not a 4 GB step)',
    at: 'Task',
    bad: taskDefinition('8 vCPU', '18 GB'),
    good: taskDefinition('8 vCPU', '20 GB'),
  },
  {
    rule: 'ContainerMountVolumes',
    variation: 'a mount of a volume the task does not declare',
    at: 'Task',
    bad: mounts(['scratch'], ['scratch', 'next-build']),
    good: mounts(['scratch', 'next-build'], ['scratch', 'next-build']),
  },
  {
    rule: 'TopicAndQueueNames',
    variation: 'a topic name with a dot, not the FIFO suffix',
    at: 'Topic',
    bad: template({ Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'scheduling.alerts' } } }),
    good: template({
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'scheduling-alerts.fifo' } },
    }),
  },
  {
    rule: 'TopicAndQueueNames',
    variation: 'a queue name of 81 characters',
    at: 'Queue',
    bad: template({ Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q'.repeat(81) } } }),
    good: template({
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${'q'.repeat(75)}.fifo` } },
    }),
  },
  {
    rule: 'SecretRotationSchedule',
    variation: 'every 1,001 days',
    at: 'Rotation',
    bad: rotation({ AutomaticallyAfterDays: 1001 }),
    good: rotation({ AutomaticallyAfterDays: 1000 }),
  },
  {
    rule: 'SecretRotationSchedule',
    variation: 'every 2 hours',
    at: 'Rotation',
    bad: rotation({ ScheduleExpression: 'rate(2 hours)' }),
    good: rotation({ ScheduleExpression: 'rate(4 hours)' }),
  },
  {
    rule: 'SecretRotationSchedule',
    variation: 'a 6-hour window every 4 hours',
    at: 'Rotation',
    bad: rotation({ ScheduleExpression: 'rate(4 hours)', Duration: '6h' }),
    good: rotation({ ScheduleExpression: 'rate(4 hours)', Duration: '4h' }),
  },
  {
    rule: 'SecretRotationSchedule',
    variation: 'a window longer than a day',
    at: 'Rotation',
    bad: rotation({ ScheduleExpression: 'rate(30 days)', Duration: '25h' }),
    good: rotation({ ScheduleExpression: 'rate(30 days)', Duration: '24h' }),
  },
];

function wafLogging(logGroupName: string | undefined): CfnTemplate {
  return template({
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: logGroupName ? { LogGroupName: logGroupName } : {} },
    Logging: {
      Type: 'AWS::WAFv2::LoggingConfiguration',
      Properties: {
        ResourceArn: { 'Fn::GetAtt': ['Acl', 'Arn'] },
        LogDestinationConfigs: [
          {
            'Fn::Join': [
              '',
              ['arn:aws:logs:eu-west-1:', { Ref: 'AWS::AccountId' }, ':log-group:', { Ref: 'Logs' }],
            ],
          },
        ],
      },
    },
  });
}

function monitoring(interval: number, role: boolean): CfnTemplate {
  return template({
    Db: {
      Type: 'AWS::RDS::DBInstance',
      Properties: {
        MonitoringInterval: interval,
        ...(role ? { MonitoringRoleArn: { 'Fn::GetAtt': ['MonitoringRole', 'Arn'] } } : {}),
      },
    },
  });
}

function logGroup(props: Record<string, unknown>): CfnTemplate {
  return template({ Logs: { Type: 'AWS::Logs::LogGroup', Properties: props } });
}

function eventRule(props: Record<string, unknown>): CfnTemplate {
  return template({ Rule: { Type: 'AWS::Events::Rule', Properties: props } });
}

function roleWithManagedPolicies(count: number): CfnTemplate {
  const arns = Math.ceil(count / 2);
  const attached = Object.fromEntries(
    Array.from({ length: count - arns }, (_, i) => [
      `Attached${i}`,
      {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: documentOf(100), Roles: [{ Ref: 'Role' }] },
      },
    ]),
  );
  return template({
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        ManagedPolicyArns: Array.from({ length: arns }, (_, i) => `arn:aws:iam::aws:policy/Policy${i}`),
      },
    },
    ...attached,
  });
}

function roleWithInlinePolicies(count: number, characters: number): CfnTemplate {
  return template({
    // One inline policy on the role itself, the others as AWS::IAM::Policy resources attached to it.
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: { Policies: [{ PolicyName: 'Own', PolicyDocument: documentOf(characters) }] },
    },
    ...Object.fromEntries(
      Array.from({ length: count - 1 }, (_, i) => [
        `Inline${i}`,
        {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyDocument: documentOf(characters), Roles: [{ Ref: 'Role' }] },
        },
      ]),
    ),
  });
}

function backupPlan(lifecycle: Record<string, number>, copyLifecycle?: Record<string, number>): CfnTemplate {
  return template({
    Plan: {
      Type: 'AWS::Backup::BackupPlan',
      Properties: {
        BackupPlan: {
          BackupPlanName: 'plan',
          BackupPlanRule: [
            {
              RuleName: 'Daily',
              TargetBackupVault: 'vault',
              Lifecycle: lifecycle,
              ...(copyLifecycle
                ? { CopyActions: [{ DestinationBackupVaultArn: 'arn', Lifecycle: copyLifecycle }] }
                : {}),
            },
          ],
        },
      },
    },
  });
}

function securityGroup(inline: number, standalone: number): CfnTemplate {
  const rule = (i: number): Record<string, unknown> => ({
    IpProtocol: 'tcp',
    FromPort: i,
    ToPort: i,
    CidrIp: '10.0.0.0/8',
  });
  return template({
    Group: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'g',
        SecurityGroupIngress: Array.from({ length: inline }, (_, i) => rule(i)),
      },
    },
    ...Object.fromEntries(
      Array.from({ length: standalone }, (_, i) => [
        `Ingress${i}`,
        {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { ...rule(1000 + i), GroupId: { 'Fn::GetAtt': ['Group', 'GroupId'] } },
        },
      ]),
    ),
  });
}

function taskDefinition(cpu: string, memory: string): CfnTemplate {
  return template({
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: { RequiresCompatibilities: ['FARGATE'], Cpu: cpu, Memory: memory },
    },
  });
}

function mounts(volumes: string[], mounted: string[]): CfnTemplate {
  return template({
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Volumes: volumes.map((Name) => ({ Name })),
        ContainerDefinitions: [
          {
            Name: 'App',
            ReadonlyRootFilesystem: true,
            MountPoints: mounted.map((SourceVolume, i) => ({
              SourceVolume,
              ContainerPath: `/m${i}`,
              ReadOnly: false,
            })),
          },
        ],
      },
    },
  });
}

function rotation(rules: Record<string, unknown>): CfnTemplate {
  return template({
    Rotation: {
      Type: 'AWS::SecretsManager::RotationSchedule',
      Properties: { SecretId: { Ref: 'Secret' }, RotationRules: rules },
    },
  });
}

describe('deploy-time rules', () => {
  describe('catalogue', () => {
    test('the catalogue holds exactly these rules', () => {
      expect(DEPLOY_TIME_RULES.map((r) => r.id)).toEqual([
        'WafLogDestinationName',
        'AlbAccessLogBucketEncryption',
        'AlbAccessLogBucketPolicy',
        'RdsPerformanceInsightsRetention',
        'RdsEnhancedMonitoring',
        'LogGroupName',
        'LogGroupRetention',
        'EventRuleLimits',
        'LambdaReservedConcurrency',
        'AlarmLimits',
        'IamRoleLimits',
        'IamManagedPolicySize',
        'BackupLifecycle',
        'SecurityGroupRuleQuota',
        'FargateTaskSize',
        'ContainerMountVolumes',
        'SecretRotationSchedule',
        'TopicAndQueueNames',
      ]);
    });

    test.each(DEPLOY_TIME_RULES.map((r) => [r.id, r] as const))(
      '%s names an AWS documentation page and the sentence it relies on',
      (_id, rule) => {
        expect(rule.documentation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/[^\s]+\.html$/);
        expect(rule.documentation.quote.length).toBeGreaterThan(20);
        expect(rule.enforces.length).toBeGreaterThan(20);
      },
    );

    test.each(DEPLOY_TIME_RULES.map((r) => [r.id] as const))('%s has a failing fixture', (id) => {
      expect(FIXTURES.some((f) => f.rule === id)).toBe(true);
    });
  });

  describe.each(FIXTURES.map((f) => [f.rule, f.variation, f] as const))('%s', (rule, variation, fixture) => {
    test(`fails on ${variation}, naming the resource`, () => {
      // One problem or several, all of this rule and on this resource (a name can break two of its limits).
      expect([...new Set(found(fixture.bad, fixture.context))]).toEqual([`${rule} ${fixture.at}`]);
      const problem = findDeployTimeProblems(fixture.bad, fixture.context ?? EU_WEST_1)[0];
      expect(problem.documentation).toBe(DEPLOY_TIME_RULES.find((r) => r.id === rule)?.documentation.url);
      expect(problem.message.length).toBeGreaterThan(10);
    });

    test(`passes the twin of ${variation}`, () => {
      expect(found(fixture.good, fixture.context)).toEqual([]);
    });
  });

  describe('template values', () => {
    test('a join of literals and the partition is read as a string; a reference is not', () => {
      expect(literalString({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::1:root']] })).toBe(
        'arn:aws:iam::1:root',
      );
      expect(literalString({ 'Fn::Join': ['', ['a', { Ref: 'Bucket' }]] })).toBeUndefined();
      expect(literalString({ Ref: 'AWS::Region' }, EU_WEST_1)).toBe('eu-west-1');
    });

    test('a reference to a named resource counts as its name; one CloudFormation names, as the longest it would generate', () => {
      const t = template({
        Fixed: { Type: 'AWS::RDS::DBCluster', Properties: { DBClusterIdentifier: 'scheduling-db' } },
        Generated: { Type: 'AWS::RDS::DBInstance', Properties: {} },
      });
      expect(deployedLength({ Ref: 'Fixed' }, t, {})).toBe('scheduling-db'.length);
      // stack name + logical id + two hyphens and a 13-character suffix, at most 63 for a DB instance.
      expect(deployedLength({ Ref: 'Generated' }, t, { stackName: 'Booking' })).toBe(7 + 9 + 15);
      expect(deployedLength({ Ref: 'Generated' }, t, { stackName: 'B'.repeat(60) })).toBe(63);
      expect(deployedLength({ Ref: 'Generated' }, t, {})).toBe(128);
      expect(deployedLength({ 'Fn::GetAtt': ['Fixed', 'Arn'] }, t, {})).toBe(128);
    });

    test('an attribute whose length AWS fixes counts at that length: a KMS key id is 36 characters', () => {
      const t = template({ Key: { Type: 'AWS::KMS::Key', Properties: {} } });
      expect(deployedLength({ 'Fn::GetAtt': ['Key', 'KeyId'] }, t, {})).toBe(36);
      expect(deployedLength({ 'Fn::GetAtt': ['Key', 'Arn'] }, t, {})).toBe(128);
    });

    test('a size counts a reference as a long ARN and leaves out white space when asked', () => {
      expect(jsonLength({ Ref: 'Anything' })).toBe(JSON.stringify('x'.repeat(128)).length);
      expect(jsonLength({ a: 'b c' }, true)).toBe('{"a":"bc"}'.length);
    });

    test("the access-log principal follows the Region: its ELB account or the service, never another Region's account", () => {
      const service = { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' };
      expect(found(accessLogs('AES256', service))).toEqual([]);
      // ap-southeast-4 opened after August 2022 and has no Elastic Load Balancing account of its own.
      expect(
        found(accessLogs('AES256', { AWS: `arn:aws:iam::${EU_WEST_1_ELB_ACCOUNT}:root` }), {
          region: 'ap-southeast-4',
        }),
      ).toEqual(['AlbAccessLogBucketPolicy Bucket']);
      // An environment-agnostic stack: any account is accepted.
      expect(found(accessLogs('AES256', { AWS: 'arn:aws:iam::127311923021:root' }), {})).toEqual([]);
    });
  });

  describe('the shipped stacks have no deploy-time problem', () => {
    const shipped: Array<[string, CfnTemplate, DeployTimeContext]> = [];

    beforeAll(() => {
      // Each shipped app synthesized once for the whole test run, the examples found in docs/examples.
      for (const app of SHIPPED_APPS) {
        for (const stack of shippedStacks(app)) {
          const name = app.startsWith('docs/examples/') ? `${path.basename(app)}: ${stack.stackName}` : app;
          shipped.push([
            name,
            stack.template as CfnTemplate,
            stack.region === undefined
              ? { stackName: stack.stackName }
              : { region: stack.region, stackName: stack.stackName },
          ]);
        }
      }
    });

    test("a stack's context is its region and name, each only when the stack names it", () => {
      expect(deployTimeContextOf(testStack())).toEqual({ region: 'eu-west-1', stackName: 'Test' });
      expect(deployTimeContextOf(new Stack(new App(), 'Agnostic'))).toEqual({ stackName: 'Agnostic' });
    });

    test('every stack of every example is judged', () => {
      expect(shipped.map(([name]) => name)).toEqual([
        'the default stack',
        'the Aurora variant',
        'standalone-constructs.ts: Booking',
        'two-account-backup.ts: Scheduling',
        'two-account-backup.ts: SchedulingBackupCopy',
        'whole-stack.ts: Scheduling',
      ]);
    });

    test('each stack has resources for most rules to judge', () => {
      for (const [name, t] of shipped) {
        const types = new Set(Object.values(t.Resources ?? {}).map((r) => r.Type));
        // The backup account's stack holds a vault and its key only; the vault rules judge it.
        if (name.endsWith(': SchedulingBackupCopy')) {
          expect([...types].sort()).toEqual(['AWS::Backup::BackupVault', 'AWS::KMS::Key']);
          continue;
        }
        expect(
          [
            'AWS::Logs::LogGroup',
            'AWS::WAFv2::LoggingConfiguration',
            'AWS::ECS::TaskDefinition',
            'AWS::IAM::Role',
          ].filter((x) => !types.has(x)),
        ).toEqual([]);
      }
    });

    test('none has a problem', () => {
      expect(
        shipped.flatMap(([name, t, context]) =>
          findDeployTimeProblems(t, context).map((p) => `${name}: ${p.ruleId} ${p.logicalId}: ${p.message}`),
        ),
      ).toEqual([]);
    });

    test("the event pattern size counts generated names at their length: Aurora's change rules fit the longest stack name", () => {
      // The database change rules match the cluster's, the writer's, the reader's and the parameter group's
      // identifiers, which CloudFormation generates from the stack name (up to 63 characters each): the
      // cluster's own calls are a rule apart, so both fit 2,048 characters even for a 128-character name.
      const [, aurora, context] = shipped[1];
      const longest = { ...context, stackName: 'S'.repeat(128) };
      expect(findDeployTimeProblems(aurora, longest)).toEqual([]);
      // One rule holding all those identifiers would not fit: the size is counted, not assumed.
      const merged = JSON.parse(JSON.stringify(aurora)) as CfnTemplate;
      const [first, second] = Object.entries(merged.Resources ?? {}).filter(
        ([, r]) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r).includes('aws.rds'),
      );
      expect(second).toBeDefined();
      const or = (r: unknown) =>
        (r as { Properties: { EventPattern: { detail: { $or: unknown[] } } } }).Properties.EventPattern.detail
          .$or;
      or(first[1]).push(...or(second[1]));
      expect(findDeployTimeProblems(merged, longest).map((p) => p.ruleId)).toContain('EventRuleLimits');
    });

    test('the stacks in eu-west-1 are judged with their Region', () => {
      expect(shipped.every(([, , context]) => context.region === 'eu-west-1')).toBe(true);
    });
  });

  describe('DeployTimeRulesPlugin', () => {
    /** An app with the plugin and one log group kept `days` days. */
    function appWithLogGroup(days: number): App {
      const app = new App({ builtinCloudFormationValidation: false });
      Validations.of(app).addPlugins(new DeployTimeRulesPlugin());
      const stack = new Stack(app, 'Plugged', { env: { account: '111111111111', region: 'eu-west-1' } });
      new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: days });
      return app;
    }

    test('fails synth on a problem, naming the rule, the resource and the AWS documentation', () => {
      expect(() => appWithLogGroup(100).synth()).toThrow(
        expect.objectContaining({
          message: expect.stringMatching(
            /LogGroupRetention: RetentionInDays is 100[\s\S]*API_PutRetentionPolicy\.html/,
          ),
        }),
      );
    });

    test('lets a template with no problem synthesize', () => {
      expect(
        appWithLogGroup(90).synth().getStackByName('Plugged').template.Resources.Logs.Properties,
      ).toEqual({
        RetentionInDays: 90,
      });
    });
  });

  describe('docs/deploy-time-rules.md', () => {
    const text = readFileSync(path.join(ROOT, 'docs', 'deploy-time-rules.md'), 'utf8');
    const rows = text
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) =>
        l
          .slice(1, -1)
          .split(' | ')
          .map((c) => c.trim()),
      );

    test('the table has one row per rule, in order, with what AWS enforces, the page and its sentence', () => {
      expect(rows).toEqual(deployTimeRulesTable());
    });
  });
});
