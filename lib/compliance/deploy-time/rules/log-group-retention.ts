import {
  CfnTemplate,
  DeployTimeFinding,
  finding,
  literalNumber,
  propsOf,
  resourcesOfType,
} from '../template';

/** The retention periods, in days, CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** A log group's retention is one of the periods CloudWatch Logs accepts. */
export function logGroupRetention(template: CfnTemplate): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::Logs::LogGroup').flatMap(([id, resource]) => {
    const days = literalNumber(propsOf(resource).RetentionInDays);
    return days === undefined || LOG_RETENTION_DAYS.includes(days)
      ? []
      : [finding(id, `RetentionInDays is ${days}; CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(', ')}`)];
  });
}
