import * as path from 'node:path';
import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { sendEventsToTopic } from '../audit/alert-topic';
import { LogEncryptionKey } from '../audit/log-encryption-key';
import { acknowledge } from '../compliance/acknowledgements';
import { BUNDLE_FILE, bundledHandlerCode } from '../private/bundled-handler';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Problems } from '../private/problems';
import { DEFAULT_VALIDATION_TABLE, RESTORE_VALIDATION_ENVIRONMENT } from './restore-validation-contract';
import {
  DEFAULT_DATABASE_NAME,
  DEFAULT_DATABASE_PORT,
  COMPLIANCE_LOCK_GRACE_DAYS,
  DAILY_BACKUP_HOUR_UTC,
  DEFAULT_DAILY_RETENTION_DAYS,
  DEFAULT_WEEKLY_RETENTION_WEEKS,
  RESTORE_TEST_SCHEDULE,
  RESTORE_TEST_SELECTION_WINDOW_DAYS,
  RESTORE_TEST_VALIDATION_HOURS,
} from './database-defaults';
import { admitSnsPublisher, SeparatedDutiesKey } from '../private/separated-key';
import { allowVpcNetworkInterfaces } from '../private/vpc-function-network';

/** The restore validation function's runtime: the latest Node.js Lambda offers (AwsSolutions-L1). */
const RESTORE_VALIDATION_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** A run connects (up to three tries), counts and reports: well within a minute, unless the database hangs. */
const RESTORE_VALIDATION_TIMEOUT = Duration.minutes(2);
/** A table name the function is given: optionally schema-qualified, letters, digits and underscores. */
const TABLE_NAME = /^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A backup vault ARN: `arn:aws:backup:<region>:<account>:backup-vault:<name>`. */
const BACKUP_VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}):backup-vault:[A-Za-z0-9_-]{2,50}$/;

/**
 * How AWS Backup Vault Lock holds a vault (AWS Backup Developer Guide, vault-lock.html). Either mode refuses to
 * delete a recovery point younger than the lock's minimum retention, or to shorten its retention, and refuses
 * backup and copy jobs whose retention is shorter.
 */
export enum VaultLockMode {
  /**
   * A lock without a lock date: a principal allowed `backup:DeleteBackupVaultLockConfiguration` can remove it,
   * nobody else. Stops stolen credentials without that permission; changing it is an in-place update.
   */
  GOVERNANCE = 'governance',
  /**
   * A lock that becomes immutable after a 3-day grace time: then no one, not even the account's root user,
   * can remove or change it, and CloudFormation can no longer change the lock either.
   */
  COMPLIANCE = 'compliance',
  /** No lock: only the vault policy's deny of deletes protects the recovery points. An explicit opt-out. */
  NONE = 'none',
}

/**
 * The `LockConfiguration` of a vault locked in `mode` with `minRetention`: governance mode is a lock without
 * `ChangeableForDays`, compliance mode one with it (AWS Backup Developer Guide, vault-lock.html, "Vault lock
 * modes"; AWS::Backup::BackupVault LockConfigurationType).
 */
export function lockConfiguration(
  mode: VaultLockMode,
  minRetention: Duration,
): backup.LockConfiguration | undefined {
  if (mode === VaultLockMode.NONE) return undefined;
  return mode === VaultLockMode.COMPLIANCE
    ? { minRetention, changeableFor: Duration.days(COMPLIANCE_LOCK_GRACE_DAYS) }
    : { minRetention };
}

/** The region and account of a backup vault ARN, or undefined when it is a token or not a vault ARN. */
export function vaultArnParts(arn: string): { region: string; account: string } | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const m = BACKUP_VAULT_ARN.exec(arn);
  return m ? { region: m[1], account: m[2] } : undefined;
}

export interface DatabaseBackupProps {
  /**
   * The database instance to back up and to test restores of; give it or `cluster`.
   * @default - none: `cluster` is required
   */
  readonly instance?: rds.IDatabaseInstance;

  /**
   * The Aurora cluster to back up and to test restores of; give it or `instance`.
   * @default - none: `instance` is required
   */
  readonly cluster?: rds.IDatabaseCluster;

  /** Topic that is told when a backup, copy or restore test fails. */
  readonly alertTopic: sns.ITopic;

  /**
   * How long daily recovery points are kept.
   * @default Duration.days(35)
   */
  readonly dailyRetention?: Duration;

