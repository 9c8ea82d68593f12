import { CfnResource } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnMetricFilter } from 'aws-cdk-lib/aws-logs';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CIS_METRIC_FILTER_CATEGORIES, patternServes } from '../cis-metric-filters';
import { referencedIds, resolved, resourcesOfStack } from '../template-references';
import { alarmNotifies } from './alarm-actions';

/**
 * C10: the log group a trail delivers to is watched for the CIS AWS Foundations Benchmark's set of risky
 * changes (unauthorized calls, sign-in without MFA, root use, IAM policy, CloudTrail, key, bucket policy,
 * Config, security group, network ACL, gateway, route table, VPC and Organizations changes): for each, a
 * metric filter of the stack on that log group whose pattern holds the benchmark's terms, and an alarm on the
 * filter's metric with an action. Each category without both is a finding named by its id
 * (`iam-policy-changes`).
 *
 * Judged on each trail of the stack that delivers to CloudWatch Logs (a trail without is reported by
 * `C10-AuditTrail`). A stack without a trail of its own that watches an existing trail's log group (an
 * organization trail) is judged once per log group, on its first metric filter that serves a CIS category. A
 * stack with neither has no audit tier: nothing to judge.
 */
export function cisChangeAlarms(node: CfnResource): NagRuleResult {
  let onTrailLogGroup: (filter: CfnMetricFilter) => boolean;
  if (node instanceof CfnTrail) {
    if (node.cloudWatchLogsLogGroupArn === undefined) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    onTrailLogGroup = deliversTo(node);
  } else if (node instanceof CfnMetricFilter && resourcesOfStack(node, CfnTrail).length === 0) {
    const logGroup = logGroupOf(node);
    const first = resourcesOfStack(node, CfnMetricFilter).find(
      (filter) => logGroupOf(filter) === logGroup && categoriesOf(filter).length > 0,
    );
    if (first !== node) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    onTrailLogGroup = (filter) => logGroupOf(filter) === logGroup;
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const filters = resourcesOfStack(node, CfnMetricFilter).filter(onTrailLogGroup);
  const alarmed = new Set(resourcesOfStack(node, CfnAlarm).filter(alarmNotifies).map(metricOf));
  const covered = new Set(
    filters.filter((filter) => metricsOf(filter).some((metric) => alarmed.has(metric))).flatMap(categoriesOf),
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

/** The ids of the CIS categories a filter's pattern serves (none for a pattern known only at deploy). */
function categoriesOf(filter: CfnMetricFilter): string[] {
  const pattern = resolved<unknown>(filter, filter.filterPattern);
  return typeof pattern === 'string'
    ? CIS_METRIC_FILTER_CATEGORIES.filter((c) => patternServes(pattern, c)).map((c) => c.id)
    : [];
}

/** The log group a filter reads (a reference or a name), as a comparable key. */
function logGroupOf(filter: CfnMetricFilter): string {
  return JSON.stringify(resolved(filter, filter.logGroupName));
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
