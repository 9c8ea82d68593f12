import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { inSettingTerms, parseConfig, stackPropsFromConfig } from '../../lib';
import { EXAMPLE_CONFIG, problemsOf } from '../support/app';

describe('audit settings', () => {
  describe('validation', () => {
    test.each<[string, Record<string, unknown>, RegExp]>([
      [
        'trailLogRetentionDays is shorter than the audit minimum',
        { trailLogRetentionDays: 30 },
        /^setting `trailLogRetentionDays` must be one of .*from the audit minimum of 365 days.*365, 400, got 30$/,
      ],
      [
        'trailLogRetentionDays is above the ceiling',
        { trailLogRetentionDays: 731 },
        /^setting `trailLogRetentionDays` .*got 731$/,
      ],
      [
        'trailBucketExpirationDays keeps less than a year',
        { trailBucketExpirationDays: '180' },
        /^setting `trailBucketExpirationDays` must be between 365 .* and 3650 days, got 180$/,
      ],
      [
        'trailObjectLockDays outlasts the bucket expiration',
        { trailObjectLockDays: 500 },
        /^setting `trailObjectLockDays` must be between 365 \(the audit floor.*\) and trailBucketExpirationDays \(400\) days, got 500$/,
      ],
      [
        'trailObjectLockDays is shorter than the audit floor',
        { trailObjectLockDays: 90 },
        /^setting `trailObjectLockDays` must be between 365 .*got 90$/,
      ],
      [
        'trailObjectLockEnablement is not one of the three ways',
        { trailObjectLockEnablement: 'replace' },
        /^setting `trailObjectLockEnablement` must be one of 'at-creation', 'in-place', 'off', got "replace"$/,
      ],
      [
        'existingTrailLogGroupName is not a log group name',
        { existingTrailLogGroupName: 'trail logs!' },
        /^setting `existingTrailLogGroupName` must be a CloudWatch Logs log group name.*got "trail logs!"$/,
      ],
    ])('throws when %s, naming the setting', (_case, overrides, line) => {
      expect(problemsOf(overrides)).toContainEqual(expect.stringMatching(line));
    });
  });

  describe('props', () => {
    test('are unset by default, so the constructs apply their defaults', () => {
      const props = stackPropsFromConfig(parseConfig(EXAMPLE_CONFIG));
      expect(props.trailLogRetention).toBeUndefined();
      expect(props.trailBucketExpiration).toBeUndefined();
      expect(props.trailObjectLockRetention).toBeUndefined();
      expect(props.trailObjectLockEnablement).toBeUndefined();
      expect(props.existingTrailLogGroupName).toBeUndefined();
    });

    test('map days to retention periods and durations', () => {
      const props = stackPropsFromConfig(
        parseConfig(EXAMPLE_CONFIG, {
          trailLogRetentionDays: '400',
          trailBucketExpirationDays: 730,
          trailObjectLockDays: 365,
          trailObjectLockEnablement: 'in-place',
        }),
      );
      expect(props.trailObjectLockEnablement).toBe('in-place');
      expect(props.trailLogRetention).toBe(logs.RetentionDays.THIRTEEN_MONTHS);
      expect(props.trailBucketExpiration?.toDays()).toBe(Duration.days(730).toDays());
      expect(props.trailObjectLockRetention?.toDays()).toBe(365);
      const existing = stackPropsFromConfig(
        parseConfig(EXAMPLE_CONFIG, { existingTrailLogGroupName: 'aws-controltower/CloudTrailLogs' }),
      );
      expect(existing.existingTrailLogGroupName).toBe('aws-controltower/CloudTrailLogs');
    });
  });

  describe('construct errors', () => {
    test('name the setting, not the prop', () => {
      expect(inSettingTerms('`trailObjectLockRetention` must be ..., `objectLockRetention` too')).toBe(
        'setting `trailObjectLockDays` must be ..., setting `trailObjectLockDays` too',
      );
      expect(inSettingTerms("`objectLockEnablement` must be one of 'at-creation', got 'x'")).toBe(
        "setting `trailObjectLockEnablement` must be one of 'at-creation', got 'x'",
      );
    });
  });
});