  /**
   * How long weekly recovery points are kept.
   * @default Duration.days(91) (13 weeks)
   */
  readonly weeklyRetention?: Duration;

  /**
   * ARN of a backup vault in another region or account that receives a copy of every recovery point
   * (checklist C6: separate storage). The vault must let this account copy into it.
   * @default - no copy
   */
  readonly copyToVaultArn?: string;

  /**
   * The key that encrypts the database. AWS Backup's recovery points of RDS are snapshots encrypted with it, so
   * when `copyToVaultArn` is in another account, its policy is extended to let that account use it for the
   * copy (`kms:DescribeKey`, and `kms:CreateGrant` for AWS resources only).
   * @default - the key's policy is left as it is: a copy to another account fails unless it admits that account
   */
  readonly databaseKey?: kms.IKey;

  /**
   * Minimum retention of the Vault Lock: no recovery point younger than this can be deleted or have its
   * retention shortened, and backup jobs with a shorter retention are refused. At most `dailyRetention`.
   * @default - `dailyRetention`, the shortest retention of the plan's rules
   */
  readonly vaultLockMinRetention?: Duration;

  /**
   * How the vault is locked (AWS Backup Vault Lock): `GOVERNANCE` can be removed by a principal allowed
   * `backup:DeleteBackupVaultLockConfiguration`; `COMPLIANCE` becomes immutable after a 3-day grace time, even
   * for the root user; `NONE` leaves the vault unlocked. A vault locked in compliance mode past its grace time
   * cannot be moved to another mode.
   * @default - `COMPLIANCE` when `vaultLockMinRetention` is given (as before the mode could be chosen), else `GOVERNANCE`
   */
  readonly vaultLockMode?: VaultLockMode;

  /**
   * Restore the latest recovery point every week into a throw-away instance, check it becomes available,
   * then delete it. Costs the restored instance's hours (see docs/cost.md).
   * @default true
   */
  readonly restoreTesting?: boolean;

  /**
   * Subnet group restore tests restore into.
   * @default - the one AWS Backup infers from the recovery point
   */
  readonly restoreSubnetGroup?: rds.ISubnetGroup;

  /**
   * VPC for the security group of restored test instances (which lets nothing in).
   * @default - restored instances get the security groups AWS Backup infers
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The database's master secret (JSON with `username` and `password`). With restore testing and `vpc`, it turns
   * on the validation of each restore test: a function in the VPC connects to the restored copy as the master
   * user over verified TLS, counts the rows of `validationTable` and reports SUCCESSFUL (with the count) or
   * FAILED (with the reason) to AWS Backup; a FAILED or timed-out validation is alerted. The secret must be
   * encrypted with `databaseKey`.
   * @default - no validation: a restore test checks only that the restored database becomes available
   */
  readonly masterSecret?: secretsmanager.ISecret;

  /**
   * The database the validation connects to on the restored copy.
   * @default 'scheduling'
   */
  readonly databaseName?: string;

  /**
   * The port of the database, which its restored copy keeps.
   * @default 5438
   */
  readonly databasePort?: number;

  /**
   * The table whose rows the validation counts, optionally schema-qualified (`public.users`); its absence fails
   * the validation.
   * @default 'users' (Cal.com's users, `@@map(name: "users")` in its Prisma schema)
   */
  readonly validationTable?: string;

  /**
   * Subnets of the validation function. They need a way to the restored database (in the VPC) and to the
   * RDS, Secrets Manager and AWS Backup APIs (a NAT gateway or interface endpoints).
   * @default - the VPC's private subnets with egress
   */
  readonly validationSubnets?: ec2.SubnetSelection;

