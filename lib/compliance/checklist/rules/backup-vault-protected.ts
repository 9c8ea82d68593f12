import { CfnResource } from 'aws-cdk-lib';
import { CfnBackupVault } from 'aws-cdk-lib/aws-backup';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asList, statementsOf } from '../template-references';

/**
 * C6: a backup vault is encrypted with a customer-managed KMS key and its access policy denies
 * `backup:DeleteRecoveryPoint`, so a stolen credential cannot erase the backups. Findings: `kms-key`,
 * `deny-delete`.
 */
export function backupVaultProtected(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnBackupVault)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const findings: string[] = [];
  if (node.encryptionKeyArn === undefined) findings.push('kms-key');
  const deniesDelete = statementsOf(node, node.accessPolicy).some(
    (statement) =>
      statement.Effect === 'Deny' &&
      asList(statement.Action).some(
        (action) => action === 'backup:DeleteRecoveryPoint' || action === 'backup:*' || action === '*',
      ),
  );
  if (!deniesDelete) findings.push('deny-delete');
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
