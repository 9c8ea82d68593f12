import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { SecureSchedulingError } from '../errors';
import { MAX_LOG_RETENTION_DAYS } from './defaults';

/**
 * Collects every problem with a construct's props, so that one synth reports them all together.
 */
export class Problems {
  private readonly found: string[] = [];

  /** Records `message` when `failed` is true. */
  public check(failed: boolean, message: string): void {
    if (failed) {
      this.found.push(message);
    }
  }

  /** Records messages found by another check. */
  public add(...messages: string[]): void {
    this.found.push(...messages);
  }

  /** Checks that a known number lies within [min, max]; tokens are skipped, they resolve at deploy time. */
  public range(name: string, value: number | undefined, min: number, max: number, unit = ''): void {
    if (value === undefined || Token.isUnresolved(value)) {
      return;
    }
    const suffix = unit ? ` ${unit}` : '';
    this.check(
      !Number.isInteger(value) || value < min || value > max,
      `\`${name}\` must be an integer between ${min} and ${max}${suffix}, got ${value}`,
    );
  }

  /**
   * Checks that a log retention is limited (checklist C7), never infinite and at most the ceiling, and that it is
   * one of the periods CloudWatch Logs offers (any other number fails only at deploy time).
   */
  public retention(name: string, value: logs.RetentionDays): void {
    if (Token.isUnresolved(value)) {
      return;
    }
    this.check(
      value === logs.RetentionDays.INFINITE || value > MAX_LOG_RETENTION_DAYS,
      `\`${name}\` must be at most ${MAX_LOG_RETENTION_DAYS} days (checklist C7), got ${value === logs.RetentionDays.INFINITE ? 'INFINITE' : `${value} days`}`,
    );
    const periods = Object.values(logs.RetentionDays).filter(
      (v): v is number => typeof v === 'number' && v <= MAX_LOG_RETENTION_DAYS,
    );
    this.check(
      value <= MAX_LOG_RETENTION_DAYS && !periods.includes(value),
      `\`${name}\` must be one of CloudWatch Logs' retention periods: ${periods.join(', ')} days, got ${value} days`,
    );
  }

  /** Throws one error that lists everything found, if anything was. */
  public throwIfAny(scope: IConstruct, code = 'INVALID_PROP'): void {
    if (this.found.length > 0) {
      throw new SecureSchedulingError(code, this.found, scope);
    }
  }
}
