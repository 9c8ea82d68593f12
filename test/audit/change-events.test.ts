import { Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { acknowledge, AlertTopic, ChangeEvents } from '../../lib';
import { testStack } from '../support/app';
import { matchesPattern, resolveIntrinsics } from '../support/event-pattern';
import { shippedStacks } from '../support/shipped-stacks';

const ACCOUNT = '111111111111';
const LB_FULL_NAME = 'app/Secure-LoadB-1ABC2DEF/50dc6c495c0c9188';
const LB_ARN = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:loadbalancer/${LB_FULL_NAME}`;
const LISTENER_ARN = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:listener/${LB_FULL_NAME}/f2f7dc8efc522ab2`;
const OTHER_LB = 'app/someone-else/0123456789abcdef';
const WEB_ACL_ID = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const WEB_ACL_ARN = `arn:aws:wafv2:eu-west-1:${ACCOUNT}:regional/webacl/Firewall/${WEB_ACL_ID}`;
const SERVICE_NAME = 'SecureScheduling-AppService1234-AbCdEf';
const SERVICE_ARN = `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/SecureScheduling-Cluster/${SERVICE_NAME}`;
const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/SecureScheduling-audit`;

/** A CloudTrail API call as EventBridge delivers it. */
function apiCall(
  source: string,
  eventName: string,
  requestParameters: Record<string, unknown> | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    source,
    'detail-type': 'AWS API Call via CloudTrail',
    account: ACCOUNT,
    region: 'eu-west-1',
    detail: {
      eventSource: `${source.replace(/^aws\./, '')}.amazonaws.com`,
      eventName,
      requestParameters,
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane` },
      sourceIPAddress: '203.0.113.7',
      userAgent: 'aws-cli/2.17.0',
      eventTime: '2026-11-24T10:00:00Z',
      awsRegion: 'eu-west-1',
      ...extra,
    },
  };
}

/** A policy statement or pattern as found in the template. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the longest CloudFormation value an intrinsic could resolve to is taken to be, for the size check. */
const LONG_VALUE = 'x'.repeat(100);
const STACK_DB_ID = 'securescheduling-databaseinstance-abcdef';
const STACK_PARAMETER_GROUP = 'securescheduling-databaseparameters-abcdef';
const STACK_VAULT = 'SecureSchedulingBackupVault1A2B3C4D';
const STACK_PLAN_ID = '0b7c3f8e-1111-2222-3333-444455556666';