  /**
   * Key that encrypts the validation function's log group.
   * @default - a new `LogEncryptionKey`
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * How long the validation function's log is kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * AWS Backup for the scheduling database (checklist C6): daily and weekly recovery points in a dedicated
 * vault encrypted with its own key, whose policy denies deleting recovery points; optional Vault Lock and
 * optional copy to a vault in another region or account; weekly restore tests; and an alert on any failed
 * backup, copy or restore job.
 */
export class DatabaseBackup extends Construct {
  /** The vault. */
  public readonly vault: backup.BackupVault;
  /** Key of the vault. */
  public readonly vaultKey: kms.Key;
  /** The plan. */
  public readonly plan: backup.BackupPlan;
  /** The selection of the database in the plan. */
  public readonly selection: backup.BackupSelection;
  /** Role AWS Backup backs up and restores with. */
  public readonly role: iam.Role;
  /** The restore testing plan, unless restore testing is off. */
  public readonly restoreTestingPlan?: backup.CfnRestoreTestingPlan;
  /** The restore testing selection of the database, unless restore testing is off. */
  public readonly restoreTestingSelection?: backup.CfnRestoreTestingSelection;
  /** Rule that forwards failed backup, copy and restore jobs to the alert topic. */
  public readonly failureRule: events.Rule;
  /** How the vault is locked. */
  public readonly vaultLockMode: VaultLockMode;
  /** The function that validates each restore test, with its role, security group, log group and rule. */
  public readonly restoreValidation?: {
    readonly function: lambda.Function;
    readonly role: iam.Role;
    readonly securityGroup: ec2.SecurityGroup;
    readonly logGroup: logs.LogGroup;
    readonly rule: events.Rule;
  };

  constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);

    const dailyRetention = props.dailyRetention ?? Duration.days(DEFAULT_DAILY_RETENTION_DAYS);
    const weeklyRetention = props.weeklyRetention ?? Duration.days(DEFAULT_WEEKLY_RETENTION_WEEKS * 7);
    const restoreTesting = props.restoreTesting ?? true;

    const problems = new Problems();
    const dailyDays = dailyRetention.isUnresolved() ? undefined : dailyRetention.toDays({ integral: false });
    const weeklyDays = weeklyRetention.isUnresolved()
      ? undefined
      : weeklyRetention.toDays({ integral: false });
    problems.range('dailyRetention', dailyDays, 7, 3650, 'days');
    problems.range('weeklyRetention', weeklyDays, 14, 36500, 'days');
    problems.check(
      dailyDays !== undefined && weeklyDays !== undefined && weeklyDays < dailyDays,
      `\`weeklyRetention\` (${weeklyDays} days) must be at least \`dailyRetention\` (${dailyDays} days)`,
    );
    const copy = props.copyToVaultArn;
    problems.check(
      copy !== undefined && !Token.isUnresolved(copy) && !BACKUP_VAULT_ARN.test(copy),
      `\`copyToVaultArn\` must be a backup vault ARN like arn:aws:backup:eu-central-1:123456789012:backup-vault:scheduling-copy, got '${copy}'`,
    );
    const copyParts = copy === undefined ? undefined : vaultArnParts(copy);
    const { account, region } = Stack.of(this);
    problems.check(
      copyParts !== undefined &&
        !Token.isUnresolved(account) &&
        !Token.isUnresolved(region) &&
        copyParts.account === account &&
        copyParts.region === region,
      `\`copyToVaultArn\` must name a vault in another account or region than this stack (${account}, ${region}), got '${copy}': a copy beside the original is no separate storage`,
    );
    this.vaultLockMode =
      props.vaultLockMode ??
      (props.vaultLockMinRetention ? VaultLockMode.COMPLIANCE : VaultLockMode.GOVERNANCE);
    const modes = Object.values(VaultLockMode) as string[];
    problems.check(
      !modes.includes(this.vaultLockMode),
      `\`vaultLockMode\` must be one of ${modes.map((m) => `'${m}'`).join(', ')}, got '${this.vaultLockMode}'`,
    );
    problems.check(
      this.vaultLockMode === VaultLockMode.NONE && props.vaultLockMinRetention !== undefined,
      `\`vaultLockMinRetention\` must be left out with \`vaultLockMode\` 'none' (no lock), got ${props.vaultLockMinRetention?.toDays({ integral: false })} days`,
    );
    const lock = props.vaultLockMinRetention ?? dailyRetention;
    const lockDays = lock.isUnresolved() ? undefined : lock.toDays({ integral: false });
    problems.range('vaultLockMinRetention', lockDays, 1, 36500, 'days');
    problems.check(
      lockDays !== undefined && dailyDays !== undefined && lockDays > dailyDays,
      `\`vaultLockMinRetention\` (${lockDays} days) must not exceed \`dailyRetention\` (${dailyDays} days): the lock would refuse the plan's own recovery points`,
    );
    problems.check(
      (props.instance === undefined) === (props.cluster === undefined),
      `exactly one of \`instance\` and \`cluster\` must be given, got ${props.instance ? 'both' : 'neither'}`,
    );
    const validationTable = props.validationTable ?? DEFAULT_VALIDATION_TABLE;
    problems.check(
      !Token.isUnresolved(validationTable) && !TABLE_NAME.test(validationTable),
      `\`validationTable\` must be a table name, optionally schema-qualified (letters, digits and underscores, like 'users' or 'public.users'), got '${validationTable}'`,
    );
    const validates = restoreTesting && props.vpc !== undefined && props.masterSecret !== undefined;
    problems.check(
      validates && props.databaseKey === undefined,
      '`databaseKey` must be given with `masterSecret`: the validation decrypts the master secret with it',
    );
    if (validates) problems.retention('logRetention', props.logRetention ?? DEFAULT_LOG_RETENTION);
    problems.throwIfAny(this);

