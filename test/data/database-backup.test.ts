/* eslint-disable @typescript-eslint/no-explicit-any */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
} from 'cdk-nag';
import {
  AlertTopic,
  DatabaseBackup,
  DatabaseBackupProps,
  DatabaseEvents,
  LogEncryptionKey,
  OutboundDnsFirewall,
  recordedAcknowledgements,
  SchedulingChecklistChecks,
  SchedulingDatabase,
  SchedulingNetwork,
  VaultLockMode,
} from '../../lib';
import { statefulChanges } from '../../lib/guard/stateful-changes';
import { only, testStack } from '../support/app';

const COPY_VAULT = 'arn:aws:backup:eu-central-1:222222222222:backup-vault:scheduling-copy';

function build(props: Partial<DatabaseBackupProps> = {}): { stack: Stack; backup: DatabaseBackup } {
  const stack = testStack();
  const network = new SchedulingNetwork(stack, 'Network');
  const database = new SchedulingDatabase(stack, 'Database', {
    vpc: network.vpc,
    vpcSubnets: network.dataSubnets,
    rotationSubnets: network.appSubnets,
  });
  const alerts = new AlertTopic(stack, 'Alerts');
  // The network as the stack builds it: outbound DNS is an allow-list (checklist C8).
  new OutboundDnsFirewall(stack, 'DnsFirewall', {
    vpc: network.vpc,
    encryptionKey: new LogEncryptionKey(stack, 'LogKey').key,
    alerts,
  });
  const backup = new DatabaseBackup(stack, 'Backup', {
    instance: database.instance,
    alertTopic: alerts.topic,
    restoreSubnetGroup: database.subnetGroup,
    vpc: network.vpc,
    databaseKey: database.encryptionKey,
    ...props,
  });
  new DatabaseEvents(stack, 'DatabaseEvents', { instance: database.instance, topic: alerts.topic });
  return { stack, backup };
}