describe('ChangeEvents', () => {
  describe('on the default stack', () => {
    let template: Template;
    let rules: Record<string, { Properties: Json }>;
    let patterns: Record<string, unknown>;
    let ids: Record<string, string[]>;
    let keyIds: string[];

    const rule = (name: string) => {
      const found = Object.entries(rules).find(([id]) => id.startsWith(`ChangeEvents${name}`));
      if (!found) throw new Error(`no rule ${name}`);
      return found;
    };
    const matches = (name: string, event: Record<string, unknown>) =>
      matchesPattern(patterns[rule(name)[0]], event);

    beforeAll(() => {
      // The default stack as the run synthesized it once for every file that only reads it.
      template = Template.fromJSON(shippedStacks('the default stack')[0].template);
      rules = template.findResources('AWS::Events::Rule') as typeof rules;
      const idsOf = (type: string) => Object.keys(template.findResources(type));
      ids = {
        lb: idsOf('AWS::ElasticLoadBalancingV2::LoadBalancer'),
        acl: idsOf('AWS::WAFv2::WebACL'),
        service: idsOf('AWS::ECS::Service'),
        keys: idsOf('AWS::KMS::Key'),
        logGroups: idsOf('AWS::Logs::LogGroup'),
        database: idsOf('AWS::RDS::DBInstance'),
        parameterGroup: idsOf('AWS::RDS::DBParameterGroup'),
        vault: idsOf('AWS::Backup::BackupVault'),
        plan: idsOf('AWS::Backup::BackupPlan'),
      };
      keyIds = ids.keys.map((_, i) => `1234abcd-12ab-34cd-56ef-00000000000${i}`);
      const values = (ref: string): string => {
        const fixed: Record<string, string> = {
          'AWS::AccountId': ACCOUNT,
          'AWS::Region': 'eu-west-1',
          'AWS::Partition': 'aws',
          [ids.lb[0]]: LB_ARN,
          [`${ids.lb[0]}.LoadBalancerFullName`]: LB_FULL_NAME,
          [`${ids.acl[0]}.Id`]: WEB_ACL_ID,
          [`${ids.acl[0]}.Arn`]: WEB_ACL_ARN,
          [`${ids.service[0]}.Name`]: SERVICE_NAME,
        };
        // A log group's Ref is the name its template fixes, or the one CloudFormation generates.
        const logGroups = template.findResources('AWS::Logs::LogGroup');
        ids.logGroups.forEach((id) => {
          const name = logGroups[id].Properties?.LogGroupName;
          fixed[id] = typeof name === 'string' ? name : `SecureScheduling-${id}-AbCdEf`;
        });
        fixed[ids.database[0]] = STACK_DB_ID;
        fixed[ids.parameterGroup[0]] = STACK_PARAMETER_GROUP;
        fixed[`${ids.vault[0]}.BackupVaultName`] = STACK_VAULT;
        fixed[ids.vault[0]] = STACK_VAULT;
        fixed[`${ids.plan[0]}.BackupPlanId`] = STACK_PLAN_ID;
        ids.keys.forEach((id, i) => {
          fixed[`${id}.KeyId`] = keyIds[i];
          fixed[`${id}.Arn`] = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyIds[i]}`;
        });
        if (!(ref in fixed)) throw new Error(`no test value for ${ref}`);
        return fixed[ref];
      };
      patterns = Object.fromEntries(
        Object.entries(rules)
          .filter(([id]) => id.startsWith('ChangeEvents'))
          .map(([id, r]) => [id, resolveIntrinsics(r.Properties.EventPattern, values)]),
      );
    });

    describe('rules', () => {
      test('one each for the load balancer, web ACL, trail, keys, task definition and service', () => {
        expect(Object.keys(rules).map((id) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(
          expect.arrayContaining([
            'ChangeEventsLoadBalancerChanges',
            'ChangeEventsWebAclChanges',
            'ChangeEventsTrailChanges',
            'ChangeEventsKeyChanges',
            'ChangeEventsTaskDefinitionChanges',
            'ChangeEventsServiceChanges',
            'ChangeEventsLogChanges',
            'ChangeEventsAlarmChanges',
            'ChangeEventsDatabaseChanges',
            'ChangeEventsBackupChanges',
          ]),
        );
      });

      test("the stack's database and backup rules match its own database made public and its vault deleted", () => {
        const rds = (name: string, params: Record<string, unknown>) => apiCall('aws.rds', name, params);
        expect(
          matches(
            'DatabaseChanges',
            rds('ModifyDBInstance', { dBInstanceIdentifier: STACK_DB_ID, publiclyAccessible: true }),
          ),
        ).toBe(true);
        expect(
          matches(
            'DatabaseChanges',
            rds('ModifyDBParameterGroup', {
              dBParameterGroupName: STACK_PARAMETER_GROUP,
              parameters: [{ parameterName: 'rds.force_ssl', parameterValue: '0' }],
            }),
          ),
        ).toBe(true);
        expect(
          matches(
            'DatabaseChanges',
            rds('ModifyDBInstance', { dBInstanceIdentifier: 'other', publiclyAccessible: true }),
          ),
        ).toBe(false);
        expect(
          matches(
            'BackupChanges',
            apiCall('aws.backup', 'DeleteBackupVault', { backupVaultName: STACK_VAULT }),
          ),
        ).toBe(true);
        expect(
          matches('BackupChanges', apiCall('aws.backup', 'DeleteBackupVault', { backupVaultName: 'other' })),
        ).toBe(false);
      });

      test('match only API calls recorded by CloudTrail', () => {
        for (const id of Object.keys(rules).filter((r) => r.startsWith('ChangeEvents'))) {
          expect([id, rules[id].Properties.EventPattern['detail-type']]).toEqual([
            id,
            ['AWS API Call via CloudTrail'],
          ]);
          expect(rules[id].Properties.State).toBe('ENABLED');
        }
      });

      test("fit EventBridge's default 2048-character limit even with long resource names", () => {
        for (const [id, r] of Object.entries(rules).filter(([, r]) => r.Properties.EventPattern)) {
          const resolved = resolveIntrinsics(r.Properties.EventPattern, () => LONG_VALUE);
          expect([id, JSON.stringify(resolved).length < 2048]).toEqual([id, true]);
        }
      });
    });

    describe('delivery', () => {
      test('each rule has the alert topic as its only target, with who, what, from where, when and where', () => {
        for (const [id, r] of Object.entries(rules).filter(([i]) => i.startsWith('ChangeEvents'))) {
          const targets = r.Properties.Targets;
          expect([id, targets.length]).toEqual([id, 1]);
          expect(targets[0].Arn).toEqual({ Ref: expect.stringMatching(/^Alerts[0-9A-F]{8}$/) });
          expect(Object.values(targets[0].InputTransformer.InputPathsMap)).toEqual(
            expect.arrayContaining([
              '$.detail.userIdentity.arn',
              '$.detail.eventName',
              '$.detail.requestParameters',
              '$.detail.sourceIPAddress',
              '$.detail.userAgent',
              '$.detail.eventTime',
              '$.detail.awsRegion',
            ]),
          );
        }
      });

      test('the alert is valid JSON whatever the event holds', () => {
        const [, r] = rule('TrailChanges');
        const { InputTemplate: template_, InputPathsMap: paths } = r.Properties.Targets[0].InputTransformer;
        // Bare placeholders get JSON values; placeholders in text get text (empty when the event lacks it).
        const filled = (template_ as string).replace(/"(?:[^"\\]|\\.)*"|<([^>]+)>/g, (whole, bare) =>
          bare ? JSON.stringify({ path: paths[bare] }) : whole.replace(/<[^>]+>/g, ''),
        );
        const alert = JSON.parse(filled);
        expect(Object.keys(alert)).toEqual(
          expect.arrayContaining(['who', 'what', 'requestParameters', 'from', 'when', 'region']),
        );
        expect(alert.what).toEqual({ path: '$.detail.eventName' });
      });

      // Whether each rule may publish, and no other may, is evaluated by a policy engine in alert-delivery.test.ts.
      test('the topic names exactly the rules that publish to it', () => {
        const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0];
        const statements = policy.Properties.PolicyDocument.Statement.filter(
          (s: Json) => s.Principal?.Service === 'events.amazonaws.com',
        );
        expect(statements).toHaveLength(1);
        expect(statements[0].Action).toBe('sns:Publish');
        const allowed = statements[0].Condition.ArnEquals['aws:SourceArn'].map(
          (a: Json) => a['Fn::GetAtt'][0],
        );
        // Rules that publish to the topic; a schedule that starts a function (the certificate monitor) or a
        // rule that starts a state machine (the restart after a password rotation) does not.
        const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
        const publishing = Object.entries(rules)
          .filter(([, r]) => r.Properties.Targets.some((t: Json) => t.Arn?.Ref === topicId))
          .map(([id]) => id);
        expect(allowed.sort()).toEqual(publishing.sort());
      });
    });

    describe('the load balancer rule', () => {
      const elb = (name: string, params: Record<string, unknown>) =>
        apiCall('aws.elasticloadbalancing', name, params);

      test("matches a listener's TLS policy or certificate change, an attribute change, a listener rule change", () => {
        expect(
          matches(
            'LoadBalancerChanges',
            elb('ModifyListener', { listenerArn: LISTENER_ARN, sslPolicy: 'ELBSecurityPolicy-2016-08' }),
          ),
        ).toBe(true);
        expect(
          matches('LoadBalancerChanges', elb('RemoveListenerCertificates', { listenerArn: LISTENER_ARN })),
        ).toBe(true);
        expect(
          matches(
            'LoadBalancerChanges',
            elb('ModifyLoadBalancerAttributes', {
              loadBalancerArn: LB_ARN,
              attributes: [{ key: 'access_logs.s3.enabled', value: 'false' }],
            }),
          ),
        ).toBe(true);
        expect(
          matches('LoadBalancerChanges', elb('CreateListener', { loadBalancerArn: LB_ARN, port: 8080 })),
        ).toBe(true);
        const ruleArn = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:listener-rule/${LB_FULL_NAME}/f2f7dc8efc522ab2/9683b2d02a6cabee`;
        expect(matches('LoadBalancerChanges', elb('ModifyRule', { ruleArn }))).toBe(true);
      });

      test("ignores another load balancer's listeners, and reads", () => {
        const other = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:listener/${OTHER_LB}/f2f7dc8efc522ab2`;
        expect(matches('LoadBalancerChanges', elb('ModifyListener', { listenerArn: other }))).toBe(false);
        expect(matches('LoadBalancerChanges', elb('DescribeListeners', { loadBalancerArn: LB_ARN }))).toBe(
          false,
        );
      });
    });

    describe('the web ACL rule', () => {
      const waf = (name: string, params: Record<string, unknown>) => apiCall('aws.wafv2', name, params);

      test('matches the web ACL detached, changed, deleted, its logging changed', () => {
        expect(matches('WebAclChanges', waf('DisassociateWebACL', { resourceArn: LB_ARN }))).toBe(true);
        expect(
          matches('WebAclChanges', waf('AssociateWebACL', { webACLArn: 'arn:other', resourceArn: LB_ARN })),
        ).toBe(true);
        expect(
          matches(
            'WebAclChanges',
            waf('UpdateWebACL', { name: 'Firewall', scope: 'REGIONAL', id: WEB_ACL_ID }),
          ),
        ).toBe(true);
        expect(
          matches(
            'WebAclChanges',
            waf('DeleteWebACL', { name: 'Firewall', scope: 'REGIONAL', id: WEB_ACL_ID }),
          ),
        ).toBe(true);
        expect(
          matches('WebAclChanges', waf('DeleteLoggingConfiguration', { resourceArn: WEB_ACL_ARN })),
        ).toBe(true);
        expect(
          matches(
            'WebAclChanges',
            waf('PutLoggingConfiguration', {
              loggingConfiguration: { resourceArn: WEB_ACL_ARN, redactedFields: [] },
            }),
          ),
        ).toBe(true);
      });

      test("ignores another web ACL's changes", () => {
        expect(
          matches('WebAclChanges', waf('UpdateWebACL', { name: 'Other', scope: 'REGIONAL', id: 'other-id' })),
        ).toBe(false);
      });
    });

    describe('the trail rule', () => {
      const trail = (name: string, params: Record<string, unknown>) =>
        apiCall('aws.cloudtrail', name, params);

      test('matches the trail stopped, deleted, updated or narrowed, by name or ARN', () => {
        expect(matches('TrailChanges', trail('StopLogging', { name: TRAIL_ARN }))).toBe(true);
        expect(matches('TrailChanges', trail('DeleteTrail', { name: 'SecureScheduling-audit' }))).toBe(true);
        expect(
          matches(
            'TrailChanges',
            trail('UpdateTrail', { name: 'SecureScheduling-audit', enableLogFileValidation: false }),
          ),
        ).toBe(true);
        expect(
          matches(
            'TrailChanges',
            trail('PutEventSelectors', { trailName: 'SecureScheduling-audit', eventSelectors: [] }),
          ),
        ).toBe(true);
      });

      test('ignores another trail, and starting this one', () => {
        expect(matches('TrailChanges', trail('StopLogging', { name: 'other-trail' }))).toBe(false);
        expect(matches('TrailChanges', trail('StartLogging', { name: TRAIL_ARN }))).toBe(false);
      });
    });

    describe('the key rule', () => {
      test('watches every key of the stack', () => {
        const [id] = rule('KeyChanges');
        const alternatives = (patterns[id] as Json).detail.$or;
        expect(alternatives[0].requestParameters.keyId).toEqual(keyIds.map((k) => ({ suffix: k })));
        expect(ids.keys.length).toBeGreaterThanOrEqual(4);
      });

      test('matches a key of the stack disabled, scheduled for deletion or re-policied, by id, ARN or alias', () => {
        const kms = (name: string, keyId: string, resources?: unknown) =>
          apiCall('aws.kms', name, { keyId }, resources ? { resources } : {});
        const arn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyIds[1]}`;
        expect(matches('KeyChanges', kms('ScheduleKeyDeletion', keyIds[0]))).toBe(true);
        expect(matches('KeyChanges', kms('DisableKey', arn))).toBe(true);
        expect(
          matches(
            'KeyChanges',
            kms('PutKeyPolicy', 'alias/logs', [{ ARN: arn, accountId: ACCOUNT, type: 'AWS::KMS::Key' }]),
          ),
        ).toBe(true);
      });

      test('ignores another key, and enabling one', () => {
        expect(
          matches(
            'KeyChanges',
            apiCall('aws.kms', 'DisableKey', { keyId: 'ffffffff-0000-0000-0000-000000000000' }),
          ),
        ).toBe(false);
        expect(matches('KeyChanges', apiCall('aws.kms', 'EnableKey', { keyId: keyIds[0] }))).toBe(false);
      });
    });

    describe('the log and alarm rules', () => {
      test('match a log group of the stack deleted, shortened, decrypted, subscribed or its filters changed', () => {
        const unnamed = ids.logGroups.find(
          (id) => template.findResources('AWS::Logs::LogGroup')[id].Properties?.LogGroupName === undefined,
        );
        const logGroupName = `SecureScheduling-${unnamed}-AbCdEf`;
        for (const name of [
          'DeleteLogGroup',
          'PutRetentionPolicy',
          'DeleteRetentionPolicy',
          'DisassociateKmsKey',
          'PutSubscriptionFilter',
          'DeleteMetricFilter',
        ]) {
          expect([name, matches('LogChanges', apiCall('aws.logs', name, { logGroupName }))]).toEqual([
            name,
            true,
          ]);
        }
        expect(matches('LogChanges', apiCall('aws.logs', 'DeleteLogGroup', { logGroupName: 'other' }))).toBe(
          false,
        );
        expect(matches('LogChanges', apiCall('aws.logs', 'CreateLogStream', { logGroupName }))).toBe(false);
      });

      test("watch every log group of the stack by its deployed name, and no other stack's", () => {
        const groups = template.findResources('AWS::Logs::LogGroup');
        expect(ids.logGroups).toHaveLength(Object.keys(groups).length);
        for (const id of ids.logGroups) {
          const fixed = groups[id].Properties?.LogGroupName;
          // A name the template fixes, or the one CloudFormation generates: <stack>-<logical id>-<suffix>.
          const logGroupName = typeof fixed === 'string' ? fixed : `SecureScheduling-${id}-1A2B3C4D5E6F`;
          expect([
            id,
            matches('LogChanges', apiCall('aws.logs', 'DeleteLogGroup', { logGroupName })),
          ]).toEqual([id, true]);
        }
        expect(
          matches(
            'LogChanges',
            apiCall('aws.logs', 'DeleteLogGroup', { logGroupName: 'Other-AppLogGroup-1A2B' }),
          ),
        ).toBe(false);
      });

      test("match the stack's alarms deleted, silenced or redefined, and no one else's", () => {
        const cw = (name: string, params: Record<string, unknown>) =>
          apiCall('aws.cloudwatch', name, params, { eventSource: 'monitoring.amazonaws.com' });
        const alarmName = 'SecureScheduling-CisAlarmsRootUsage1A2B3C4D-XyZ';
        expect(matches('AlarmChanges', cw('DeleteAlarms', { alarmNames: ['other', alarmName] }))).toBe(true);
        expect(matches('AlarmChanges', cw('DisableAlarmActions', { alarmNames: [alarmName] }))).toBe(true);
        expect(matches('AlarmChanges', cw('PutMetricAlarm', { alarmName, threshold: 1000 }))).toBe(true);
        expect(matches('AlarmChanges', cw('DeleteAlarms', { alarmNames: ['Other-Alarm'] }))).toBe(false);
      });
    });

    describe('the app rules', () => {
      const ecs = (name: string, params: Record<string, unknown>) => apiCall('aws.ecs', name, params);
      let family: string;

      beforeAll(() => {
        const taskDefinition = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
        family = taskDefinition.Properties.Family;
      });

      test("matches a new or removed revision of the app's task definition", () => {
        expect(
          matches(
            'TaskDefinitionChanges',
            ecs('RegisterTaskDefinition', { family, containerDefinitions: [] }),
          ),
        ).toBe(true);
        expect(
          matches(
            'TaskDefinitionChanges',
            ecs('DeregisterTaskDefinition', { taskDefinition: `${family}:3` }),
          ),
        ).toBe(true);
        expect(
          matches(
            'TaskDefinitionChanges',
            ecs('DeleteTaskDefinitions', {
              taskDefinitions: [`arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/${family}:2`],
            }),
          ),
        ).toBe(true);
        expect(matches('TaskDefinitionChanges', ecs('RegisterTaskDefinition', { family: 'other' }))).toBe(
          false,
        );
      });

      test('matches the service given another image, network or load balancer, or deleted', () => {
        expect(
          matches('ServiceChanges', ecs('UpdateService', { service: SERVICE_ARN, taskDefinition: 'evil:1' })),
        ).toBe(true);
        expect(
          matches(
            'ServiceChanges',
            ecs('UpdateService', {
              service: SERVICE_NAME,
              networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } },
            }),
          ),
        ).toBe(true);
        expect(
          matches(
            'ServiceChanges',
            ecs('UpdateService', { service: SERVICE_NAME, enableExecuteCommand: true }),
          ),
        ).toBe(true);
        expect(matches('ServiceChanges', ecs('DeleteService', { cluster: 'c', service: SERVICE_NAME }))).toBe(
          true,
        );
      });

      test('ignores autoscaling changing the task count, and other services', () => {
        expect(
          matches('ServiceChanges', ecs('UpdateService', { service: SERVICE_ARN, desiredCount: 4 })),
        ).toBe(false);
        expect(
          matches('ServiceChanges', ecs('UpdateService', { service: 'other', taskDefinition: 'x:1' })),
        ).toBe(false);
      });
    });
  });

  describe('database and backup hooks', () => {
    let template: Template;
    let patterns: Record<string, unknown>;
    const DB_ID = 'securescheduling-database-1a2b3c';
    const CLUSTER_ID = 'securescheduling-cluster-4d5e6f';
    const CLUSTER_WRITER = 'securescheduling-writer-7a8b9c';
    const PARAMETER_GROUP = 'securescheduling-params-0d1e2f';
    const VAULT = 'SecureSchedulingVault';
    const PLAN_ID = '8a2c9b31-4d5e-6f70-8192-a3b4c5d6e7f8';

    const matches = (prefix: string, event: Record<string, unknown>) => {
      const id = Object.keys(patterns).find((i) => i.startsWith(prefix));
      if (!id) throw new Error(`no rule ${prefix}`);
      return matchesPattern(patterns[id], event);
    };
    const rdsCall = (name: string, params: Record<string, unknown>) => apiCall('aws.rds', name, params);

    beforeAll(() => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
      acknowledge(vpc, 'namedAvailabilityZones');
      const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
      const parameterGroup = new rds.ParameterGroup(stack, 'Params', {
        engine,
        parameters: { 'rds.force_ssl': '1' },
      });
      const instance = new rds.DatabaseInstance(stack, 'Database', {
        engine,
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        parameterGroup,
        storageEncrypted: true,
      });
      const cluster = new rds.DatabaseCluster(stack, 'Cluster', {
        engine: rds.DatabaseClusterEngine.auroraPostgres({
          version: rds.AuroraPostgresEngineVersion.VER_16_4,
        }),
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        writer: rds.ClusterInstance.provisioned('Writer'),
        storageEncrypted: true,
      });
      const vault = new backup.BackupVault(stack, 'Vault', { backupVaultName: VAULT });
      const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan', vault);
      const alerts = new AlertTopic(stack, 'Alerts');
      const instanceEvents = new ChangeEvents(stack, 'InstanceEvents', { alerts });
      instanceEvents.watchDatabase(instance, parameterGroup.bindToInstance({}).parameterGroupName);
      instanceEvents.watchBackup(vault, plan);
      new ChangeEvents(stack, 'ClusterEvents', { alerts }).watchDatabase(cluster);
      template = Template.fromStack(stack);

      const idOf = (type: string, prefix: string) =>
        Object.keys(template.findResources(type)).find((id) => id.startsWith(prefix)) ?? 'missing';
      const values: Record<string, string> = {
        [idOf('AWS::RDS::DBInstance', 'Database')]: DB_ID,
        [idOf('AWS::RDS::DBCluster', 'Cluster')]: CLUSTER_ID,
        [idOf('AWS::RDS::DBInstance', 'ClusterWriter')]: CLUSTER_WRITER,
        [idOf('AWS::RDS::DBParameterGroup', 'Params')]: PARAMETER_GROUP,
        [`${idOf('AWS::Backup::BackupPlan', 'Plan')}.BackupPlanId`]: PLAN_ID,
        [`${idOf('AWS::Backup::BackupVault', 'Vault')}.BackupVaultName`]: VAULT,
      };
      patterns = Object.fromEntries(
        Object.entries(template.findResources('AWS::Events::Rule')).map(([id, r]) => [
          id,
          resolveIntrinsics(r.Properties.EventPattern, (ref) => {
            if (!(ref in values)) throw new Error(`no test value for ${ref}`);
            return values[ref];
          }),
        ]),
      );
    });

    test('each rule has the alert topic as its target', () => {
      const rules = Object.values(template.findResources('AWS::Events::Rule'));
      // The instance's database rule, the cluster's two (its own calls apart) and the backup rule.
      expect(rules).toHaveLength(4);
      for (const r of rules) {
        expect(r.Properties.Targets).toEqual([
          expect.objectContaining({
            Arn: { Ref: expect.stringMatching(/^Alerts/) },
            InputTransformer: expect.anything(),
          }),
        ]);
      }
    });

    test("fit EventBridge's default 2048-character limit even with long resource names", () => {
      for (const [id, r] of Object.entries(template.findResources('AWS::Events::Rule'))) {
        const resolved = resolveIntrinsics(r.Properties.EventPattern, () => LONG_VALUE);
        expect([id, JSON.stringify(resolved).length < 2048]).toEqual([id, true]);
      }
    });

    test('the instance rule matches it made public, backups shortened, protection off, parameters changed, deleted', () => {
      const rule = 'InstanceEventsDatabaseChanges';
      const id = DB_ID.toUpperCase();
      expect(
        matches(rule, rdsCall('ModifyDBInstance', { dBInstanceIdentifier: id, publiclyAccessible: true })),
      ).toBe(true);
      expect(
        matches(rule, rdsCall('ModifyDBInstance', { dBInstanceIdentifier: DB_ID, backupRetentionPeriod: 1 })),
      ).toBe(true);
      expect(
        matches(
          rule,
          rdsCall('ModifyDBInstance', { dBInstanceIdentifier: DB_ID, deletionProtection: false }),
        ),
      ).toBe(true);
      expect(
        matches(
          rule,
          rdsCall('ModifyDBInstance', { dBInstanceIdentifier: DB_ID, dBParameterGroupName: 'lax' }),
        ),
      ).toBe(true);
      expect(
        matches(
          rule,
          rdsCall('ModifyDBInstance', {
            dBInstanceIdentifier: DB_ID,
            cloudwatchLogsExportConfiguration: { disableLogTypes: ['postgresql'] },
          }),
        ),
      ).toBe(true);
      expect(
        matches(rule, rdsCall('DeleteDBInstance', { dBInstanceIdentifier: DB_ID, skipFinalSnapshot: true })),
      ).toBe(true);
      expect(
        matches(
          rule,
          rdsCall('ModifyDBParameterGroup', {
            dBParameterGroupName: PARAMETER_GROUP,
            parameters: [{ parameterName: 'rds.force_ssl', parameterValue: '0' }],
          }),
        ),
      ).toBe(true);
    });

    test('the instance rule ignores resizing, and other databases', () => {
      const rule = 'InstanceEventsDatabaseChanges';
      expect(
        matches(rule, rdsCall('ModifyDBInstance', { dBInstanceIdentifier: DB_ID, allocatedStorage: 200 })),
      ).toBe(false);
      expect(
        matches(
          rule,
          rdsCall('ModifyDBInstance', { dBInstanceIdentifier: 'other', publiclyAccessible: true }),
        ),
      ).toBe(false);
    });

    test('the cluster rules match the cluster (a rule of its own) and its instances', () => {
      // The cluster's own calls are a rule apart, so that neither passes EventBridge's pattern size.
      const cluster = 'ClusterEventsDatabaseClusterChanges';
      const instances = 'ClusterEventsDatabaseChanges';
      expect(
        matches(
          cluster,
          rdsCall('ModifyDBCluster', { dBClusterIdentifier: CLUSTER_ID, backupRetentionPeriod: 1 }),
        ),
      ).toBe(true);
      expect(
        matches(
          instances,
          rdsCall('ModifyDBInstance', { dBInstanceIdentifier: CLUSTER_WRITER, publiclyAccessible: true }),
        ),
      ).toBe(true);
      expect(matches(cluster, rdsCall('DeleteDBCluster', { dBClusterIdentifier: CLUSTER_ID }))).toBe(true);
      for (const rule of [cluster, instances]) {
        expect(
          matches(
            rule,
            rdsCall('ModifyDBCluster', { dBClusterIdentifier: 'other', deletionProtection: false }),
          ),
        ).toBe(false);
      }
    });

    test('the backup rule matches the vault opened or emptied and the plan shortened or deleted', () => {
      const rule = 'InstanceEventsBackupChanges';
      const call = (name: string, params: Record<string, unknown>) => apiCall('aws.backup', name, params);
      expect(
        matches(rule, call('PutBackupVaultAccessPolicy', { backupVaultName: VAULT, policy: '{}' })),
      ).toBe(true);
      expect(
        matches(rule, call('DeleteRecoveryPoint', { backupVaultName: VAULT, recoveryPointArn: 'arn:x' })),
      ).toBe(true);
      expect(matches(rule, call('UpdateBackupPlan', { backupPlanId: PLAN_ID, backupPlan: {} }))).toBe(true);
      expect(matches(rule, call('DeleteBackupPlan', { backupPlanId: PLAN_ID }))).toBe(true);
      expect(matches(rule, call('DeleteBackupVault', { backupVaultName: 'other' }))).toBe(false);
      expect(matches(rule, call('StartBackupJob', { backupVaultName: VAULT }))).toBe(false);
    });
  });
});
