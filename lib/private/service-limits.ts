import { Duration, Token } from 'aws-cdk-lib';

/*
 * Bounds AWS services put on values the constructs pass through, each with the page that states it, and the checks
 * that name the prop (or setting) and echo the value. CloudFormation would refuse these only at deploy time.
 */

/**
 * Application Load Balancer health checks: the interval is 5 to 300 seconds, and the timeout must be smaller than
 * the interval; the timeout of an HTTP target group is 5 seconds unless set (the service leaves it), so the
 * interval is at least 6. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
export const ALB_HEALTH_CHECK_INTERVAL_SECONDS = { min: 6, max: 300 } as const;
/**
 * ALB health check path: 1 to 1024 characters, starting with '/'.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
 */
export const ALB_HEALTH_CHECK_PATH_MAX_LENGTH = 1024;
/**
 * ALB connection idle timeout (`idle_timeout.timeout_seconds`): 1 to 4000 seconds.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout
 */
export const ALB_IDLE_TIMEOUT_SECONDS = { min: 1, max: 4000 } as const;
/**
 * Secrets Manager generated passwords (`PasswordLength` of GetRandomPassword and of a secret's
 * GenerateSecretString): 1 to 4096 characters.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 */
export const SECRETS_MANAGER_PASSWORD_LENGTH = { min: 1, max: 4096 } as const;

/** Problems with a health check path: ALB's length limit and the leading '/'. */
export function healthCheckPathProblems(name: string, path: string): string[] {
  if (Token.isUnresolved(path)) {
    return [];
  }
  return !path.startsWith('/') || path.length > ALB_HEALTH_CHECK_PATH_MAX_LENGTH
    ? [
        `\`${name}\` must be a path starting with '/' of at most ${ALB_HEALTH_CHECK_PATH_MAX_LENGTH} characters, got '${path.length > 60 ? `${path.slice(0, 60)}…' (${path.length} characters)` : `${path}'`}`,
      ]
    : [];
}

/** Problems with a duration that must be a whole number of seconds within `bounds`. */
export function secondsProblems(
  name: string,
  value: Duration | undefined,
  bounds: { readonly min: number; readonly max: number },
  why: string,
): string[] {
  if (value === undefined || value.isUnresolved()) {
    return [];
  }
  const seconds = value.toMilliseconds() / 1000;
  return !Number.isInteger(seconds) || seconds < bounds.min || seconds > bounds.max
    ? [
        `\`${name}\` must be a whole number of seconds between ${bounds.min} and ${bounds.max} (${why}), got ${seconds} seconds`,
      ]
    : [];
}

/** Problems with the length of a password Secrets Manager generates. */
export function passwordLengthProblems(name: string, length: number): string[] {
  if (Token.isUnresolved(length)) {
    return [];
  }
  const { min, max } = SECRETS_MANAGER_PASSWORD_LENGTH;
  return !Number.isInteger(length) || length < min || length > max
    ? [`\`${name}\` must be ${min} to ${max} characters (what Secrets Manager generates), got ${length}`]
    : [];
}
