import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { sendEventsToTopic } from '../audit/alert-topic';
import { acknowledge } from '../compliance/acknowledgements';
import { Problems } from '../private/problems';
import {
  COMPLIANCE_LOCK_GRACE_DAYS,
  DAILY_BACKUP_HOUR_UTC,
  DEFAULT_DAILY_RETENTION_DAYS,
  DEFAULT_WEEKLY_RETENTION_WEEKS,
  RESTORE_TEST_SCHEDULE,
  RESTORE_TEST_SELECTION_WINDOW_DAYS,
  RESTORE_TEST_VALIDATION_HOURS,
} from './database-defaults';
import { SeparatedDutiesKey } from '../private/separated-key';

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
    problems.throwIfAny(this);

    this.vaultKey = new SeparatedDutiesKey(this, 'VaultKey', {
      description: 'Encrypts the recovery points of the scheduling database backup vault',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
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
      if (props.vpc) {
        // Restored test instances are reachable by no one: a security group without rules.
        const group = new ec2.SecurityGroup(this, 'RestoreTestSecurityGroup', {
          vpc: props.vpc,
          description: 'Restore tests of the scheduling database: nothing in, nothing out',
          allowAllOutbound: false,
        });
        overrides.vpcsecuritygroupids = Stack.of(this).toJsonString([group.securityGroupId]);
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
}
