/* eslint-disable @typescript-eslint/no-explicit-any */
import { CfnElement, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { parseConfig, SchedulingDatabase, SecureSchedulingStack, stackPropsFromConfig } from '../../lib';
import { defaultStack, EXAMPLE_CONFIG, only, testApp } from '../support/app';

/** The database tier as the default stack wires it: the app's connection, the security groups, the alerts. */
describe('SecureSchedulingStack', () => {
  let stack: SecureSchedulingStack;
  let template: Template;
  let container: any;
  let dbGroup: string;
  let appGroup: string;
  let rotationGroup: string;
  let secretAttachment: string;
  /** The app's own role's secret (the app never reads the admin secret). */
  let appSecretAttachment: string;
  let provisioningGroup: string;

  beforeAll(() => {
    stack = defaultStack();
    template = Template.fromStack(stack);
    const taskDefinition = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
    container = taskDefinition.Properties.ContainerDefinitions[0];
    const resolve = (c: any) => stack.getLogicalId(c as CfnElement);
    dbGroup = resolve(stack.databaseSecurityGroup.node.defaultChild);
    appGroup = Object.keys(
      template.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('^calcom tasks') },
      }),
    )[0];
    rotationGroup = resolve(stack.database.rotationSecurityGroup.node.defaultChild);
    const attachments = Object.keys(template.findResources('AWS::SecretsManager::SecretTargetAttachment'));
    secretAttachment = attachments.find((id) => id.startsWith('DatabaseSecretAttachment'))!;
    appSecretAttachment = attachments.find((id) => id.startsWith('DatabaseAppRoleSecretAttachment'))!;
    provisioningGroup = resolve(stack.appRole.securityGroup.node.defaultChild);
  });

  describe('database tier', () => {
    describe('the app connection (checklist C1, C2)', () => {
      test('libpq settings point at the instance endpoint and port, with TLS required', () => {
        const env = Object.fromEntries(container.Environment.map((e: any) => [e.Name, e.Value]));
        expect(env.PGHOST).toEqual({ 'Fn::GetAtt': ['DatabaseInstanceAA8A5FDE', 'Endpoint.Address'] });
        expect(env.PGPORT).toBe('5438');
        expect(env.PGDATABASE).toBe('scheduling');
        expect(env.PGSSLMODE).toBe('require');
      });

      test('user name and password come from the rotated secret when each task starts, never from the template', () => {
        const secrets = Object.fromEntries(container.Secrets.map((s: any) => [s.Name, s.ValueFrom]));
        expect(secrets.PGUSER).toEqual({ 'Fn::Join': ['', [{ Ref: appSecretAttachment }, ':username::']] });
        expect(secrets.PGPASSWORD).toEqual({
          'Fn::Join': ['', [{ Ref: appSecretAttachment }, ':password::']],
        });
        const env = container.Environment.map((e: any) => e.Name);
        expect(env).not.toContain('PGPASSWORD');
        expect(env).not.toContain('DATABASE_URL');
      });

      test("Cal.com's DATABASE_URL is built in the container from the secret, with sslmode=require, before its own start command", () => {
        expect(container.EntryPoint).toEqual(['/bin/sh', '-c']);
        expect(container.Command).toHaveLength(1);
        const script: string = container.Command[0];
        expect(script.split('\n')).toEqual([
          'set -eu',
          'export DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE?sslmode=$PGSSLMODE"',
          'export DATABASE_DIRECT_URL="$DATABASE_URL"',
          'export DATABASE_HOST="$PGHOST:$PGPORT"',
          'exec /calcom/scripts/start.sh',
        ]);
      });

      test('the task execution role may read the database secret and decrypt it through Secrets Manager only', () => {
        const executionRole = Object.keys(
          template.findResources('AWS::IAM::Role', {
            Properties: {
              AssumeRolePolicyDocument: Match.objectLike({
                Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })],
              }),
            },
          }),
        ).find((id) => /Execution/.test(id));
        expect(executionRole).toBeDefined();
        const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
          .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: executionRole }]))
          .flatMap((p) => p.Properties.PolicyDocument.Statement);
        expect(statements).toContainEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Action: expect.arrayContaining(['secretsmanager:GetSecretValue']),
            Resource: expect.arrayContaining([{ Ref: appSecretAttachment }]),
          }),
        );
        template.hasResourceProperties('AWS::KMS::Key', {
          Description: Match.stringLikeRegexp('scheduling database'),
          KeyPolicy: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Action: 'kms:Decrypt',
                Principal: { AWS: { 'Fn::GetAtt': [executionRole, 'Arn'] } },
                Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
              }),
            ]),
          },
        });
      });
    });

    describe('restart after a password rotation (checklist C2)', () => {
      test('a successful rotation of the database secret starts the restart', () => {
        const [machine] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
        template.hasResourceProperties('AWS::Events::Rule', {
          EventPattern: {
            source: ['aws.secretsmanager'],
            'detail-type': ['AWS Service Event via CloudTrail'],
            detail: {
              eventSource: ['secretsmanager.amazonaws.com'],
              eventName: ['RotationSucceeded'],
              additionalEventData: { SecretId: [{ Ref: appSecretAttachment }] },
            },
          },
          Targets: [Match.objectLike({ Arn: { Ref: machine } })],
        });
      });

      test('which forces a new deployment of the app service, and may do nothing else', () => {
        const [, machine] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'))[0];
        // The definition is JSON with tokens joined in: each token stands in as its logical id.
        const definition = JSON.parse(
          machine.Properties.DefinitionString['Fn::Join'][1]
            .map((part: any) =>
              typeof part === 'string' ? part : (part.Ref ?? part['Fn::GetAtt'].join('.')),
            )
            .join(''),
        );
        expect(definition.StartAt).toBe('ForceNewDeployment');
        expect(Object.keys(definition.States)).toEqual(['ForceNewDeployment']);
        expect(definition.States.ForceNewDeployment).toMatchObject({
          Type: 'Task',
          End: true,
          Resource: 'arn:AWS::Partition:states:::aws-sdk:ecs:updateService',
          Parameters: {
            Cluster: expect.stringMatching(/^AppCluster.*\.Arn$/),
            Service: expect.stringMatching(/^AppService.*\.Name$/),
            ForceNewDeployment: true,
          },
        });
        const role = machine.Properties.RoleArn['Fn::GetAtt'][0];
        const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
          .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
          .flatMap((p) => p.Properties.PolicyDocument.Statement);
        const scoped = statements.filter((st: any) => st.Resource !== '*');
        expect(scoped).toEqual([
          expect.objectContaining({
            Action: 'ecs:UpdateService',
            Resource: { Ref: expect.stringMatching(/^AppService/) },
          }),
        ]);
        for (const st of statements.filter((x: any) => x.Resource === '*')) {
          for (const action of [st.Action].flat()) {
            expect(action).toMatch(/^(logs|xray):/);
          }
        }
      });

      test('a start EventBridge cannot make is retried, then dead-lettered into the alert queue', () => {
        const [, rule] = only(template, 'AWS::Events::Rule', {
          EventPattern: Match.objectLike({ detail: Match.objectLike({ eventName: ['RotationSucceeded'] }) }),
        });
        const queue = stack.alerts.deadLetterQueue;
        expect(queue).toBeDefined();
        expect(rule.Properties.Targets).toEqual([
          expect.objectContaining({
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [stack.getLogicalId(queue?.node.defaultChild as CfnElement), 'Arn'] },
            },
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          }),
        ]);
      });

      test('a restart that failed, timed out or was aborted raises an alarm on the alert topic', () => {
        const alarm = stack.restartOnRotation.failureAlarm;
        expect(alarm).toBeDefined();
        const [, resource] = only(template, 'AWS::CloudWatch::Alarm', {
          AlarmDescription: Match.stringLikeRegexp('not restarted after a rotation'),
        });
        const topic = { Ref: stack.getLogicalId(stack.alerts.topic.node.defaultChild as CfnElement) };
        expect(resource.Properties).toMatchObject({
          AlarmActions: [topic],
          OKActions: [topic],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
        const metrics = resource.Properties.Metrics.flatMap((m: any) =>
          m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
        );
        expect(metrics.sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
      });

      test('the state machine logs everything but execution data, traced, to a retained log group with a key', () => {
        template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
        });
        template.hasResource('AWS::Logs::LogGroup', {
          Properties: Match.objectLike({ RetentionInDays: 90, KmsKeyId: Match.anyValue() }),
          DeletionPolicy: 'Retain',
        });
        expect(stack.restartOnRotation.logGroup).toBeDefined();
      });
    });

    describe('network paths (checklist C3)', () => {
      test('the database accepts connections only from the app, the rotation functions and the role provisioning, on its port', () => {
        const ingress = Object.values(
          template.findResources('AWS::EC2::SecurityGroupIngress', {
            Properties: { GroupId: { 'Fn::GetAtt': [dbGroup, 'GroupId'] } },
          }),
        ).map((r) => [r.Properties.SourceSecurityGroupId, r.Properties.FromPort, r.Properties.ToPort]);
        expect(ingress).toHaveLength(3);
        expect(ingress).toEqual(
          expect.arrayContaining([
            [{ 'Fn::GetAtt': [appGroup, 'GroupId'] }, 5438, 5438],
            [{ 'Fn::GetAtt': [rotationGroup, 'GroupId'] }, 5438, 5438],
            [{ 'Fn::GetAtt': [provisioningGroup, 'GroupId'] }, 5438, 5438],
          ]),
        );
        const inline =
          template.findResources('AWS::EC2::SecurityGroup')[dbGroup].Properties.SecurityGroupIngress;
        expect(inline).toBeUndefined();
      });

      test("the app's egress gains the database port, to the database's group only", () => {
        const group = template.findResources('AWS::EC2::SecurityGroup')[appGroup];
        expect(group.Properties.SecurityGroupEgress).toEqual([
          expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
        ]);
        const egress = Object.values(
          template.findResources('AWS::EC2::SecurityGroupEgress', {
            Properties: { GroupId: { 'Fn::GetAtt': [appGroup, 'GroupId'] } },
          }),
        ).map((r) => r.Properties);
        expect(egress).toEqual([
          expect.objectContaining({
            IpProtocol: 'tcp',
            FromPort: 5438,
            ToPort: 5438,
            DestinationSecurityGroupId: { 'Fn::GetAtt': [dbGroup, 'GroupId'] },
          }),
        ]);
      });

      test('the database is in the data subnets, the rotation function in the app subnets', () => {
        template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
          SubnetIds: [
            { Ref: Match.stringLikeRegexp('^NetworkVpcDataSubnet1') },
            { Ref: Match.stringLikeRegexp('^NetworkVpcDataSubnet2') },
          ],
        });
        template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
          HostedRotationLambda: Match.objectLike({
            VpcSubnetIds: {
              'Fn::Join': [
                '',
                [
                  { Ref: Match.stringLikeRegexp('^NetworkVpcAppSubnet1') },
                  ',',
                  { Ref: Match.stringLikeRegexp('^NetworkVpcAppSubnet2') },
                ],
              ],
            },
          }),
        });
      });
    });

    describe('alerts', () => {
      test("a failed or abandoned rotation of the admin secret goes to the stack's alert topic", () => {
        template.hasResourceProperties('AWS::Events::Rule', {
          EventPattern: {
            source: ['aws.secretsmanager'],
            'detail-type': ['AWS Service Event via CloudTrail'],
            detail: {
              eventSource: ['secretsmanager.amazonaws.com'],
              eventName: ['RotationFailed', 'RotationAbandoned'],
              additionalEventData: { SecretId: [{ Ref: secretAttachment }] },
            },
          },
          Targets: [Match.objectLike({ Arn: stack.resolve(stack.alerts.topic.topicArn) })],
        });
        expect(stack.databaseEvents.rotationFailureRule).toBeDefined();
      });

      test("RDS events and failed backup, copy and restore jobs go to the stack's alert topic", () => {
        const topic = stack.resolve(stack.alerts.topic.topicArn);
        template.hasResourceProperties('AWS::RDS::EventSubscription', {
          SnsTopicArn: topic,
          EventCategories: ['failure', 'failover', 'low storage', 'maintenance'],
        });
        template.hasResourceProperties('AWS::Events::Rule', {
          EventPattern: Match.objectLike({ source: ['aws.backup'] }),
          Targets: [Match.objectLike({ Arn: topic })],
        });
      });
    });

    describe('what other tiers use', () => {
      test('the instance, its security group, secret and key, the vault and the plan are public', () => {
        expect(stack.database).toBeInstanceOf(SchedulingDatabase);
        expect(stack.databaseInstance).toBe((stack.database as SchedulingDatabase).instance);
        expect(stack.databaseCluster).toBeUndefined();
        expect(stack.databaseSecurityGroup).toBe(stack.database.securityGroup);
        expect(stack.database.secret.secretArn).toBeDefined();
        expect(stack.database.encryptionKey.keyArn).toBeDefined();
        expect(stack.backupVault).toBe(stack.backup.vault);
        expect(stack.backupPlan).toBe(stack.backup.plan);
        expect(stack.backup.vaultKey.keyArn).toBeDefined();
        expect(stack.databaseEvents.subscription).toBeDefined();
      });
    });

    describe('stack props', () => {
      test('pass through to the database and its backup', () => {
        const config = parseConfig(EXAMPLE_CONFIG);
        const custom = new SecureSchedulingStack(testApp(), 'Custom', {
          ...stackPropsFromConfig(config),
          stackName: 'Custom',
          databaseEngineVersion: '16',
          databaseInstanceType: new ec2.InstanceType('t4g.large'),
          databaseBackupRetention: Duration.days(21),
          dailyBackupRetention: Duration.days(14),
          weeklyBackupRetention: Duration.days(182),
          backupVaultLockMinRetention: Duration.days(7),
          restoreTesting: false,
        });
        const t = Template.fromStack(custom);
        t.hasResourceProperties('AWS::RDS::DBInstance', {
          EngineVersion: '16',
          DBInstanceClass: 'db.t4g.large',
          BackupRetentionPeriod: 21,
          MultiAZ: true,
          DBInstanceIdentifier: 'custom-database',
        });
        const rules = Object.values(t.findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan
          .BackupPlanRule;
        expect(rules.map((r: any) => r.Lifecycle.DeleteAfterDays)).toEqual([14, 182]);
        t.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7 } });
        t.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
      });
    });
  });
});
