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
  DAILY_BACKUP_HOUR_UTC,
  DEFAULT_DAILY_RETENTION_DAYS,
  DEFAULT_WEEKLY_RETENTION_WEEKS,
  RESTORE_TEST_SCHEDULE,
  RESTORE_TEST_SELECTION_WINDOW_DAYS,
  RESTORE_TEST_VALIDATION_HOURS,
} from './database-defaults';

/** A backup vault ARN: `arn:aws:backup:<region>:<account>:backup-vault:<name>`. */
const BACKUP_VAULT_ARN = /^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_-]{2,50}$/;

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
   * Locks the vault (AWS Backup Vault Lock in compliance mode after a 3-day grace period): no one, not even
   * the account's root user, can delete a recovery point younger than this, or shorten its retention.
   * Irreversible once the grace period ends.
   * @default - no lock (the vault policy still denies deleting recovery points)
   */
  readonly vaultLockMinRetention?: Duration;

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
    const lock = props.vaultLockMinRetention;
    const lockDays = lock === undefined || lock.isUnresolved() ? undefined : lock.toDays({ integral: false });
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

    this.vaultKey = new kms.Key(this, 'VaultKey', {
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
      lockConfiguration: lock ? { minRetention: lock, changeableFor: Duration.days(3) } : undefined,
    });

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
