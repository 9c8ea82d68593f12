/* eslint-disable @typescript-eslint/no-explicit-any */
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  acknowledge,
  addCompliancePacks,
  DatabaseBackup,
  DatabaseEvents,
  HARDENED_POSTGRES_PARAMETERS,
  inSettingTerms,
  parseConfig,
  RuleOutcomeLog,
  SchedulingAuroraDatabase,
  SchedulingAuroraDatabaseProps,
  SecureSchedulingStack,
  stackPropsFromConfig,
} from '../../lib';
import { defaultStack, EXAMPLE_CONFIG, testApp, testStack } from '../support/app';
import { shippedStacks } from '../support/shipped-stacks';

const AURORA = { databaseEngine: 'aurora-serverless-v2' };

/** Logical ids of the Aurora stack's stateful database resources: changing one replaces it. */
const STATEFUL: Record<string, [string, string][]> = {
  'AWS::RDS::DBCluster': [['DatabaseCluster5B53A178', 'Snapshot']],
  'AWS::KMS::Key': [['DatabaseKey5E5D9547', 'Retain']],
  'AWS::SecretsManager::Secret': [['DatabaseSecret3B817195', 'Retain']],
  'AWS::Logs::LogGroup': [
    ['DatabasePostgresqlLogGroupE02FE0AC', 'Retain'],
    ['DatabaseRotationLogGroup6AFA9D1E', 'Retain'],
  ],
};