describe('DatabaseBackup', () => {
  let stack: Stack;
  let backup: DatabaseBackup;
  let template: Template;
  let vaultId: string;
  let vault: any;
  let instanceId: string;
  let roleId: string;
  let rules: any[];

  beforeAll(() => {
    ({ stack, backup } = build());
    template = Template.fromStack(stack);
    [vaultId, vault] = only(template, 'AWS::Backup::BackupVault');
    [instanceId] = only(template, 'AWS::RDS::DBInstance');
    [roleId] = Object.entries(
      template.findResources('AWS::IAM::Role', {
        Properties: {
          AssumeRolePolicyDocument: Match.objectLike({
            Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })],
          }),
        },
      }),
    )[0];
    rules = only(template, 'AWS::Backup::BackupPlan')[1].Properties.BackupPlan.BackupPlanRule;
  });

  describe('vault (checklist C6)', () => {
    test('is encrypted with its own key, which rotates and is retained', () => {
      const keys = template.findResources('AWS::KMS::Key', {
        Properties: { Description: Match.stringLikeRegexp('backup vault') },
      });
      const [keyId] = Object.keys(keys);
      expect(Object.keys(keys)).toHaveLength(1);
      expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      template.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({
          Description: Match.stringLikeRegexp('backup vault'),
          EnableKeyRotation: true,
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      // Not the database's key: losing or disabling one does not take both copies.
      expect(JSON.stringify(vault.Properties.EncryptionKeyArn)).not.toContain('DatabaseKey');
    });

    test('denies deleting recovery points and shortening their lifecycle, to everyone', () => {
      expect(vault.Properties.AccessPolicy.Statement).toEqual([
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
          Resource: '*',
        },
      ]);
    });

    test('is retained when the stack is deleted or the vault replaced', () => {
      expect([vault.DeletionPolicy, vault.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    });

    // AWS Backup Developer Guide, vault-lock.html ("Vault lock modes"): a lock without ChangeableForDays is in
    // governance mode; with it, it turns into compliance mode at the lock date.
    test('is locked in governance mode by default, for the daily retention (the shortest rule)', () => {
      expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 35 });
      expect(backup.vaultLockMode).toBe(VaultLockMode.GOVERNANCE);
    });

    test('exposes the vault, its key, the plan and the selection', () => {
      expect(backup.vault.backupVaultName).toBeDefined();
      expect(backup.vaultKey.keyArn).toBeDefined();
      expect(backup.plan.backupPlanId).toBeDefined();
      expect(backup.selection.selectionId).toBeDefined();
    });
  });

  describe('plan (checklist C6)', () => {
    test('keeps daily recovery points 35 days and weekly ones 13 weeks, in the vault', () => {
      expect(rules).toEqual([
        expect.objectContaining({
          RuleName: 'Daily',
          ScheduleExpression: 'cron(0 3 * * ? *)',
          Lifecycle: { DeleteAfterDays: 35 },
          TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
        }),
        expect.objectContaining({
          RuleName: 'Weekly',
          ScheduleExpression: 'cron(0 3 ? * SUN *)',
          Lifecycle: { DeleteAfterDays: 91 },
          TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
        }),
      ]);
    });

    test('starts after the RDS backup window (02:00-03:00) and copies nothing by default', () => {
      for (const rule of rules) {
        expect(rule.StartWindowMinutes).toBe(60);
        expect(rule.CompletionWindowMinutes).toBe(480);
        expect(rule.CopyActions).toBeUndefined();
      }
    });

    test('has a name of its own', () => {
      const plan = only(template, 'AWS::Backup::BackupPlan')[1];
      expect(plan.Properties.BackupPlan.BackupPlanName).toMatch(/^TestBackup[0-9A-F]{8}$/);
    });

    test('selects the database, with the backup role', () => {
      template.hasResourceProperties('AWS::Backup::BackupSelection', {
        BackupSelection: {
          SelectionName: 'Database',
          IamRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
          Resources: [
            {
              'Fn::Join': ['', ['arn:aws:rds:eu-west-1:111111111111:db:', { Ref: instanceId }]],
            },
          ],
        },
      });
    });

    test('the role may back up and restore, and only AWS Backup may assume it', () => {
      const role = template.findResources('AWS::IAM::Role')[roleId];
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
        'AWSBackupServiceRolePolicyForBackup',
      );
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
        'AWSBackupServiceRolePolicyForRestores',
      );
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
    });

    test('dailyRetention and weeklyRetention set the lifecycles', () => {
      const t = Template.fromStack(
        build({ dailyRetention: Duration.days(14), weeklyRetention: Duration.days(365) }).stack,
      );
      const planRules = only(t, 'AWS::Backup::BackupPlan')[1].Properties.BackupPlan.BackupPlanRule;
      expect(planRules.map((r: any) => r.Lifecycle.DeleteAfterDays)).toEqual([14, 365]);
    });
  });

  describe('restore testing (checklist C6)', () => {
    test('restores the latest snapshot of the week every Saturday', () => {
      template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
        ScheduleExpression: 'cron(0 6 ? * SAT *)',
        StartWindowHours: 8,
        RecoveryPointSelection: {
          Algorithm: 'LATEST_WITHIN_WINDOW',
          IncludeVaults: [{ 'Fn::GetAtt': [vaultId, 'BackupVaultArn'] }],
          RecoveryPointTypes: ['SNAPSHOT'],
          SelectionWindowDays: 7,
        },
      });
    });

    test('restores the database into its isolated subnets, single-AZ, private, behind a group that lets nothing in', () => {
      const [planId] = only(template, 'AWS::Backup::RestoreTestingPlan');
      const [, selection] = only(template, 'AWS::Backup::RestoreTestingSelection');
      const [subnetGroupId] = only(template, 'AWS::RDS::DBSubnetGroup');
      const [groupId] = Object.keys(
        template.findResources('AWS::EC2::SecurityGroup', {
          Properties: { GroupDescription: Match.stringLikeRegexp('^Restore tests') },
        }),
      );
      expect(selection.Properties).toEqual({
        RestoreTestingPlanName: { Ref: planId },
        RestoreTestingSelectionName: 'Database',
        ProtectedResourceType: 'RDS',
        ProtectedResourceArns: [
          {
            'Fn::Join': ['', ['arn:aws:rds:eu-west-1:111111111111:db:', { Ref: instanceId }]],
          },
        ],
        IamRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        ValidationWindowHours: 4,
        RestoreMetadataOverrides: {
          multiaz: 'false',
          publiclyaccessible: 'false',
          dbsubnetgroupname: { Ref: subnetGroupId },
          vpcsecuritygroupids: { 'Fn::Join': ['', ['["', { 'Fn::GetAtt': [groupId, 'GroupId'] }, '"]']] },
        },
      });
      const group = template.findResources('AWS::EC2::SecurityGroup')[groupId];
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      expect(group.Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
      ]);
    });

    test('restoreTesting: false leaves restore tests out', () => {
      const off = build({ restoreTesting: false });
      const t = Template.fromStack(off.stack);
      t.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
      t.resourceCountIs('AWS::Backup::RestoreTestingSelection', 0);
      expect(off.backup.restoreTestingPlan).toBeUndefined();
    });
  });

  describe('failure alerts', () => {
    test('failed, aborted or expired backup and copy jobs, failed restores and failed validations go to the alert topic', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        State: 'ENABLED',
        EventPattern: {
          source: ['aws.backup'],
          'detail-type': ['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change'],
          detail: {
            $or: [
              { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
              { status: ['FAILED', 'ABORTED'] },
              { validationStatus: ['FAILED', 'TIMED_OUT'] },
            ],
          },
        },
        Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Alerts') } })],
      });
    });
  });

  describe('lock and copy', () => {
    let locked: Template;

    beforeAll(() => {
      locked = Template.fromStack(
        build({ vaultLockMinRetention: Duration.days(30), copyToVaultArn: COPY_VAULT }).stack,
      );
    });

    test('vaultLockMinRetention alone keeps its meaning: compliance mode after a 3-day grace time', () => {
      locked.hasResourceProperties('AWS::Backup::BackupVault', {
        LockConfiguration: { MinRetentionDays: 30, ChangeableForDays: 3 },
      });
    });

    test.each<[string, Partial<DatabaseBackupProps>, unknown]>([
      [
        'compliance for the daily retention',
        { vaultLockMode: VaultLockMode.COMPLIANCE },
        { MinRetentionDays: 35, ChangeableForDays: 3 },
      ],
      [
        'governance with a minimum retention of its own',
        { vaultLockMode: VaultLockMode.GOVERNANCE, vaultLockMinRetention: Duration.days(14) },
        { MinRetentionDays: 14 },
      ],
      [
        'the daily retention as the governance minimum',
        { dailyRetention: Duration.days(14) },
        { MinRetentionDays: 14 },
      ],
      ['no lock, by explicit opt-out', { vaultLockMode: VaultLockMode.NONE }, undefined],
    ])('vaultLockMode: %s', (_name, props, expected) => {
      const [, v] = only(Template.fromStack(build(props).stack), 'AWS::Backup::BackupVault');
      expect(v.Properties.LockConfiguration).toEqual(expected);
    });

    test('moving between lock modes updates the vault in place, never replacing it', () => {
      // LockConfiguration is not a create-only property of AWS::Backup::BackupVault (its CloudFormation
      // resource schema lists BackupVaultName and EncryptionKeyArn only), so CloudFormation updates it in place.
      const report = statefulChanges(template.toJSON(), locked.toJSON());
      expect(report.changes.filter((c) => c.resourceType === 'AWS::Backup::BackupVault')).toEqual([]);
      expect(report.ok).toBe(true);
    });

    const copyStatements = (t: Template) =>
      Object.values(t.findResources('AWS::KMS::Key'))
        .flatMap((k: any) => k.Properties.KeyPolicy.Statement)
        .filter((st: any) => /^BackupCopyAccount/.test(st.Sid ?? ''));

    // RDS User Guide, share-encrypted-snapshot.html and AWS Backup Developer Guide, create-cross-account-backup.html:
    // the destination account copies the snapshot, still encrypted with the database's key, so that key must let
    // it describe the key and grant RDS its use. The access-path matrix evaluates this statement
    // (test/access-paths.test.ts, docs/examples/two-account-backup.ts).
    test('a copy to another account lets that account describe the database key and grant it to AWS resources', () => {
      const statements = copyStatements(locked);
      expect(statements).toEqual([
        expect.objectContaining({
          Sid: 'BackupCopyAccountDescribesKey',
          Action: 'kms:DescribeKey',
          Principal: { AWS: expect.stringContaining(':222222222222:root') },
        }),
        expect.objectContaining({
          Sid: 'BackupCopyAccountGrantsToAwsResources',
          Action: 'kms:CreateGrant',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      ]);
      expect(JSON.stringify(statements)).not.toContain('kms:Decrypt');
    });

    test('a copy to another region of the same account changes no key policy', () => {
      const otherRegion = 'arn:aws:backup:eu-central-1:111111111111:backup-vault:scheduling-copy';
      expect(copyStatements(Template.fromStack(build({ copyToVaultArn: otherRegion }).stack))).toEqual([]);
      expect(copyStatements(template)).toEqual([]);
    });

    test('copyToVaultArn copies every recovery point, with the same retention', () => {
      const planRules = only(locked, 'AWS::Backup::BackupPlan')[1].Properties.BackupPlan.BackupPlanRule;
      expect(planRules.map((r: any) => r.CopyActions)).toEqual([
        [{ DestinationBackupVaultArn: COPY_VAULT, Lifecycle: { DeleteAfterDays: 35 } }],
        [{ DestinationBackupVaultArn: COPY_VAULT, Lifecycle: { DeleteAfterDays: 91 } }],
      ]);
    });
  });

  describe('RDS events', () => {
    test('failure, failover, low storage and maintenance events of the instance go to the alert topic', () => {
      template.hasResourceProperties('AWS::RDS::EventSubscription', {
        Enabled: true,
        SourceType: 'db-instance',
        SourceIds: [{ Ref: instanceId }],
        EventCategories: ['failure', 'failover', 'low storage', 'maintenance'],
        SnsTopicArn: { Ref: Match.stringLikeRegexp('^Alerts') },
      });
    });

    // Whether RDS may publish and use the key is evaluated by a policy engine in test/audit/alert-delivery.test.ts.
    test('the topic lets RDS publish on behalf of this database only, in this account', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'AllowRdsEvents',
              Effect: 'Allow',
              Principal: { Service: 'events.rds.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: {
                ArnLike: {
                  'aws:SourceArn': [
                    { 'Fn::Join': ['', ['arn:aws:rds:eu-west-1:111111111111:db:', { Ref: instanceId }]] },
                  ],
                },
                StringEquals: { 'aws:SourceAccount': '111111111111' },
              },
            }),
          ]),
        },
      });
    });

    test("RDS may use the topic's key whatever keys its KMS request carries (the topic policy names the database)", () => {
      // RDS documents its source keys for the topic policy only; a condition on the key that RDS does not meet
      // would drop every database alert (test/audit/alert-delivery.test.ts evaluates both policies).
      const [, key] = only(template, 'AWS::KMS::Key', {
        KeyPolicy: Match.objectLike({
          Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowRdsEventNotifications' })]),
        }),
      });
      const statement = key.Properties.KeyPolicy.Statement.find(
        (s: { Sid?: string }) => s.Sid === 'AllowRdsEventNotifications',
      );
      expect(statement).toMatchObject({ Principal: { Service: 'events.rds.amazonaws.com' } });
      expect(statement.Condition).toBeUndefined();
    });
  });

  describe('compliance', () => {
    test.each<[string, () => NagPack]>([
      ['HIPAA Security', () => new HIPAASecurityChecks()],
      ['NIST 800-53 R5', () => new NIST80053R5Checks()],
      ['PCI DSS 3.2.1', () => new PCIDSS321Checks()],
      ['SchedulingChecklist', () => new SchedulingChecklistChecks()],
    ])('with the backup, the %s pack finds nothing on the database tier', (_name, pack) => {
      const report = pack().validateScope(stack);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    });

    test('the AwsSolutions pack finds nothing unacknowledged; on the data tier only the backup role is acknowledged', () => {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
      const paths = recordedAcknowledgements(stack)
        .map((a) => a.constructPath)
        .filter((path) => /^Test\/(Database|Backup|DatabaseEvents)\//.test(path));
      expect([...new Set(paths)]).toEqual(['Test/Backup/Role']);
    });
  });

  describe('validation', () => {
    test.each([1, 6])('throws when dailyRetention is %i days', (days) => {
      expect(() => build({ dailyRetention: Duration.days(days) })).toThrow(
        new RegExp(`\`dailyRetention\` must be an integer between 7 and 3650 days, got ${days}`),
      );
    });

    test('throws when weeklyRetention is shorter than two weeks', () => {
      expect(() => build({ weeklyRetention: Duration.days(10) })).toThrow(
        /`weeklyRetention` must be an integer between 14 and 36500 days, got 10/,
      );
    });

    test('throws when weeklyRetention is shorter than dailyRetention', () => {
      expect(() => build({ dailyRetention: Duration.days(60), weeklyRetention: Duration.days(30) })).toThrow(
        /`weeklyRetention` \(30 days\) must be at least `dailyRetention` \(60 days\)/,
      );
    });

    test('throws when copyToVaultArn is not a backup vault ARN', () => {
      expect(() => build({ copyToVaultArn: 'arn:aws:s3:::my-bucket' })).toThrow(
        /`copyToVaultArn` must be a backup vault ARN like arn:aws:backup:.*, got 'arn:aws:s3:::my-bucket'/,
      );
    });

    test('throws when the vault lock is turned off and given a minimum retention', () => {
      expect(() =>
        build({ vaultLockMode: VaultLockMode.NONE, vaultLockMinRetention: Duration.days(7) }),
      ).toThrow(
        /`vaultLockMinRetention` must be left out with `vaultLockMode` 'none' \(no lock\), got 7 days/,
      );
    });

    test('throws when vaultLockMode is not a mode', () => {
      expect(() => build({ vaultLockMode: 'legal-hold' as VaultLockMode })).toThrow(
        /`vaultLockMode` must be one of 'governance', 'compliance', 'none', got 'legal-hold'/,
      );
    });

    test('throws when the copy vault is in the same account and region as the stack', () => {
      const beside = 'arn:aws:backup:eu-west-1:111111111111:backup-vault:scheduling-copy';
      expect(() => build({ copyToVaultArn: beside })).toThrow(
        /`copyToVaultArn` must name a vault in another account or region than this stack \(111111111111, eu-west-1\), got 'arn:aws:backup:eu-west-1:111111111111/,
      );
    });

    test('throws when the vault lock would outlast the daily retention', () => {
      expect(() => build({ vaultLockMinRetention: Duration.days(90) })).toThrow(
        /`vaultLockMinRetention` \(90 days\) must not exceed `dailyRetention` \(35 days\)/,
      );
    });
  });
});

