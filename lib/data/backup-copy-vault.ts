import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { Problems } from '../private/problems';
import { SeparatedDutiesKey } from '../private/separated-key';
import { lockConfiguration, VaultLockMode } from './database-backup';
import { DEFAULT_COPY_VAULT_LOCK_MIN_RETENTION_DAYS } from './database-defaults';

/** An AWS account id. */
const ACCOUNT_ID = /^\d{12}$/;
/** An AWS Organizations id. */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** A backup vault name AWS Backup accepts. */
const VAULT_NAME = /^[A-Za-z0-9_-]{2,50}$/;

export interface BackupCopyVaultProps extends StackProps {
  /**
   * The accounts whose backup plans copy into the vault (the accounts of the `SecureSchedulingStack`s, or of the
   * `DatabaseBackup`s, whose `copyToVaultArn` names it). Only their copy jobs are let in.
   */
  readonly sourceAccounts: readonly string[];

  /**
   * The AWS Organizations id the source accounts belong to: the vault then also requires the copying principal
   * to be in it. Cross-account copy needs both accounts in one organization anyway.
   * @default - the source accounts alone decide
   */
  readonly organizationId?: string;

  /**
   * Name of the vault, which the source's `copyToVaultArn` names: it must be known before the vault exists,
   * because the two accounts cannot read each other's stack outputs.
   * @default 'scheduling-copy'
   */
  readonly vaultName?: string;

  /**
   * Minimum retention of the Vault Lock. A copy job whose retention is shorter is refused, so keep it at or
   * below the shortest retention of the source plans (their `dailyRetention`).
   * @default Duration.days(7), the least daily retention `DatabaseBackup` accepts
   */
  readonly vaultLockMinRetention?: Duration;

  /**
   * How the vault is locked: `GOVERNANCE` (a principal allowed `backup:DeleteBackupVaultLockConfiguration`
   * can remove it), `COMPLIANCE` (immutable after a 3-day grace time) or `NONE`.
   * @default VaultLockMode.GOVERNANCE
   */
  readonly vaultLockMode?: VaultLockMode;
}

/**
 * The backup account's side of a copy in another account (checklist C6, separate storage): a vault encrypted
 * with a key of this account, locked, whose access policy lets in copy jobs of the named source accounts only
 * and denies deleting recovery points to everyone. A copy re-encrypts each recovery point with this vault's
 * key, so the copies outlive the source account, its administrators and its database key.
 *
 * Deploy it to the backup account first; then give the source stack `backupCopyVaultArn: copyVault.vaultArn`.
 * AWS Organizations must allow cross-account backup (an organization setting, see docs/database.md).
 */
export class BackupCopyVault extends Stack {
  /** The vault. */
  public readonly vault: backup.BackupVault;
  /** Key of the vault: copies are re-encrypted with it. */
  public readonly vaultKey: kms.Key;
  /** The vault's ARN as a literal, for the source stack's `backupCopyVaultArn` (another account, another app). */
  public readonly vaultArn: string;
  /** How the vault is locked. */
  public readonly vaultLockMode: VaultLockMode;

