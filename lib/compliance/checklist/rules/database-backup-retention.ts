import { CfnResource } from 'aws-cdk-lib';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { MIN_BACKUP_RETENTION_DAYS } from '../thresholds';

/**
 * C6: a database keeps automated backups for at least 7 days (RDS's own default is 1). An instance of an
 * Aurora cluster is backed up by its cluster.
 */
export function databaseBackupRetention(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnDBInstance || node instanceof CfnDBCluster)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (node instanceof CfnDBInstance && node.dbClusterIdentifier !== undefined) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const days = NagRules.resolveIfPrimitive(node, node.backupRetentionPeriod) ?? 1;
  return typeof days === 'number' && days >= MIN_BACKUP_RETENTION_DAYS
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
