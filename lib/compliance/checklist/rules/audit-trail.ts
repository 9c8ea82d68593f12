import { CfnResource } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { resolved } from '../template-references';

interface EventSelector {
  includeManagementEvents?: unknown;
  readWriteType?: unknown;
}

interface AdvancedEventSelector {
  fieldSelectors?: Array<{ field?: unknown; equalTo?: unknown[] }>;
}

/**
 * C10: a CloudTrail trail records the account's activity everywhere, in a form that can be trusted and
 * reviewed: all regions and global services, read and write management events, log file validation, files
 * encrypted with a customer-managed key, events delivered to CloudWatch Logs (where the alarms watch them),
 * and logging on. Each shortfall is its own finding: `multi-region`, `global-service-events`,
 * `management-events`, `log-file-validation`, `kms-key`, `cloudwatch-logs`, `logging`. A stack without a
 * trail (one that relies on an organization trail) has nothing to judge here.
 */
export function auditTrail(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnTrail)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const findings: string[] = [];
  if (NagRules.resolveIfPrimitive(node, node.isMultiRegionTrail) !== true) findings.push('multi-region');
  // CloudTrail's default includes global service events (IAM, STS, CloudFront).
  if (NagRules.resolveIfPrimitive(node, node.includeGlobalServiceEvents) === false) {
    findings.push('global-service-events');
  }
  if (!recordsAllManagementEvents(node)) findings.push('management-events');
  if (NagRules.resolveIfPrimitive(node, node.enableLogFileValidation) !== true) {
    findings.push('log-file-validation');
  }
  if (node.kmsKeyId === undefined) findings.push('kms-key');
  if (node.cloudWatchLogsLogGroupArn === undefined || node.cloudWatchLogsRoleArn === undefined) {
    findings.push('cloudwatch-logs');
  }
  if (NagRules.resolveIfPrimitive(node, node.isLogging) !== true) findings.push('logging');
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/**
 * Read and write management events: the default when no selector is given; otherwise a basic selector that
 * includes management events for `All`, or an advanced selector of the `Management` category with no
 * `readOnly` filter.
 */
function recordsAllManagementEvents(node: CfnTrail): boolean {
  const basic = resolved<EventSelector[] | undefined>(node, node.eventSelectors);
  const advanced = resolved<AdvancedEventSelector[] | undefined>(node, node.advancedEventSelectors);
  // No selector (CDK writes an empty list) keeps CloudTrail's default: all management events.
  if ((basic ?? []).length === 0 && (advanced ?? []).length === 0) {
    return true;
  }
  const byBasic = (basic ?? []).some(
    (s) => s.includeManagementEvents !== false && (s.readWriteType ?? 'All') === 'All',
  );
  const byAdvanced = (advanced ?? []).some((s) => {
    const fields = s.fieldSelectors ?? [];
    return (
      fields.some((f) => f.field === 'eventCategory' && (f.equalTo ?? []).includes('Management')) &&
      !fields.some((f) => f.field === 'readOnly')
    );
  });
  return byBasic || byAdvanced;
}
