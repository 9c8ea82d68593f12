import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnBackupVault } from 'aws-cdk-lib/aws-backup';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/**
 * C5: data at rest is encrypted with a customer-managed KMS key (whose policy, rotation and deletion the
 * account controls), not with no key or an AWS-managed one: database instances and clusters, secrets, log
 * groups and backup vaults. Findings: `storage-encrypted` (a database without encryption) and `kms-key`.
 * Buckets are left to the shipped packs: load balancer access logs can only be delivered to SSE-S3 buckets.
 * An instance of an Aurora cluster is encrypted by its cluster.
 */
export function customerManagedKeys(node: CfnResource): NagRuleResult {
  let key: unknown;
  const findings: string[] = [];
  if (node instanceof CfnDBInstance || node instanceof CfnDBCluster) {
    if (node instanceof CfnDBInstance && node.dbClusterIdentifier !== undefined) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    if (NagRules.resolveIfPrimitive(node, node.storageEncrypted) !== true) findings.push('storage-encrypted');
    key = node.kmsKeyId;
  } else if (node instanceof CfnSecret) {
    key = node.kmsKeyId;
  } else if (node instanceof CfnLogGroup) {
    key = node.kmsKeyId;
  } else if (node instanceof CfnBackupVault) {
    key = node.encryptionKeyArn;
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (!isCustomerManagedKey(Stack.of(node).resolve(key))) findings.push('kms-key');
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/** A key given, and not an alias of an AWS-managed key (`alias/aws/...`). */
function isCustomerManagedKey(key: unknown): boolean {
  if (key === undefined || key === null || key === '') {
    return false;
  }
  return !(typeof key === 'string' && /alias\/aws\//.test(key));
}
