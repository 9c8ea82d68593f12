import {
  CfnTemplate,
  DeployTimeFinding,
  finding,
  literalNumber,
  literalString,
  propsOf,
  resourcesOfType,
} from '../template';

/** The longest rotation interval Secrets Manager accepts, in days. */
export const MAX_ROTATION_DAYS = 1000;
/** The shortest rotation interval Secrets Manager accepts, in hours. */
export const MIN_ROTATION_HOURS = 4;
/** A rotation window ends within the UTC day it starts in. */
const HOURS_PER_DAY = 24;

interface RotationRules {
  readonly AutomaticallyAfterDays?: unknown;
  readonly ScheduleExpression?: unknown;
  readonly Duration?: unknown;
}

/** What is wrong with one schedule's rotation rules. */
function rotationProblems(rules: RotationRules): string[] {
  const found: string[] = [];
  const days = literalNumber(rules.AutomaticallyAfterDays);
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_ROTATION_DAYS)) {
    found.push(`AutomaticallyAfterDays is ${days}; Secrets Manager accepts 1 to ${MAX_ROTATION_DAYS}`);
  }
  if (rules.AutomaticallyAfterDays !== undefined && rules.ScheduleExpression !== undefined) {
    found.push(
      'both AutomaticallyAfterDays and ScheduleExpression are set; Secrets Manager takes one or the other',
    );
  }
  const expression = literalString(rules.ScheduleExpression);
  const rate = expression?.match(/^rate\(\s*(\d+)\s+(hours?|days?)\s*\)$/);
  const rateHours = rate ? Number(rate[1]) * (rate[2].startsWith('day') ? HOURS_PER_DAY : 1) : undefined;
  if (rate && rate[2].startsWith('hour') && Number(rate[1]) < MIN_ROTATION_HOURS) {
    found.push(
      `ScheduleExpression '${expression}' rotates more often than every ${MIN_ROTATION_HOURS} hours`,
    );
  }
  if (rate && rate[2].startsWith('day') && (Number(rate[1]) < 1 || Number(rate[1]) > MAX_ROTATION_DAYS)) {
    found.push(`ScheduleExpression '${expression}' must be 1 to ${MAX_ROTATION_DAYS} days`);
  }
  const duration = literalString(rules.Duration);
  if (duration !== undefined) {
    const hours = duration.match(/^(\d+)h$/) ? Number(duration.slice(0, -1)) : undefined;
    if (hours === undefined || hours < 1 || hours > HOURS_PER_DAY) {
      found.push(
        `Duration '${duration}' must be a whole number of hours, 1h to ${HOURS_PER_DAY}h (the window ends within its UTC day)`,
      );
    } else if (rateHours !== undefined && hours > rateHours) {
      found.push(
        `Duration '${duration}' is longer than the ${rateHours} hours between rotations, so it runs into the next window`,
      );
    }
  }
  return found;
}

/** A secret's rotation schedule is one Secrets Manager accepts, with a window that fits it. */
export function secretRotationSchedule(template: CfnTemplate): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::SecretsManager::RotationSchedule').flatMap(([id, resource]) => {
    const rules = propsOf(resource).RotationRules as RotationRules | undefined;
    return rules ? rotationProblems(rules).map((p) => finding(id, p)) : [];
  });
}