    this.vaultKey = new SeparatedDutiesKey(this, 'VaultKey', {
      description: 'Encrypts the recovery points of the scheduling database backup vault',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
      // Creating the vault uses the key through AWS Backup with the creator's credentials (CloudFormation's).
      usableThrough: ['backup'],
    });

    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: this.vaultKey,
      // Denies backup:DeleteRecoveryPoint and backup:UpdateRecoveryPointLifecycle to everyone: recovery points
      // leave the vault only when their retention ends.
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Vault Lock (checklist C6): stolen administrator credentials cannot delete recovery points or shorten
      // their retention. Changing the lock updates the vault in place (LockConfiguration is not create-only).
      lockConfiguration: lockConfiguration(this.vaultLockMode, lock),
    });

    if (copyParts !== undefined && !Token.isUnresolved(account) && copyParts.account !== account) {
      // The copy to another account is made from the RDS snapshot, still encrypted with the database's key: the
      // destination account needs to describe it and grant RDS its use (RDS User Guide, "Sharing a DB snapshot",
      // share-encrypted-snapshot.html; AWS Backup Developer Guide, create-cross-account-backup.html).
      const destination = new iam.AccountPrincipal(copyParts.account);
      props.databaseKey?.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'BackupCopyAccountDescribesKey',
          principals: [destination],
          actions: ['kms:DescribeKey'],
          resources: ['*'],
        }),
      );
      props.databaseKey?.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'BackupCopyAccountGrantsToAwsResources',
          principals: [destination],
          actions: ['kms:CreateGrant'],
          resources: ['*'],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      );
    }

    const copyTarget = copy ? backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', copy) : undefined;
    const rule = (ruleName: string, schedule: events.Schedule, deleteAfter: Duration) =>
      new backup.BackupPlanRule({
        ruleName,
        scheduleExpression: schedule,
        // After the RDS backup window, before the maintenance window.
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(8),
        deleteAfter,
        copyActions: copyTarget ? [{ destinationBackupVault: copyTarget, deleteAfter }] : undefined,
      });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      // Unique in the account and region, so two deployments side by side tell their plans apart.
      backupPlanName: Names.uniqueId(this).slice(-50),
      backupVault: this.vault,
      backupPlanRules: [
        rule(
          'Daily',
          events.Schedule.cron({ minute: '0', hour: `${DAILY_BACKUP_HOUR_UTC}` }),
          dailyRetention,
        ),
        // On Sundays both rules fire at the same time; AWS Backup then keeps one recovery point, with the
        // longer retention.
        rule(
          'Weekly',
          events.Schedule.cron({ minute: '0', hour: `${DAILY_BACKUP_HOUR_UTC}`, weekDay: 'SUN' }),
          weeklyRetention,
        ),
      ],
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'Backs up the scheduling database and restores it in restore tests',
    });
    acknowledge(this.role, 'backupServiceRole');
    this.selection = this.plan.addSelection('Database', {
      // A name of its own for a cluster, so moving a deployment between engines replaces the selection
      // instead of colliding with the old one's name.
      backupSelectionName: props.cluster ? 'DatabaseCluster' : undefined,
      resources: [
        props.cluster
          ? backup.BackupResource.fromRdsDatabaseCluster(props.cluster)
          : backup.BackupResource.fromRdsDatabaseInstance(props.instance!),
      ],
      role: this.role,
      allowRestores: true,
    });

    if (restoreTesting) {
      const name = Names.uniqueId(this).slice(-45);
      this.restoreTestingPlan = new backup.CfnRestoreTestingPlan(this, 'RestoreTestingPlan', {
        restoreTestingPlanName: name,
        scheduleExpression: RESTORE_TEST_SCHEDULE,
        startWindowHours: 8,
        recoveryPointSelection: {
          algorithm: 'LATEST_WITHIN_WINDOW',
          includeVaults: [this.vault.backupVaultArn],
          recoveryPointTypes: ['SNAPSHOT'],
          selectionWindowDays: RESTORE_TEST_SELECTION_WINDOW_DAYS,
        },
      });
      // A restored cluster has no instances (AWS Backup restores the cluster only), so it has neither a
      // standby nor a public address to turn off.
      const overrides: Record<string, string> = props.cluster
        ? {}
        : { multiaz: 'false', publiclyaccessible: 'false' };
      if (props.restoreSubnetGroup) {
        overrides.dbsubnetgroupname = props.restoreSubnetGroup.subnetGroupName;
      }
      let restoreGroup: ec2.SecurityGroup | undefined;
      if (props.vpc) {
        // Restored test instances are reachable by no one but the validation function: a security group without
        // outbound rules, whose only inbound rule (with validation) admits that function on the database port.
        restoreGroup = new ec2.SecurityGroup(this, 'RestoreTestSecurityGroup', {
          vpc: props.vpc,
          // The description is create-only: a stack that turns validation on or off replaces this group (it
          // holds no data), and the restore testing selection follows.
          description: validates
            ? 'Restore tests of the scheduling database: in from the restore validation only, nothing out'
            : 'Restore tests of the scheduling database: nothing in, nothing out',
          allowAllOutbound: false,
        });
        overrides.vpcsecuritygroupids = Stack.of(this).toJsonString([restoreGroup.securityGroupId]);
      }
      this.restoreTestingSelection = new backup.CfnRestoreTestingSelection(this, 'RestoreTestingSelection', {
        restoreTestingPlanName: this.restoreTestingPlan.ref,
        restoreTestingSelectionName: props.cluster ? 'DatabaseCluster' : 'Database',
        protectedResourceType: props.cluster ? 'Aurora' : 'RDS',
        protectedResourceArns: [props.cluster ? props.cluster.clusterArn : props.instance!.instanceArn],
        iamRoleArn: this.role.roleArn,
        restoreMetadataOverrides: overrides,
        validationWindowHours: RESTORE_TEST_VALIDATION_HOURS,
      });
      if (validates && restoreGroup) {
        this.restoreValidation = this.addRestoreValidation(props, restoreGroup, validationTable);
      }
    }

    this.failureRule = new events.Rule(this, 'FailureRule', {
      description: 'Failed backup, copy and restore (test) jobs of AWS Backup go to the alert topic',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change'],
        detail: {
          $or: [
            { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
            { status: ['FAILED', 'ABORTED'] },
            { validationStatus: ['FAILED', 'TIMED_OUT'] },
          ],
        },
      },
    });
    sendEventsToTopic(this.failureRule, props.alertTopic);
  }

  /**
   * The validation of restore tests (AWS Backup Developer Guide, restore-testing-validation.html): an EventBridge
   * rule on this plan's `COMPLETED` restore jobs invokes a function in the VPC that counts the rows of a table
   * in the restored copy and reports the verdict with PutRestoreValidationResult.
   */
  private addRestoreValidation(
    props: DatabaseBackupProps,
    restoreGroup: ec2.SecurityGroup,
    table: string,
  ): NonNullable<DatabaseBackup['restoreValidation']> {
    const { region } = Stack.of(this);
    const vpc = props.vpc!;
    const secret = props.masterSecret!;
    const port = props.databasePort ?? DEFAULT_DATABASE_PORT;
    const plan = this.restoreTestingPlan!;
    const logKey =
      props.logEncryptionKey ??
      new LogEncryptionKey(this, 'RestoreValidationLogKey', {
        description: 'Encrypts the log of the restore validation function',
      }).key;

    // Out to the restored copy's database port and to HTTPS (the RDS, Secrets Manager and AWS Backup APIs)
    // only; the restored copy's group admits this group, on that port, and nothing else.
    const securityGroup = new ec2.SecurityGroup(this, 'RestoreValidationSecurityGroup', {
      vpc,
      description: 'Restore validation: out to the restored database port and to HTTPS (AWS APIs) only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to RDS, Secrets Manager and AWS Backup',
    );
    securityGroup.connections.allowTo(
      restoreGroup,
      ec2.Port.tcp(port),
      'Restore validation to the restored database',
    );

    const logGroup = new logs.LogGroup(this, 'RestoreValidationLogGroup', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      encryptionKey: logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new ManagedPolicyRole(this, 'RestoreValidationRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Restore validation: describe the restored database, read the master secret, report the verdict',
    });
    // The restored copy's name is random (`awsbackup-restore-test-…`, AWS Backup Developer Guide,
    // restore-testing-inferred-metadata.html); a resource pattern for it would be one more IAM5 finding to
    // acknowledge, so the two List-level Describe actions, which return metadata and no data, are granted on "*".
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeRestoredDatabases',
        actions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadMasterSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretArn],
      }),
    );
    // The database key's policy admits the account's IAM policies only through Secrets Manager (the secret's
    // grant made by aws-cdk-lib): this role decrypts the secret through Secrets Manager, nothing else.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptMasterSecret',
        actions: ['kms:Decrypt'],
        resources: [props.databaseKey!.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      }),
    );
    // PutRestoreValidationResult has no resource type (Service Authorization Reference, AWS Backup): it can
    // only be granted on "*". A verdict can be set once per restore job and never changed.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReportTheVerdict',
        actions: ['backup:PutRestoreValidationResult'],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLog',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    // Lambda attaches the function to the VPC with the stack's one network-interface policy; this role's own
    // policy still holds actions on "*" (the Describe and the validation result above), acknowledged here.
    allowVpcNetworkInterfaces(role);
    acknowledge(role, 'vpcFunctionNetworkInterfaces');

    const extension = path.extname(__filename);
    const fn = new lambda.Function(this, 'RestoreValidationFunction', {
      description: `Validates restore tests of the scheduling database: counts the rows of ${table} in the restored copy`,
      code: bundledHandlerCode(
        path.join(__dirname, `restore-validation-handler${extension === '.ts' ? '.ts' : '.js'}`),
        // The runtime provides AWS SDK v3 (with AWS Backup's PutRestoreValidationResult); pg's native binding is
        // not used.
        { target: 'node24', externalModules: ['@aws-sdk/*', 'pg-native'] },
      ),
      handler: `${path.parse(BUNDLE_FILE).name}.handler`,
      runtime: RESTORE_VALIDATION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: RESTORE_VALIDATION_TIMEOUT,
      role,
      logGroup,
      vpc,
      vpcSubnets: props.validationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      // EventBridge invokes it asynchronously: an event Lambda gives up on after its retries reaches the alert
      // topic (with the restore job's id), instead of the validation silently timing out.
      deadLetterTopic: props.alertTopic,
      environment: {
        [RESTORE_VALIDATION_ENVIRONMENT.restoreTestingPlanArn]: plan.attrRestoreTestingPlanArn,
        [RESTORE_VALIDATION_ENVIRONMENT.masterSecretArn]: secret.secretArn,
        [RESTORE_VALIDATION_ENVIRONMENT.databaseName]: props.databaseName ?? DEFAULT_DATABASE_NAME,
        [RESTORE_VALIDATION_ENVIRONMENT.tableName]: table,
      },
    });
    fn.node.addDependency(role);
    acknowledge(fn, 'lambdaNoReservedConcurrency');
    // Lambda publishes a run it gave up on as the function's role, and SNS encrypts it with the topic's key.
    admitSnsPublisher(props.alertTopic.masterKey, role, 'RestoreValidationDeadLetters');

    // "Restore Job State Change" with status COMPLETED, of this plan's restore tests only
    // (restore-testing-validation.html, step 2).
    const rule = new events.Rule(this, 'RestoreValidationRule', {
      description: 'Completed restore tests of the scheduling database go to the restore validation function',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { status: ['COMPLETED'], restoreTestingPlanArn: [plan.attrRestoreTestingPlanArn] },
      },
    });
    rule.addTarget(
      new targets.LambdaFunction(fn, {
        retryAttempts: 2,
        maxEventAge: Duration.hours(RESTORE_TEST_VALIDATION_HOURS),
      }),
    );
    return { function: fn, role, securityGroup, logGroup, rule };
  }
}
