import { CfnResource } from 'aws-cdk-lib';
import { CfnBackupVault } from 'aws-cdk-lib/aws-backup';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { resolved } from '../template-references';

/**
 * C6: a backup vault carries an AWS Backup Vault Lock with a minimum retention, so that no recovery point
 * younger than that can be deleted or have its retention shortened, by anyone the lock binds (in governance
 * mode, everyone without `backup:DeleteBackupVaultLockConfiguration`; in compliance mode after its grace time,
 * everyone including the root user). Findings: `lock`, `min-retention`.
 */
export function backupVaultLocked(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnBackupVault)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  // The L1 holds its own (camelCase) shape; a value written as in the template is accepted too.
  const lock = resolved<{ MinRetentionDays?: unknown; minRetentionDays?: unknown } | undefined>(
    node,
    node.lockConfiguration,
  );
  if (lock === undefined) return ['lock'];
  const days = NagRules.resolveIfPrimitive(node, lock.minRetentionDays ?? lock.MinRetentionDays);
  return typeof days === 'number' && days >= 1 ? NagRuleCompliance.COMPLIANT : ['min-retention'];
}
