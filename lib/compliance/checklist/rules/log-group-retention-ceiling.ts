import { CfnResource } from 'aws-cdk-lib';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { MAX_LOG_RETENTION_DAYS } from '../../../private/defaults';

/** C7: every log group has a retention period, and it is no longer than the ceiling. */
export function logGroupRetentionCeiling(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLogGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const days = NagRules.resolveIfPrimitive(node, node.retentionInDays);
  return typeof days === 'number' && days <= MAX_LOG_RETENTION_DAYS
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