/** The bundled app's stack with the Aurora engine, synthesized once with the five packs registered. */
describe('SchedulingAuroraDatabase', () => {
  let stack: SecureSchedulingStack;
  let template: Template;
  let log: RuleOutcomeLog;
  let writer: any;
  let reader: any;

  beforeAll(() => {
    const app = testApp();
    log = new RuleOutcomeLog();
    addCompliancePacks(app, { outcomes: log });
    stack = defaultStack(AURORA, app);
    // Synth runs every pack and the acknowledgement audit, and throws on any open finding.
    const assembly = app.synth();
    template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
    const instances = template.findResources('AWS::RDS::DBInstance');
    writer = instances.DatabaseClusterWriterD43085C6;
    reader = instances.DatabaseClusterReader78FE9854;
  });

  describe('compliance', () => {
    test('the stack synthesizes with all five packs: no open finding', () => {
      const open = log.outcomes.filter((o) => o.status === 'non-compliant' || o.status === 'error');
      expect(open).toEqual([]);
      const packs = new Set(log.outcomes.map((o) => o.pack));
      expect([...packs].sort()).toEqual([
        'AwsSolutions',
        'HIPAA.Security',
        'NIST.800.53.R5',
        'PCI.DSS.321',
        'SchedulingChecklist',
      ]);
    });

    test.each([
      'C3-DatabaseNotPublic',
      'C6-DatabaseBackupRetention',
      'C6-DatabaseInBackupPlan',
      'C6-StatefulResourcesRetained',
    ])('the checklist rule %s judges the cluster compliant', (rule) => {
      const outcomes = log.outcomes.filter(
        (o) =>
          o.ruleId === `SchedulingChecklist-${rule}` && o.resourcePath.endsWith('Database/Cluster/Resource'),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['compliant']);
    });

    test('the checklist judges the instances minor upgrades and the cluster parameter group TLS', () => {
      const status = (rule: string, path: string) =>
        log.outcomes
          .filter((o) => o.ruleId === `SchedulingChecklist-${rule}` && o.resourcePath.endsWith(path))
          .map((o) => o.status);
      expect(status('C4-DatabaseMinorVersionUpgrades', 'Cluster/Writer/Resource')).toEqual(['compliant']);
      expect(status('C4-DatabaseMinorVersionUpgrades', 'Cluster/Reader/Resource')).toEqual(['compliant']);
      expect(status('C1-PostgresForceTls', 'Database/ClusterParameters/Resource/Resource')).toEqual([
        'compliant',
      ]);
      expect(status('C3-DatabaseNotPublic', 'Cluster/Reader/Resource')).toEqual(['compliant']);
      expect(status('C3-DatabaseIngressFromSecurityGroups', 'Database/SecurityGroup/Resource')).toEqual([
        'compliant',
      ]);
    });

    test("only HIPAA's and NIST's RDSInBackupPlan are acknowledged on the instances, and nothing on the cluster", () => {
      const acknowledged = log.outcomes
        .filter((o) => o.status === 'acknowledged' && o.resourcePath.includes('/Database/'))
        .map((o) => `${o.ruleId} ${o.resourcePath.replace(/^.*\/Database\//, '')}`)
        .sort();
      expect(acknowledged).toEqual([
        'HIPAA.Security-RDSInBackupPlan Cluster/Reader/Resource',
        'HIPAA.Security-RDSInBackupPlan Cluster/Writer/Resource',
        'NIST.800.53.R5-RDSInBackupPlan Cluster/Reader/Resource',
        'NIST.800.53.R5-RDSInBackupPlan Cluster/Writer/Resource',
      ]);
    });
  });

  describe('the cluster (checklist C1, C3, C4, C5, C6)', () => {
    test('is an encrypted Aurora PostgreSQL Serverless v2 cluster with the hardened settings', () => {
      template.resourceCountIs('AWS::RDS::DBCluster', 1);
      template.resourceCountIs('AWS::RDS::DBInstance', 2);
      template.hasResourceProperties('AWS::RDS::DBCluster', {
        Engine: 'aurora-postgresql',
        EngineVersion: '17.5',
        DBClusterIdentifier: 'securescheduling-database',
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': ['DatabaseKey5E5D9547', 'Arn'] },
        Port: 5438,
        DatabaseName: 'scheduling',
        EnableIAMDatabaseAuthentication: true,
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        DeleteAutomatedBackups: false,
        BackupRetentionPeriod: 14,
        PreferredBackupWindow: '02:00-03:00',
        PreferredMaintenanceWindow: 'sun:04:00-sun:05:00',
        EnableCloudwatchLogsExports: ['postgresql'],
        PerformanceInsightsEnabled: true,
        PerformanceInsightsKmsKeyId: { 'Fn::GetAtt': ['DatabaseKey5E5D9547', 'Arn'] },
        DBSubnetGroupName: { Ref: 'DatabaseSubnetGroup7D60F180' },
        VpcSecurityGroupIds: [{ 'Fn::GetAtt': ['DatabaseSecurityGroup5C91FDCB', 'GroupId'] }],
        DBClusterParameterGroupName: { Ref: 'DatabaseClusterParameters0DFE1DFD' },
      });
    });

    test('the admin user is the non-default one, from the generated secret', () => {
      const [cluster] = Object.values(template.findResources('AWS::RDS::DBCluster'));
      expect(JSON.stringify(cluster.Properties.MasterUsername)).toContain('DatabaseSecret3B817195');
      expect(JSON.stringify(cluster.Properties.MasterUserPassword)).toContain('DatabaseSecret3B817195');
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: '{"username":"scheduling_admin","dbname":"scheduling"}',
        }),
        KmsKeyId: { 'Fn::GetAtt': ['DatabaseKey5E5D9547', 'Arn'] },
      });
    });

    test('its subnet group holds only the isolated data subnets', () => {
      template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
        SubnetIds: [
          { Ref: 'NetworkVpcDataSubnet1SubnetC4E2CA79' },
          { Ref: 'NetworkVpcDataSubnet2Subnet1DE78234' },
        ],
      });
    });

    test('the cluster parameter group carries the same hardened values as the instance group', () => {
      template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
        Family: 'aurora-postgresql17',
        Parameters: HARDENED_POSTGRES_PARAMETERS,
      });
      expect(HARDENED_POSTGRES_PARAMETERS).toMatchObject({
        'rds.force_ssl': '1',
        password_encryption: 'scram-sha-256',
        log_connections: '1',
        log_statement: 'ddl',
        log_parameter_max_length: '0',
      });
    });
  });

  describe('the writer and the reader', () => {
    test('are Serverless v2, not public, take minor upgrades, with enhanced monitoring and encrypted Performance Insights', () => {
      for (const instance of [writer, reader]) {
        expect(instance.Properties).toMatchObject({
          DBInstanceClass: 'db.serverless',
          Engine: 'aurora-postgresql',
          DBClusterIdentifier: { Ref: 'DatabaseCluster5B53A178' },
          PubliclyAccessible: false,
          AutoMinorVersionUpgrade: true,
          AllowMajorVersionUpgrade: false,
          CACertificateIdentifier: 'rds-ca-rsa2048-g1',
          PreferredMaintenanceWindow: 'sun:04:00-sun:05:00',
          MonitoringInterval: 60,
          MonitoringRoleArn: { 'Fn::GetAtt': ['DatabaseMonitoringRole576991DA', 'Arn'] },
          EnablePerformanceInsights: true,
          PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': ['DatabaseKey5E5D9547', 'Arn'] },
        });
      }
    });

    test('sit in the zones of two different isolated subnets (Multi-AZ), the reader failing over first', () => {
      expect(writer.Properties.AvailabilityZone).toEqual({
        'Fn::GetAtt': ['NetworkVpcDataSubnet1SubnetC4E2CA79', 'AvailabilityZone'],
      });
      expect(reader.Properties.AvailabilityZone).toEqual({
        'Fn::GetAtt': ['NetworkVpcDataSubnet2Subnet1DE78234', 'AvailabilityZone'],
      });
      expect(reader.Properties.PromotionTier).toBe(1);
    });

    test('are updated one after the other, never both at once', () => {
      expect(reader.DependsOn).toContain('DatabaseClusterWriterD43085C6');
    });

    test('enhanced monitoring may write only the two instances own streams', () => {
      const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
        .filter((p) => JSON.stringify(p.Properties.Roles ?? []).includes('DatabaseMonitoringRole'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement);
      const write = statements.find((s: any) => s.Sid === 'WriteThisClusterMetrics');
      expect(write.Resource).toHaveLength(2);
      expect(JSON.stringify(write.Resource)).toContain('DatabaseClusterWriterD43085C6');
      expect(JSON.stringify(write.Resource)).toContain('DatabaseClusterReader78FE9854');
      expect(JSON.stringify(write.Resource)).not.toContain('*');
    });
  });

  describe('moving a deployed stack from the instance to Aurora', () => {
    let instanceTemplate: Template;

    beforeAll(() => {
      instanceTemplate = Template.fromJSON(shippedStacks('the default stack')[0].template);
    });

    test('no logical id changes its resource type (CloudFormation refuses that)', () => {
      const before = instanceTemplate.toJSON().Resources as Record<string, { Type: string }>;
      const after = template.toJSON().Resources as Record<string, { Type: string }>;
      const changed = Object.keys(after)
        .filter((id) => before[id] && before[id].Type !== after[id].Type)
        .map((id) => `${id}: ${before[id].Type} -> ${after[id].Type}`);
      expect(changed).toEqual([]);
    });

    test('the key, the admin secret, the security group and the subnet group stay the same resources', () => {
      for (const id of [
        'DatabaseKey5E5D9547',
        'DatabaseSecret3B817195',
        'DatabaseSecurityGroup5C91FDCB',
        'DatabaseSubnetGroup7D60F180',
      ]) {
        expect([id, Object.keys(instanceTemplate.toJSON().Resources).includes(id)]).toEqual([id, true]);
        expect([id, Object.keys(template.toJSON().Resources).includes(id)]).toEqual([id, true]);
      }
    });

    test('the backup and restore testing selections take names of their own, so their replacement cannot collide', () => {
      const names = (t: Template) => [
        Object.values(t.findResources('AWS::Backup::BackupSelection'))[0].Properties.BackupSelection
          .SelectionName,
        Object.values(t.findResources('AWS::Backup::RestoreTestingSelection'))[0].Properties
          .RestoreTestingSelectionName,
      ];
      expect(names(instanceTemplate)).toEqual(['Database', 'Database']);
      expect(names(template)).toEqual(['DatabaseCluster', 'DatabaseCluster']);
    });
  });

  describe('stateful resources keep their data and their logical ids', () => {
    test.each(Object.entries(STATEFUL))('%s', (type, expected) => {
      const found = template.findResources(type);
      for (const [id, policy] of expected) {
        expect([id, found[id]?.DeletionPolicy, found[id]?.UpdateReplacePolicy]).toEqual([id, policy, policy]);
      }
    });

    test('the exported log has a log group with a retention and the log key, created before the cluster', () => {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          LogGroupName: '/aws/rds/cluster/securescheduling-database/postgresql',
          RetentionInDays: 90,
          KmsKeyId: { 'Fn::GetAtt': ['LogKey3EBDB3E8', 'Arn'] },
        },
      });
      const [cluster] = Object.values(template.findResources('AWS::RDS::DBCluster'));
      expect(cluster.DependsOn).toContain('DatabasePostgresqlLogGroupE02FE0AC');
    });
  });

  describe('the rotated secret (checklist C2)', () => {
    test('rotates every 30 days with a function in the VPC, and is attached to the cluster', () => {
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        HostedRotationLambda: Match.objectLike({
          RotationType: 'PostgreSQLSingleUser',
          RotationLambdaName: 'securescheduling-database-rotation',
          VpcSecurityGroupIds: Match.anyValue(),
          VpcSubnetIds: Match.anyValue(),
        }),
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
        // Not rotated while the first tasks migrate the database.
        RotateImmediatelyOnUpdate: false,
      });
      template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
        TargetType: 'AWS::RDS::DBCluster',
        TargetId: { Ref: 'DatabaseCluster5B53A178' },
      });
    });
  });

  describe('the rest of the stack uses the cluster', () => {
    test('the app connects to the writer endpoint on the database port', () => {
      const [taskDefinition] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
      const env = Object.fromEntries(
        taskDefinition.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]),
      );
      expect(env.PGHOST).toEqual({ 'Fn::GetAtt': ['DatabaseCluster5B53A178', 'Endpoint.Address'] });
      expect(env.PGPORT).toBe('5438');
      expect(env.PGSSLMODE).toBe('require');
    });

    test('the public properties name the cluster, and no instance', () => {
      expect(stack.database).toBeInstanceOf(SchedulingAuroraDatabase);
      expect(stack.databaseCluster).toBe((stack.database as SchedulingAuroraDatabase).cluster);
      expect(stack.databaseInstance).toBeUndefined();
      expect(stack.databaseSecurityGroup).toBe(stack.database.securityGroup);
    });

    test('AWS Backup selects the cluster and restore tests restore it as Aurora into the isolated subnets', () => {
      const [selection] = Object.values(template.findResources('AWS::Backup::BackupSelection'));
      expect(JSON.stringify(selection.Properties.BackupSelection.Resources)).toContain(
        ':cluster:",{"Ref":"DatabaseCluster5B53A178"}',
      );
      template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
        ProtectedResourceType: 'Aurora',
        ProtectedResourceArns: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
        RestoreMetadataOverrides: {
          dbsubnetgroupname: { Ref: 'DatabaseSubnetGroup7D60F180' },
          vpcsecuritygroupids: Match.anyValue(),
        },
      });
      const [testing] = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection'));
      expect(JSON.stringify(testing.Properties.ProtectedResourceArns)).toContain('DatabaseCluster5B53A178');
      expect(testing.Properties.RestoreMetadataOverrides.multiaz).toBeUndefined();
    });

    test('RDS events of the cluster and of its instances go to the alert topic', () => {
      template.hasResourceProperties('AWS::RDS::EventSubscription', {
        SourceType: 'db-cluster',
        SourceIds: [{ Ref: 'DatabaseCluster5B53A178' }],
        EventCategories: ['failure', 'failover', 'maintenance'],
      });
      template.hasResourceProperties('AWS::RDS::EventSubscription', {
        SourceType: 'db-instance',
        SourceIds: [{ Ref: 'DatabaseClusterWriterD43085C6' }, { Ref: 'DatabaseClusterReader78FE9854' }],
        EventCategories: ['failure', 'availability', 'maintenance'],
      });
    });

    test('changes to the cluster and its parameter group raise an alert', () => {
      const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) =>
        JSON.stringify(r.Properties.EventPattern ?? {}),
      );
      // The cluster's calls have a rule of their own, so that no rule passes EventBridge's pattern size.
      const cluster = rules.find((r) => r.includes('ModifyDBCluster'));
      expect(cluster).toBeDefined();
      expect(cluster).toContain('DatabaseCluster5B53A178');
      const parameters = rules.find((r) => r.includes('DatabaseClusterParameters0DFE1DFD'));
      expect(parameters).toBeDefined();
      expect(parameters).toContain('ModifyDBInstance');
    });

    test('the dashboard shows the cluster connections and its Serverless v2 capacity', () => {
      const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
      const body = JSON.stringify(dashboard.Properties.DashboardBody);
      expect(body).toContain('ServerlessDatabaseCapacity');
      expect(body).toContain('DBClusterIdentifier');
      expect(body).not.toContain('FreeStorageSpace');
    });
  });
});

