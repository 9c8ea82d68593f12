/* eslint-disable @typescript-eslint/no-explicit-any */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
} from 'cdk-nag';
import {
  HARDENED_POSTGRES_PARAMETERS,
  recordedAcknowledgements,
  SchedulingChecklistChecks,
  SchedulingDatabase,
  SchedulingDatabaseProps,
  SchedulingNetwork,
  SecureSchedulingError,
} from '../../lib';
import { only, testStack } from '../support/app';

function build(props: Partial<SchedulingDatabaseProps> = {}): { stack: Stack; database: SchedulingDatabase } {
  const stack = testStack();
  const network = new SchedulingNetwork(stack, 'Network');
  const database = new SchedulingDatabase(stack, 'Database', {
    vpc: network.vpc,
    vpcSubnets: network.dataSubnets,
    rotationSubnets: network.appSubnets,
    ...props,
  });
  return { stack, database };
}

/** The error `build(props)` throws. */
function errorOf(props: Partial<SchedulingDatabaseProps>): SecureSchedulingError {
  try {
    build(props);
  } catch (e) {
    expect(e).toBeInstanceOf(SecureSchedulingError);
    return e as SecureSchedulingError;
  }
  throw new Error('no error thrown');
}

describe('SchedulingDatabase', () => {
  let stack: Stack;
  let database: SchedulingDatabase;
  let template: Template;
  let instanceId: string;
  let instance: any;
  let keyId: string;
  let groupId: string;
  let rotationGroupId: string;

  beforeAll(() => {
    ({ stack, database } = build());
    template = Template.fromStack(stack);
    [instanceId, instance] = only(template, 'AWS::RDS::DBInstance');
    [keyId] = only(template, 'AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('scheduling database'),
    });
    [groupId] = only(template, 'AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Scheduling database'),
    });
    [rotationGroupId] = only(template, 'AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Database password rotation'),
    });
  });

  describe('placement and access (checklist C3, C5)', () => {
    test('is not publicly accessible', () => {
      expect(instance.Properties.PubliclyAccessible).toBe(false);
    });

    test('lives in the isolated subnets of both zones, and only there', () => {
      const [subnetGroupId] = only(template, 'AWS::RDS::DBSubnetGroup', {
        SubnetIds: [
          { Ref: Match.stringLikeRegexp('^NetworkVpcDataSubnet1') },
          { Ref: Match.stringLikeRegexp('^NetworkVpcDataSubnet2') },
        ],
      });
      expect(instance.Properties.DBSubnetGroupName).toEqual({ Ref: subnetGroupId });
    });

    test('has a standby in a second zone (Multi-AZ)', () => {
      expect(instance.Properties.MultiAZ).toBe(true);
    });

    test('listens on a non-default port', () => {
      expect(instance.Properties.Port).toBe('5438');
      expect(database.port).toBe(5438);
    });

    test('its security group lets nothing out', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Scheduling database'),
        SecurityGroupEgress: [
          Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
        ],
      });
      expect(instance.Properties.VPCSecurityGroups).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
    });

    test('lets in only the rotation function, on the database port (the app is let in by whoever wires it)', () => {
      const ingress = Object.values(
        template.findResources('AWS::EC2::SecurityGroupIngress', {
          Properties: { GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] } },
        }),
      ).map((r) => r.Properties);
      expect(ingress).toEqual([
        expect.objectContaining({
          IpProtocol: 'tcp',
          FromPort: 5438,
          ToPort: 5438,
          SourceSecurityGroupId: { 'Fn::GetAtt': [rotationGroupId, 'GroupId'] },
        }),
      ]);
      expect(ingress[0].CidrIp).toBeUndefined();
    });

    test('the rotation function may reach the database port and HTTPS, nothing else', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Database password rotation'),
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })],
      });
      const egress = Object.values(
        template.findResources('AWS::EC2::SecurityGroupEgress', {
          Properties: { GroupId: { 'Fn::GetAtt': [rotationGroupId, 'GroupId'] } },
        }),
      ).map((r) => r.Properties);
      expect(egress).toEqual([
        expect.objectContaining({
          FromPort: 5438,
          ToPort: 5438,
          DestinationSecurityGroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
        }),
      ]);
    });

    test('allowConnectionsFrom opens the database port to one more security group', () => {
      const s = build();
      const peer = new ec2.SecurityGroup(s.stack, 'Peer', { vpc: s.database.instance.vpc });
      s.database.allowConnectionsFrom(peer, 'A reporting job');
      Template.fromStack(s.stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        Description: 'A reporting job',
        FromPort: 5438,
        ToPort: 5438,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Peer'), 'GroupId'] },
      });
    });

    test('IAM database authentication is on', () => {
      expect(instance.Properties.EnableIAMDatabaseAuthentication).toBe(true);
    });
  });

  describe('encryption (checklist C1, C5)', () => {
    test('storage is encrypted with a customer key that rotates every year and is retained', () => {
      expect(instance.Properties.StorageEncrypted).toBe(true);
      expect(instance.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      template.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true, RotationPeriodInDays: 365 }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(database.encryptionKey).toBeDefined();
    });

    test('Performance Insights is on and encrypted with the same key', () => {
      expect(instance.Properties.EnablePerformanceInsights).toBe(true);
      expect(instance.Properties.PerformanceInsightsKMSKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    });

    test('uses the RSA 2048 G1 certificate authority', () => {
      expect(instance.Properties.CACertificateIdentifier).toBe('rds-ca-rsa2048-g1');
    });
  });

  describe('storage and engine', () => {
    test('gp3 storage with an autoscaling ceiling', () => {
      expect(instance.Properties.StorageType).toBe('gp3');
      expect(instance.Properties.AllocatedStorage).toBe('20');
      expect(instance.Properties.MaxAllocatedStorage).toBe(100);
    });

    test('PostgreSQL 17 by major version, minor upgrades automatic, a major upgrade in place when the version setting changes (checklist C4)', () => {
      expect(instance.Properties.Engine).toBe('postgres');
      expect(instance.Properties.EngineVersion).toBe('17');
      expect(instance.Properties.AutoMinorVersionUpgrade).toBe(true);
      // RDS upgrades the major version only when EngineVersion changes; without this it refuses the change.
      expect(instance.Properties.AllowMajorVersionUpgrade).toBe(true);
    });

    test('a Graviton burstable class by default', () => {
      expect(instance.Properties.DBInstanceClass).toBe('db.t4g.medium');
    });
  });

  describe('backups and removal (checklist C6)', () => {
    test('automated backups are kept 14 days, and kept when the instance is deleted', () => {
      expect(instance.Properties.BackupRetentionPeriod).toBe(14);
      expect(instance.Properties.DeleteAutomatedBackups).toBe(false);
    });

    test('backup and maintenance windows are set and do not overlap', () => {
      expect(instance.Properties.PreferredBackupWindow).toBe('02:00-03:00');
      expect(instance.Properties.PreferredMaintenanceWindow).toBe('sun:04:00-sun:05:00');
    });

    test('deletion protection is on, tags go to snapshots', () => {
      expect(instance.Properties.DeletionProtection).toBe(true);
      expect(instance.Properties.CopyTagsToSnapshot).toBe(true);
    });

    test('a final snapshot is taken on removal and on replacement', () => {
      expect(instance.DeletionPolicy).toBe('Snapshot');
      expect(instance.UpdateReplacePolicy).toBe('Snapshot');
    });

    test('RETAIN keeps the instance itself', () => {
      const t = Template.fromStack(build({ removalPolicy: RemovalPolicy.RETAIN }).stack);
      t.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    test('DESTROY with acceptDataLoss deletes it, and turns deletion protection off so it can be', () => {
      const t = Template.fromStack(
        build({ removalPolicy: RemovalPolicy.DESTROY, acceptDataLoss: true }).stack,
      );
      t.hasResource('AWS::RDS::DBInstance', {
        Properties: Match.objectLike({ DeletionProtection: false }),
        DeletionPolicy: 'Delete',
      });
    });
  });

  describe('parameters (checklist C1, C7)', () => {
    let parameters: Record<string, string>;

    beforeAll(() => {
      const [id, group] = only(template, 'AWS::RDS::DBParameterGroup');
      expect(instance.Properties.DBParameterGroupName).toEqual({ Ref: id });
      expect(group.Properties.Family).toBe('postgres17');
      parameters = group.Properties.Parameters;
    });

    test('force TLS, at least 1.2', () => {
      expect(parameters['rds.force_ssl']).toBe('1');
      expect(parameters.ssl_min_protocol_version).toBe('TLSv1.2');
    });

    test('store passwords with SCRAM-SHA-256', () => {
      expect(parameters.password_encryption).toBe('scram-sha-256');
    });

    test('log connections, disconnections and DDL', () => {
      expect(parameters.log_connections).toBe('1');
      expect(parameters.log_disconnections).toBe('1');
      expect(parameters.log_statement).toBe('ddl');
    });

    test('never log row data or bind values', () => {
      expect(parameters.log_min_duration_statement).toBe('-1');
      expect(parameters.log_parameter_max_length).toBe('0');
      expect(parameters.log_parameter_max_length_on_error).toBe('0');
      expect(parameters.log_min_error_statement).toBe('panic');
    });

    test('more parameters are merged in, and a hardened one only at its value or a stricter one', () => {
      const t = Template.fromStack(
        build({ parameters: { work_mem: '8192', ssl_min_protocol_version: 'TLSv1.3' } }).stack,
      );
      t.hasResourceProperties('AWS::RDS::DBParameterGroup', {
        Parameters: {
          ...HARDENED_POSTGRES_PARAMETERS,
          work_mem: '8192',
          ssl_min_protocol_version: 'TLSv1.3',
        },
      });
    });

    test('throws, naming each parameter, when a hardened parameter is weakened', () => {
      expect(() => build({ parameters: { 'rds.force_ssl': '0', log_statement: 'all' } })).toThrow(
        /`parameters.rds.force_ssl` must be '1'.*got '0'[\s\S]*`parameters.log_statement` must be 'ddl'.*got 'all'/,
      );
    });
  });

  describe('admin credentials (checklist C2)', () => {
    let secretId: string;

    beforeAll(() => {
      [secretId] = only(template, 'AWS::SecretsManager::Secret');
    });

    test('are generated by Secrets Manager under a non-default user name, encrypted with the customer key', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        GenerateSecretString: Match.objectLike({
          GenerateStringKey: 'password',
          PasswordLength: 30,
          SecretStringTemplate: JSON.stringify({ username: 'scheduling_admin', dbname: 'scheduling' }),
        }),
      });
      expect(JSON.stringify(instance.Properties.MasterUserPassword)).toContain(secretId);
    });

    test('passwords leave out every character a connection URL would need escaped', () => {
      const secret = only(template, 'AWS::SecretsManager::Secret')[1];
      const excluded: string = secret.Properties.GenerateSecretString.ExcludeCharacters;
      for (const c of [':', '/', '@', '?', '#', '%', '&', '=', '+', ' ', "'", '"', '\\']) {
        expect(excluded).toContain(c);
      }
    });

    test('are kept when the stack is deleted', () => {
      template.hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('are not rotated right after creation, while the first tasks migrate the database', () => {
      // CloudFormation rotates a new schedule at once unless RotateImmediatelyOnUpdate is false
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-secretsmanager-rotationschedule.html):
      // the first rotation then comes one interval after creation.
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        RotateImmediatelyOnUpdate: false,
      });
    });

    test('are rotated every 30 days by a single-user PostgreSQL function inside the VPC', () => {
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
        HostedRotationLambda: Match.objectLike({
          RotationType: 'PostgreSQLSingleUser',
          RotationLambdaName: 'test-database-rotation',
          KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] },
          VpcSecurityGroupIds: { 'Fn::GetAtt': [rotationGroupId, 'GroupId'] },
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

    test('the rotation function generates passwords from the same alphabet', () => {
      const secret = only(template, 'AWS::SecretsManager::Secret')[1];
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        HostedRotationLambda: Match.objectLike({
          ExcludeCharacters: secret.Properties.GenerateSecretString.ExcludeCharacters,
        }),
      });
    });

    test('rotationInterval changes the schedule', () => {
      Template.fromStack(build({ rotationInterval: Duration.days(7) }).stack).hasResourceProperties(
        'AWS::SecretsManager::RotationSchedule',
        { RotationRules: { ScheduleExpression: 'rate(7 days)' } },
      );
    });
  });

  describe('logs and monitoring (checklist C7, C10)', () => {
    test.each(['postgresql', 'upgrade'])(
      '%s logs are exported to a log group with a retention and a key',
      (type) => {
        expect(instance.Properties.EnableCloudwatchLogsExports).toContain(type);
        template.hasResource('AWS::Logs::LogGroup', {
          Properties: {
            LogGroupName: `/aws/rds/instance/test-database/${type}`,
            RetentionInDays: 90,
            KmsKeyId: Match.anyValue(),
          },
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
        });
      },
    );

    test('the log groups exist before the instance, so RDS never creates them without a retention', () => {
      const logGroups = Object.keys(template.findResources('AWS::Logs::LogGroup'));
      const exported = logGroups.filter((id) => /Postgresql|Upgrade/.test(id));
      expect(exported).toHaveLength(2);
      expect(instance.DependsOn).toEqual(expect.arrayContaining(exported));
    });

    test('the rotation function logs to a log group with a retention and a key', () => {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: '/aws/lambda/test-database-rotation',
        RetentionInDays: 90,
        KmsKeyId: Match.anyValue(),
      });
    });

    test('logRetention sets the retention of every log group', () => {
      const t = Template.fromStack(build({ logRetention: logs.RetentionDays.ONE_MONTH }).stack);
      const groups = Object.values(t.findResources('AWS::Logs::LogGroup')).filter((g) =>
        /test-database/.test(g.Properties.LogGroupName),
      );
      expect(groups).toHaveLength(3);
      for (const group of groups) {
        expect(group.Properties.RetentionInDays).toBe(30);
      }
    });

    test('enhanced monitoring every minute, with a role limited to this instance in RDSOSMetrics', () => {
      expect(instance.Properties.MonitoringInterval).toBe(60);
      const [roleId] = only(template, 'AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })],
        }),
      });
      expect(instance.Properties.MonitoringRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      const policy = JSON.stringify(
        Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find(
          (p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
        ),
      );
      expect(policy).toContain(':log-group:RDSOSMetrics:log-stream:');
      expect(policy).toContain(`"${instanceId}","DbiResourceId"`);
      expect(policy).not.toContain('"*"');
    });
  });

  describe('stateful resources', () => {
    test('every key, secret and log group of the database is retained; the instance leaves a snapshot', () => {
      for (const type of ['AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']) {
        const all = Object.values(template.findResources(type));
        expect(all.length).toBeGreaterThan(0);
        for (const r of all) {
          expect([r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
        }
      }
      expect([instance.DeletionPolicy, instance.UpdateReplacePolicy]).toEqual(['Snapshot', 'Snapshot']);
    });

    test('the instance keeps its logical id', () => {
      expect(instanceId).toMatch(/^DatabaseInstance[0-9A-F]{8}$/);
      expect(instanceId).toBe(`DatabaseInstance${instanceId.slice(-8)}`);
    });
  });

  describe('compliance', () => {
    // On its own the database is in no backup plan: DatabaseBackup puts it in one (see its tests).
    test.each<[string, () => NagPack, string[]]>([
      ['AwsSolutions', () => new AwsSolutionsChecks(), []],
      ['HIPAA Security', () => new HIPAASecurityChecks(), ['HIPAA.Security-RDSInBackupPlan']],
      ['NIST 800-53 R5', () => new NIST80053R5Checks(), ['NIST.800.53.R5-RDSInBackupPlan']],
      ['PCI DSS 3.2.1', () => new PCIDSS321Checks(), []],
      [
        'SchedulingChecklist',
        () => new SchedulingChecklistChecks(),
        ['SchedulingChecklist-C6-DatabaseInBackupPlan'],
      ],
    ])('the %s pack finds nothing else on the database, with no acknowledgement', (_name, pack, expected) => {
      const report = pack().validateScope(database);
      expect(report.violations.map((v) => v.ruleName)).toEqual(expected);
      expect(recordedAcknowledgements(database)).toEqual([]);
    });

    test('turning Multi-AZ off is reported, not hidden', () => {
      const single = build({ multiAz: false }).database;
      expect(new AwsSolutionsChecks().validateScope(single).violations.map((v) => v.ruleName)).toEqual([
        'AwsSolutions-RDS3',
      ]);
    });
  });

  describe('options', () => {
    test('another supported engine version, instance class, storage and windows', () => {
      const t = Template.fromStack(
        build({
          engineVersion: '16',
          instanceType: new ec2.InstanceType('m7g.large'),
          allocatedStorageGiB: 50,
          maxAllocatedStorageGiB: 500,
          backupRetention: Duration.days(35),
          preferredBackupWindow: '23:30-00:30',
          preferredMaintenanceWindow: 'sat:01:00-sat:02:00',
          port: 6543,
          adminUsername: 'booking_owner',
          databaseName: 'bookings',
          instanceIdentifier: 'bookings-db',
        }).stack,
      );
      t.hasResourceProperties('AWS::RDS::DBInstance', {
        EngineVersion: '16',
        DBInstanceClass: 'db.m7g.large',
        AllocatedStorage: '50',
        MaxAllocatedStorage: 500,
        BackupRetentionPeriod: 35,
        PreferredBackupWindow: '23:30-00:30',
        PreferredMaintenanceWindow: 'sat:01:00-sat:02:00',
        Port: '6543',
        DBName: 'bookings',
        DBInstanceIdentifier: 'bookings-db',
      });
      t.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres16' });
      t.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: JSON.stringify({ username: 'booking_owner', dbname: 'bookings' }),
        }),
      });
      t.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: '/aws/rds/instance/bookings-db/postgresql',
      });
    });
  });

  describe('validation', () => {
    test.each([3, 6, 36, 90])('throws when backupRetention is %i days', (days) => {
      expect(() => build({ backupRetention: Duration.days(days) })).toThrow(
        new RegExp(`\`backupRetention\` must be a whole number of days between 7 and 35, got ${days} days`),
      );
    });

    test('throws when publiclyAccessible is true', () => {
      expect(() => build({ publiclyAccessible: true })).toThrow(
        /`publiclyAccessible` must be false, got true/,
      );
    });

    test.each<[string, ec2.SubnetSelection]>([
      ['public', { subnetType: ec2.SubnetType.PUBLIC }],
      ['private with egress', { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
    ])('throws when vpcSubnets selects %s subnets', (_kind, vpcSubnets) => {
      const message = errorOf({ vpcSubnets }).message;
      expect(message).toMatch(/`vpcSubnets` must select isolated subnets/);
      expect(message).toMatch(/got 2 subnets of which 2 route to the internet/);
    });

    test('names the public subnets it was given', () => {
      expect(errorOf({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }).message).toMatch(
        /\(public .*IngressSubnet1.*, public .*IngressSubnet2/,
      );
    });

    test('throws when vpcSubnets selects a single isolated subnet', () => {
      expect(() =>
        build({ vpcSubnets: { subnetGroupName: 'Data', onePerAz: true, availabilityZones: ['eu-west-1a'] } }),
      ).toThrow(/`vpcSubnets` must select isolated subnets .* in at least two zones, got 1 subnets/);
    });

    test('throws when port is PostgreSQL default 5432', () => {
      expect(() => build({ port: 5432 })).toThrow(
        /`port` must not be PostgreSQL's default 5432, got 5432; any port from 1150 to 65535 is allowed/,
      );
    });

    test('throws when port is outside what RDS accepts', () => {
      expect(() => build({ port: 80 })).toThrow(/`port` must be an integer between 1150 and 65535, got 80/);
    });

    test.each(['12', '13', '17.2', 'latest'])('throws when engineVersion is %s', (version) => {
      expect(() => build({ engineVersion: version })).toThrow(
        new RegExp(
          `\`engineVersion\` must be one of the supported PostgreSQL majors 14, 15, 16, 17, 18, got '${version}'`,
        ),
      );
    });

    test.each<[string, string]>([
      ['02:00-03:00', 'sun:02:30-sun:03:30'],
      ['23:30-00:30', 'mon:00:00-mon:00:30'],
      ['02:00-03:00', 'sat:23:00-sun:02:30'],
    ])(
      'throws when the backup window %s overlaps the maintenance window %s',
      (backupWindow, maintenanceWindow) => {
        expect(() =>
          build({ preferredBackupWindow: backupWindow, preferredMaintenanceWindow: maintenanceWindow }),
        ).toThrow(
          `\`preferredMaintenanceWindow\` '${maintenanceWindow}' overlaps \`preferredBackupWindow\` '${backupWindow}': the windows must not overlap`,
        );
      },
    );

    test('throws when a window is malformed or shorter than 30 minutes', () => {
      const message = errorOf({
        preferredBackupWindow: '2am',
        preferredMaintenanceWindow: 'sun:04:00-sun:04:15',
      }).message;
      expect(message).toMatch(
        /`preferredBackupWindow` must be a UTC window 'hh:mm-hh:mm' of at least 30 minutes, got '2am'/,
      );
      expect(message).toMatch(
        /`preferredMaintenanceWindow` must be a UTC window .* got 'sun:04:00-sun:04:15'/,
      );
    });

    test('throws when removalPolicy is DESTROY without acceptDataLoss', () => {
      expect(() => build({ removalPolicy: RemovalPolicy.DESTROY })).toThrow(
        /`removalPolicy` must be SNAPSHOT or RETAIN, got DESTROY, .* set `acceptDataLoss: true`/,
      );
    });

    test('throws when removalPolicy is RETAIN_ON_UPDATE_OR_DELETE', () => {
      expect(() => build({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE })).toThrow(
        /`removalPolicy` must be SNAPSHOT, RETAIN or .* got RETAIN_ON_UPDATE_OR_DELETE/,
      );
    });

    test.each(['postgres', 'admin', 'Admin_1', '1user', 'scheduling-admin'])(
      'throws when adminUsername is %s',
      (name) => {
        expect(() => build({ adminUsername: name })).toThrow(
          new RegExp(`\`adminUsername\` must be .* not a well-known name .* got '${name}'`),
        );
      },
    );

    test('throws when the storage ceiling is below the allocation', () => {
      expect(() => build({ allocatedStorageGiB: 200, maxAllocatedStorageGiB: 100 })).toThrow(
        /`maxAllocatedStorageGiB` \(100\) must be at least `allocatedStorageGiB` \(200\)/,
      );
    });

    test('throws when the log retention is unlimited', () => {
      expect(() => build({ logRetention: logs.RetentionDays.INFINITE })).toThrow(
        /`logRetention` must be at most/,
      );
    });

    test('throws when the rotation interval is not whole days from 1 to 365', () => {
      expect(() => build({ rotationInterval: Duration.hours(36) })).toThrow(
        /`rotationInterval` must be a whole number of days between 1 and 365, got 1.5 days/,
      );
    });

    test('throws when instanceIdentifier is not a valid identifier', () => {
      expect(() => build({ instanceIdentifier: 'Bookings--DB' })).toThrow(
        /`instanceIdentifier` must be .* got 'Bookings--DB'/,
      );
    });

    test('reports every problem at once', () => {
      const error = errorOf({
        port: 5432,
        backupRetention: Duration.days(1),
        engineVersion: '11',
        publiclyAccessible: true,
      });
      expect(error.code).toBe('INVALID_PROP');
      expect(error.constructPath).toBe('Test/Database');
      expect(error.problems).toHaveLength(4);
      for (const prop of ['port', 'backupRetention', 'engineVersion', 'publiclyAccessible']) {
        expect(error.message).toContain(`\`${prop}\``);
      }
    });
  });
});
