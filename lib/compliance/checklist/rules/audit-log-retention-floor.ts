import { CfnResource } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { MIN_AUDIT_LOG_RETENTION_DAYS } from '../thresholds';
import { logicalIdOf, refersTo, resourcesOfStack } from '../template-references';

/**
 * C7 (and C10): an audit log group keeps its events for at least a year, so an investigation can look back
 * over the period auditors ask about. An audit log group is one that a CloudTrail trail of the same stack
 * delivers to (`CloudWatchLogsLogGroupArn`); other log groups fall under the retention ceiling alone.
 */
export function auditLogRetentionFloor(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLogGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const id = logicalIdOf(node);
  const audit = resourcesOfStack(node, CfnTrail).some((trail) =>
    refersTo(trail, trail.cloudWatchLogsLogGroupArn, id),
  );
  if (!audit) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const days = NagRules.resolveIfPrimitive(node, node.retentionInDays);
  // No retention at all keeps the events forever: above the floor (the ceiling rule reports it).
  return days === undefined || (typeof days === 'number' && days >= MIN_AUDIT_LOG_RETENTION_DAYS)
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
