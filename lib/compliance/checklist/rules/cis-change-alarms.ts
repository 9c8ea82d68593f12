import { CfnResource } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnMetricFilter } from 'aws-cdk-lib/aws-logs';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CIS_METRIC_FILTER_CATEGORIES, patternServes } from '../cis-metric-filters';
import { referencedIds, resolved, resourcesOfStack } from '../template-references';
import { alarmNotifies } from './alarm-actions';

/**
 * C10: the log group a trail of the stack delivers to is watched for the CIS AWS Foundations Benchmark's set
 * of risky changes (unauthorized calls, sign-in without MFA, root use, IAM policy, CloudTrail, key, bucket
 * policy, Config, security group, network ACL, gateway, route table, VPC and Organizations changes): for each,
 * a metric filter of the stack on that log group whose pattern holds the benchmark's terms, and an alarm on
 * the filter's metric with an action. Each category without both is a finding named by its id
 * (`iam-policy-changes`). A stack without a trail has nothing to judge here; a trail without CloudWatch Logs is
 * reported by `C10-AuditTrail`.
 */
export function cisChangeAlarms(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnTrail) || node.cloudWatchLogsLogGroupArn === undefined) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const onTrailLogGroup = deliversTo(node);
  const filters = resourcesOfStack(node, CfnMetricFilter).filter(onTrailLogGroup);
  const alarmed = new Set(resourcesOfStack(node, CfnAlarm).filter(alarmNotifies).map(metricOf));
  const covered = new Set(
    filters
      .filter((filter) => metricsOf(filter).some((metric) => alarmed.has(metric)))
      .flatMap((filter) => {
        const pattern = resolved<unknown>(filter, filter.filterPattern);
        return typeof pattern === 'string'
          ? CIS_METRIC_FILTER_CATEGORIES.filter((c) => patternServes(pattern, c)).map((c) => c.id)
          : [];
      }),
  );
  const missing = CIS_METRIC_FILTER_CATEGORIES.filter((category) => !covered.has(category.id)).map(
    (category) => category.id,
  );
  return missing.length > 0 ? missing : NagRuleCompliance.COMPLIANT;
}

/**
 * Whether a metric filter reads the log group `trail` delivers to: a log group of the stack (by reference), or
 * one named in the trail's literal ARN (`arn:...:log-group:<name>:*`).
 */
function deliversTo(trail: CfnTrail): (filter: CfnMetricFilter) => boolean {
  const ids = referencedIds(trail, trail.cloudWatchLogsLogGroupArn);
  const arn = resolved<unknown>(trail, trail.cloudWatchLogsLogGroupArn);
  const name = typeof arn === 'string' ? /:log-group:([^:]+)/.exec(arn)?.[1] : undefined;
  return (filter) =>
    referencedIds(filter, filter.logGroupName).some((id) => ids.includes(id)) ||
    (name !== undefined && resolved(filter, filter.logGroupName) === name);
}

/** The namespace and name of each metric a filter publishes, as comparable keys. */
function metricsOf(filter: CfnMetricFilter): string[] {
  const transformations =
    resolved<Array<{ metricName?: unknown; metricNamespace?: unknown }> | undefined>(
      filter,
      filter.metricTransformations,
    ) ?? [];
  return transformations.map((t) => JSON.stringify([t.metricNamespace, t.metricName]));
}

/** The namespace and name of the metric an alarm watches, as a comparable key. */
function metricOf(alarm: CfnAlarm): string {
  return JSON.stringify([resolved(alarm, alarm.namespace), resolved(alarm, alarm.metricName)]);
}