describe('DatabaseBackup restore validation (checklist C6)', () => {
  /** The stack of `build`, with the database's master secret given (which turns validation on). */
  function buildValidated(props: Partial<DatabaseBackupProps> = {}): {
    stack: Stack;
    backup: DatabaseBackup;
  } {
    const stack = testStack();
    const network = new SchedulingNetwork(stack, 'Network');
    const database = new SchedulingDatabase(stack, 'Database', {
      vpc: network.vpc,
      vpcSubnets: network.dataSubnets,
      rotationSubnets: network.appSubnets,
    });
    const backup = new DatabaseBackup(stack, 'Backup', {
      instance: database.instance,
      alertTopic: new AlertTopic(stack, 'Alerts').topic,
      restoreSubnetGroup: database.subnetGroup,
      vpc: network.vpc,
      databaseKey: database.encryptionKey,
      masterSecret: database.secret,
      databaseName: database.databaseName,
      databasePort: database.port,
      validationSubnets: network.appSubnets,
      ...props,
    });
    return { stack, backup };
  }

  let template: Template;
  let backup: DatabaseBackup;
  let functionId: string;
  let fn: any;
  let planId: string;
  let restoreGroupId: string;
  let validationGroupId: string;

  beforeAll(() => {
    let stack: Stack;
    ({ stack, backup } = buildValidated());
    template = Template.fromStack(stack);
    [functionId, fn] = only(template, 'AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Validates restore tests'),
    });
    [planId] = only(template, 'AWS::Backup::RestoreTestingPlan');
    const group = (description: string) =>
      only(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp(description) })[0];
    restoreGroupId = group('^Restore tests');
    validationGroupId = group('^Restore validation');
  });

  test('a function in the app subnets, told the plan, the master secret, the database and the table', () => {
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [validationGroupId, 'GroupId'] },
    ]);
    expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    // The master secret as the database attached it (its ARN is the secret's).
    const [attachmentId] = only(template, 'AWS::SecretsManager::SecretTargetAttachment');
    expect(fn.Properties.Environment.Variables).toEqual({
      RESTORE_TESTING_PLAN_ARN: { 'Fn::GetAtt': [planId, 'RestoreTestingPlanArn'] },
      MASTER_SECRET_ARN: { Ref: attachmentId },
      DATABASE_NAME: 'scheduling',
      VALIDATION_TABLE: 'users',
    });
    expect(backup.restoreValidation?.function).toBeDefined();
  });

  test("an EventBridge rule on this plan's completed restore jobs invokes it", () => {
    const [, rule] = only(template, 'AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        'detail-type': ['Restore Job State Change'],
        detail: Match.objectLike({ status: ['COMPLETED'] }),
      }),
    });
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.backup'],
      'detail-type': ['Restore Job State Change'],
      detail: {
        status: ['COMPLETED'],
        restoreTestingPlanArn: [{ 'Fn::GetAtt': [planId, 'RestoreTestingPlanArn'] }],
      },
    });
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] }, RetryPolicy: expect.anything() }),
    ]);
  });

  test('the restored copy admits the function on the database port only; the function reaches it and HTTPS only', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (r: any) =>
        JSON.stringify(r.Properties.GroupId) ===
        JSON.stringify({ 'Fn::GetAtt': [restoreGroupId, 'GroupId'] }),
    );
    expect(ingress.map((r: any) => r.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 5438,
        ToPort: 5438,
        SourceSecurityGroupId: { 'Fn::GetAtt': [validationGroupId, 'GroupId'] },
      }),
    ]);
    const restoreGroup = template.findResources('AWS::EC2::SecurityGroup')[restoreGroupId];
    expect(restoreGroup.Properties.SecurityGroupIngress).toBeUndefined();
    expect(restoreGroup.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
    ]);
    const validationGroup = template.findResources('AWS::EC2::SecurityGroup')[validationGroupId];
    expect(validationGroup.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map(
      (r: any) => r.Properties,
    );
    expect(egress).toContainEqual(
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [validationGroupId, 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [restoreGroupId, 'GroupId'] },
        FromPort: 5438,
        ToPort: 5438,
      }),
    );
  });

  test('the role describes databases, reads the master secret, reports the verdict, writes its log', () => {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    // Its own policies, and the stack's network-interface policy it is given (ManagedPolicyArns).
    const attached = JSON.stringify(
      template.findResources('AWS::IAM::Role')[roleId].Properties.ManagedPolicyArns,
    );
    const statements = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
      .concat(Object.entries(template.findResources('AWS::IAM::Policy')))
      .filter(
        ([id, p]: [string, any]) =>
          JSON.stringify(p.Properties.Roles ?? []).includes(roleId) || attached.includes(`"${id}"`),
      )
      .flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement);
    // The dead-letter target: Lambda publishes a run it gave up on to the alert topic, as the function's role.
    const unnamed = statements.filter((s: any) => s.Sid === undefined);
    expect(unnamed).toEqual([expect.objectContaining({ Action: 'sns:Publish', Effect: 'Allow' })]);
    const bySid = Object.fromEntries(statements.filter((s: any) => s.Sid).map((s: any) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'AttachToTheVpc',
      'DecryptMasterSecret',
      'DescribeRestoredDatabases',
      'ReadMasterSecret',
      'ReportTheVerdict',
      'WriteOwnLog',
    ]);
    expect(bySid.DescribeRestoredDatabases).toEqual(
      expect.objectContaining({
        Action: ['rds:DescribeDBClusters', 'rds:DescribeDBInstances'],
        Resource: '*',
      }),
    );
    expect(bySid.ReadMasterSecret.Action).toBe('secretsmanager:GetSecretValue');
    expect(bySid.DecryptMasterSecret.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
    });
    expect(bySid.ReportTheVerdict).toEqual(
      expect.objectContaining({ Action: 'backup:PutRestoreValidationResult', Resource: '*' }),
    );
  });

  test('its log group is encrypted, limited in time and retained', () => {
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
    const logGroup = template.findResources('AWS::Logs::LogGroup')[logGroupId];
    expect(logGroup.DeletionPolicy).toBe('Retain');
    expect(logGroup.Properties.RetentionInDays).toBe(90);
    expect(logGroup.Properties.KmsKeyId).toBeDefined();
  });

  test('no function without restore testing', () => {
    const off = Template.fromStack(buildValidated({ restoreTesting: false }).stack);
    expect(
      Object.keys(
        off.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp('^Validates') },
        }),
      ),
    ).toEqual([]);
  });

  test('no function without a vpc', () => {
    const { stack, backup: noVpc } = buildValidated({ vpc: undefined });
    expect(noVpc.restoreValidation).toBeUndefined();
    const t = Template.fromStack(stack);
    expect(
      Object.keys(
        t.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp('^Validates') },
        }),
      ),
    ).toEqual([]);
  });

  test('throws when validationTable is not a table name', () => {
    expect(() => buildValidated({ validationTable: 'users; DROP TABLE users' })).toThrow(
      /`validationTable` must be a table name, optionally schema-qualified .*got 'users; DROP TABLE users'/,
    );
  });
});