describe('SchedulingAuroraDatabase', () => {
  describe('bad input', () => {
    const build = (props: Partial<SchedulingAuroraDatabaseProps>) => {
      const stack = testStack(new App({ builtinCloudFormationValidation: false }));
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [
          { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      return () => new SchedulingAuroraDatabase(stack, 'Database', { vpc, ...props });
    };

    test.each<[string, Partial<SchedulingAuroraDatabaseProps>, RegExp]>([
      ['a major alone', { engineVersion: '17' }, /`engineVersion` must be .*17\.4 or later.*got '17'/],
      ['a minor without Serverless v2', { engineVersion: '15.1' }, /`engineVersion` .*got '15\.1'/],
      ['an unsupported major', { engineVersion: '13.9' }, /`engineVersion` .*14\.3 or later.*got '13\.9'/],
      [
        'a capacity below 0.5 ACU',
        { minCapacity: 0.25 },
        /`minCapacity` must be between 0\.5 and 256 .*got 0\.25/,
      ],
      [
        'a capacity above 256 ACUs',
        { maxCapacity: 300 },
        /`maxCapacity` must be between 0\.5 and 256 .*got 300/,
      ],
      ['a capacity off the half steps', { maxCapacity: 2.3 }, /`maxCapacity` .*steps of 0\.5, got 2\.3/],
      [
        'min above max',
        { minCapacity: 8, maxCapacity: 4 },
        /`minCapacity` \(8\) must not exceed `maxCapacity` \(4\)/,
      ],
      ['the default port', { port: 5432 }, /`port` must not be PostgreSQL's default 5432, got 5432/],
      ['a well-known admin', { adminUsername: 'postgres' }, /`adminUsername` .*got 'postgres'/],
      ['public access', { publiclyAccessible: true }, /`publiclyAccessible` must be false, got true/],
      [
        'public subnets',
        { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } },
        /`vpcSubnets` must select isolated subnets/,
      ],
      [
        'a short backup retention',
        { backupRetention: Duration.days(3) },
        /`backupRetention` .*between 7 and 35, got 3 days/,
      ],
      [
        'overlapping windows',
        { preferredBackupWindow: '04:00-05:00', preferredMaintenanceWindow: 'sun:04:30-sun:05:30' },
        /`preferredMaintenanceWindow` 'sun:04:30-sun:05:30' overlaps `preferredBackupWindow` '04:00-05:00'/,
      ],
      [
        'a destroying removal policy',
        { removalPolicy: RemovalPolicy.DESTROY },
        /`removalPolicy` must be SNAPSHOT or RETAIN, got DESTROY/,
      ],
      ['a bad identifier', { clusterIdentifier: 'Bad_Id' }, /`clusterIdentifier` .*got 'Bad_Id'/],
    ])('throws on %s, naming the prop and the value', (_case, props, message) => {
      expect(build(props)).toThrow(message);
    });

    test('reports several problems together', () => {
      expect(build({ engineVersion: '12.1', minCapacity: 0, port: 5432 })).toThrow(
        /engineVersion[\s\S]*minCapacity[\s\S]*port/,
      );
    });

    test('accepts the smallest and largest capacities and a single-AZ cluster', () => {
      const stack = testStack(new App({ builtinCloudFormationValidation: false }));
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      });
      acknowledge(vpc, 'namedAvailabilityZones');
      new SchedulingAuroraDatabase(stack, 'Database', {
        vpc,
        rotationSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        minCapacity: 0.5,
        maxCapacity: 256,
        multiAz: false,
        engineVersion: '16.1',
      });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::RDS::DBInstance', 1);
      template.hasResourceProperties('AWS::RDS::DBCluster', {
        EngineVersion: '16.1',
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 256 },
      });
    });
  });

  describe('the tiers that take a database', () => {
    test('DatabaseBackup and DatabaseEvents need exactly one of instance and cluster', () => {
      const stack = testStack(new App({ builtinCloudFormationValidation: false }));
      const topic = new sns.Topic(stack, 'Topic');
      expect(() => new DatabaseBackup(stack, 'Backup', { alertTopic: topic })).toThrow(
        /exactly one of `instance` and `cluster` must be given, got neither/,
      );
      expect(() => new DatabaseEvents(stack, 'Events', { topic })).toThrow(
        /exactly one of `instance` and `cluster` must be given, got neither/,
      );
      const database = new SchedulingAuroraDatabase(stack, 'Database', {
        vpc: new ec2.Vpc(stack, 'Vpc', {
          maxAzs: 2,
          natGateways: 0,
          subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
        }),
        rotationSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      });
      const instance = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Other', {
        instanceIdentifier: 'other',
        instanceEndpointAddress: 'other.example.com',
        port: 5438,
        securityGroups: [],
      });
      expect(
        () => new DatabaseBackup(stack, 'Both', { instance, cluster: database.cluster, alertTopic: topic }),
      ).toThrow(/exactly one of `instance` and `cluster` must be given, got both/);
    });
  });

  describe('settings of the bundled app', () => {
    /** The stack's error, as the bundled app prints it: in the terms of the settings. */
    const problemsOf = (settings: Record<string, unknown>): string => {
      try {
        new SecureSchedulingStack(
          testApp(),
          'S',
          stackPropsFromConfig(parseConfig(EXAMPLE_CONFIG, settings)),
        );
      } catch (error) {
        return inSettingTerms((error as Error).message);
      }
      return 'no error';
    };

    test('an unknown engine is refused, naming the setting and what is allowed', () => {
      expect(() => parseConfig(EXAMPLE_CONFIG, { databaseEngine: 'aurora' })).toThrow(
        /setting `databaseEngine` must be one of 'postgres', 'aurora-serverless-v2', got "aurora"/,
      );
    });

    test('capacities given on the command line are read as numbers', () => {
      const cfg = parseConfig(EXAMPLE_CONFIG, {
        ...AURORA,
        databaseMinCapacity: '1.5',
        databaseMaxCapacity: '8',
      });
      expect([cfg.databaseMinCapacity, cfg.databaseMaxCapacity]).toEqual([1.5, 8]);
      expect(() => parseConfig(EXAMPLE_CONFIG, { databaseMinCapacity: 'half' })).toThrow(
        /setting `databaseMinCapacity` must be a number, got "half"/,
      );
    });

    test('capacities with the instance engine, and an instance class with Aurora, are refused', () => {
      expect(problemsOf({ databaseMinCapacity: 1 })).toMatch(
        /setting `databaseMinCapacity` applies to setting `databaseEngine` 'aurora-serverless-v2' only, got 1/,
      );
      expect(problemsOf({ ...AURORA, databaseInstanceClass: 'db.r7g.large' })).toMatch(
        /setting `databaseInstanceClass` must be unset with setting `databaseEngine` 'aurora-serverless-v2'/,
      );
    });

    test('a bad capacity is reported in the terms of the setting', () => {
      expect(problemsOf({ ...AURORA, databaseMinCapacity: 8, databaseMaxCapacity: 2 })).toMatch(
        /setting `databaseMinCapacity` \(8\) must not exceed setting `databaseMaxCapacity` \(2\)/,
      );
    });
  });
});
