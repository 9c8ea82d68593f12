import { CfnResource } from 'aws-cdk-lib';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/**
 * C4: a database instance (or a Multi-AZ DB cluster, which has the setting) takes automatic minor version
 * upgrades, which carry the engine's security fixes. RDS applies them in the maintenance window. Absent, an
 * instance takes them (RDS's default); a cluster only when it says so.
 */
export function databaseMinorVersionUpgrades(node: CfnResource): NagRuleResult {
  if (node instanceof CfnDBInstance) {
    return NagRules.resolveIfPrimitive(node, node.autoMinorVersionUpgrade) === false
      ? NagRuleCompliance.NON_COMPLIANT
      : NagRuleCompliance.COMPLIANT;
  }
  if (node instanceof CfnDBCluster && node.dbClusterInstanceClass !== undefined) {
    // Only Multi-AZ DB clusters (which name an instance class) have the setting; Aurora sets it per instance.
    return NagRules.resolveIfPrimitive(node, node.autoMinorVersionUpgrade) === false
      ? NagRuleCompliance.NON_COMPLIANT
      : NagRuleCompliance.COMPLIANT;
  }
  return NagRuleCompliance.NOT_APPLICABLE;
}
