import {
  CfnTemplate,
  DeployTimeFinding,
  finding,
  literalNumber,
  propsOf,
  resourcesOfType,
} from '../template';

/** The free retention, in days. */
const FREE_RETENTION_DAYS = 7;
/** The longest retention, in days (two years). */
const LONGEST_RETENTION_DAYS = 731;
/** Paid retention is a whole number of 31-day months, from 1 to 23. */
const DAYS_PER_MONTH = 31;
const MAX_MONTHS = 23;

/** Whether RDS accepts `days` as a Performance Insights retention period. */
export function isValidPerformanceInsightsRetention(days: number): boolean {
  const months = days / DAYS_PER_MONTH;
  return (
    days === FREE_RETENTION_DAYS ||
    days === LONGEST_RETENTION_DAYS ||
    (Number.isInteger(months) && months >= 1 && months <= MAX_MONTHS)
  );
}

/** A Performance Insights retention period is 7, a multiple of 31 up to 713, or 731 days. */
export function rdsPerformanceInsightsRetention(template: CfnTemplate): DeployTimeFinding[] {
  return ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'].flatMap((type) =>
    resourcesOfType(template, type).flatMap(([id, resource]) => {
      const days = literalNumber(propsOf(resource).PerformanceInsightsRetentionPeriod);
      return days === undefined || isValidPerformanceInsightsRetention(days)
        ? []
        : [
            finding(
              id,
              `PerformanceInsightsRetentionPeriod is ${days}; RDS accepts 7, 31 × 1–23 months, or 731 days`,
            ),
          ];
    }),
  );
}
