import { CfnResource } from 'aws-cdk-lib';
import { CfnBackupVault } from 'aws-cdk-lib/aws-backup';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';

/**
 * C6: a resource that holds data keeps it when the stack deletes or replaces it: databases with a
 * `DeletionPolicy` and `UpdateReplacePolicy` of Snapshot or Retain; buckets, KMS keys, secrets, log groups and
 * backup vaults with Retain. Findings: `DeletionPolicy`, `UpdateReplacePolicy`. An instance of an Aurora
 * cluster holds no data of its own.
 */
export function statefulResourcesRetained(node: CfnResource): NagRuleResult {
  let allowed: string[];
  if (node instanceof CfnDBInstance || node instanceof CfnDBCluster) {
    if (node instanceof CfnDBInstance && node.dbClusterIdentifier !== undefined) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    allowed = ['Snapshot', 'Retain'];
  } else if (
    node instanceof CfnBucket ||
    node instanceof CfnKey ||
    node instanceof CfnSecret ||
    node instanceof CfnLogGroup ||
    node instanceof CfnBackupVault
  ) {
    allowed = ['Retain'];
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const findings: string[] = [];
  // CloudFormation deletes a resource that names no policy.
  // RetainExceptOnCreate deletes only a resource whose creation failed, which holds no data yet.
  const deletion = String(node.cfnOptions.deletionPolicy ?? 'Delete');
  if (!allowed.includes(deletion) && deletion !== 'RetainExceptOnCreate') findings.push('DeletionPolicy');
  if (!allowed.includes(String(node.cfnOptions.updateReplacePolicy ?? 'Delete')))
    findings.push('UpdateReplacePolicy');
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