  constructor(scope: Construct, id: string, props: BackupCopyVaultProps) {
    super(scope, id, props);

    const vaultName = props.vaultName ?? 'scheduling-copy';
    const minRetention =
      props.vaultLockMinRetention ?? Duration.days(DEFAULT_COPY_VAULT_LOCK_MIN_RETENTION_DAYS);
    this.vaultLockMode = props.vaultLockMode ?? VaultLockMode.GOVERNANCE;

    const problems = new Problems();
    problems.check(
      Token.isUnresolved(this.account) || Token.isUnresolved(this.region),
      '`env` must name the account and region of the backup account: the source stacks name the vault by its ARN',
    );
    problems.check(
      props.sourceAccounts.length === 0,
      '`sourceAccounts` must name at least one account that copies into the vault, got none',
    );
    for (const account of props.sourceAccounts) {
      if (Token.isUnresolved(account)) continue;
      problems.check(
        !ACCOUNT_ID.test(account),
        `\`sourceAccounts\` must hold 12-digit account ids, got '${account}'`,
      );
      problems.check(
        account === this.account,
        `\`sourceAccounts\` must not hold the vault's own account (${account}): a copy in the same account is no separate storage`,
      );
    }
    problems.check(
      new Set(props.sourceAccounts).size !== props.sourceAccounts.length,
      `\`sourceAccounts\` names an account twice: ${JSON.stringify(props.sourceAccounts)}`,
    );
    problems.check(
      props.organizationId !== undefined &&
        !Token.isUnresolved(props.organizationId) &&
        !ORGANIZATION_ID.test(props.organizationId),
      `\`organizationId\` must be an AWS Organizations id like o-a1b2c3d4e5, got '${props.organizationId}'`,
    );
    problems.check(
      !Token.isUnresolved(vaultName) && !VAULT_NAME.test(vaultName),
      `\`vaultName\` must be 2 to 50 letters, digits, hyphens or underscores, got '${vaultName}'`,
    );
    const modes = Object.values(VaultLockMode) as string[];
    problems.check(
      !modes.includes(this.vaultLockMode),
      `\`vaultLockMode\` must be one of ${modes.map((m) => `'${m}'`).join(', ')}, got '${this.vaultLockMode}'`,
    );
    problems.check(
      this.vaultLockMode === VaultLockMode.NONE && props.vaultLockMinRetention !== undefined,
      "`vaultLockMinRetention` must be left out with `vaultLockMode` 'none' (no lock)",
    );
    const lockDays = minRetention.isUnresolved() ? undefined : minRetention.toDays({ integral: false });
    problems.range('vaultLockMinRetention', lockDays, 1, 36500, 'days');
    problems.throwIfAny(this);

    this.vaultKey = new SeparatedDutiesKey(this, 'VaultKey', {
      description: 'Encrypts the copies of the scheduling database recovery points in the backup account',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // AWS Backup (and RDS, which makes the copy of an RDS snapshot) use the key for this account's copy jobs,
    // through the service only: the statement AWS writes for its own service keys ("kms:ViaService",
    // KMS Developer Guide, conditions-kms.html#conditions-kms-via-service), here for backup and rds.
    this.vaultKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CopiesThroughBackupAndRds',
        principals: [new iam.AnyPrincipal()],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:DescribeKey',
          'kms:CreateGrant',
        ],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': this.account,
            'kms:ViaService': [`backup.${this.region}.amazonaws.com`, `rds.${this.region}.amazonaws.com`],
          },
        },
      }),
    );

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: vaultName,
      encryptionKey: this.vaultKey,
      // Denies backup:DeleteRecoveryPoint and backup:UpdateRecoveryPointLifecycle to everyone, this account's
      // administrators included: copies leave the vault only when their retention ends.
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: lockConfiguration(this.vaultLockMode, minRetention),
    });
    // Cross-account access to a vault is refused for every action but backup:CopyIntoBackupVault, whatever the
    // policy says (AWS Backup Developer Guide, create-a-vault-access-policy.html); this lets in the named
    // accounts' copy jobs only (create-cross-account-backup.html).
    this.vault.addToAccessPolicy(
      new iam.PolicyStatement({
        sid: 'CopiesFromSourceAccounts',
        principals: props.sourceAccounts.map((account) => new iam.AccountPrincipal(account)),
        actions: ['backup:CopyIntoBackupVault'],
        resources: ['*'],
        conditions: props.organizationId
          ? { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } }
          : undefined,
      }),
    );

    this.vaultArn = `arn:${partitionOf(this.region)}:backup:${this.region}:${this.account}:backup-vault:${vaultName}`;
    new CfnOutput(this, 'VaultArn', {
      value: this.vault.backupVaultArn,
      description: 'The copy vault: the source stacks name it as backupCopyVaultArn',
    });
  }
}

/** The partition of a region, for an ARN written as a literal. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
