import {
  ConfigError,
  inSettingTerms,
  parseConfig,
  SecureSchedulingError,
  SecureSchedulingStack,
  stackPropsFromConfig,
} from '../../lib';
import { EXAMPLE_CONFIG, testApp } from '../support/app';

/** The problems of building the default stack with `overrides`, in the bundled app's terms. */
function stackProblems(overrides: Record<string, unknown>): string[] {
  const config = parseConfig(EXAMPLE_CONFIG, overrides);
  try {
    new SecureSchedulingStack(testApp(), config.stackName, stackPropsFromConfig(config));
  } catch (e) {
    expect(e).toBeInstanceOf(SecureSchedulingError);
    return (e as SecureSchedulingError).problems.map(inSettingTerms);
  }
  throw new Error('no error thrown');
}

describe('parseConfig', () => {
  describe('database settings', () => {
    test('become the stack props of the database and its backup', () => {
      const props = stackPropsFromConfig(
        parseConfig(EXAMPLE_CONFIG, {
          databaseEngineVersion: '16',
          databaseInstanceClass: 'db.m7g.large',
          databaseBackupRetentionDays: '21',
          dailyBackupRetentionDays: 30,
          weeklyBackupRetentionDays: 182,
          backupCopyVaultArn: 'arn:aws:backup:eu-central-1:222222222222:backup-vault:scheduling-copy',
          backupVaultLockDays: 7,
          restoreTesting: 'false',
        }),
      );
      expect(props.databaseEngineVersion).toBe('16');
      expect(props.databaseInstanceType?.toString()).toBe('m7g.large');
      expect(props.databaseBackupRetention?.toDays()).toBe(21);
      expect(props.dailyBackupRetention?.toDays()).toBe(30);
      expect(props.weeklyBackupRetention?.toDays()).toBe(182);
      expect(props.backupCopyVaultArn).toBe(
        'arn:aws:backup:eu-central-1:222222222222:backup-vault:scheduling-copy',
      );
      expect(props.backupVaultLockMinRetention?.toDays()).toBe(7);
      expect(props.restoreTesting).toBe(false);
    });

    test('are left to the constructs’ defaults when not given', () => {
      const props = stackPropsFromConfig(parseConfig(EXAMPLE_CONFIG));
      for (const key of [
        'databaseEngineVersion',
        'databaseInstanceType',
        'databaseBackupRetention',
        'dailyBackupRetention',
        'weeklyBackupRetention',
        'backupCopyVaultArn',
        'backupVaultLockMinRetention',
        'restoreTesting',
      ] as const) {
        expect(props[key]).toBeUndefined();
      }
    });

    test('throws when databaseInstanceClass is not an RDS class', () => {
      expect(() => parseConfig(EXAMPLE_CONFIG, { databaseInstanceClass: 't4g.medium' })).toThrow(
        /setting `databaseInstanceClass` must be an RDS instance class like db.t4g.medium, got "t4g.medium"/,
      );
    });

    test('throws when a number of days is not positive', () => {
      expect(() =>
        parseConfig(EXAMPLE_CONFIG, { databaseBackupRetentionDays: -3, backupVaultLockDays: 0 }),
      ).toThrow(ConfigError);
      try {
        parseConfig(EXAMPLE_CONFIG, { databaseBackupRetentionDays: -3, backupVaultLockDays: 0 });
      } catch (e) {
        expect((e as ConfigError).problems).toEqual([
          'setting `databaseBackupRetentionDays` must be a positive number of days, got -3',
          'setting `backupVaultLockDays` must be a positive number of days, got 0',
        ]);
      }
    });

    test("the constructs' errors name the setting the user typed", () => {
      expect(stackProblems({ databaseBackupRetentionDays: 3, databaseEngineVersion: '12' })).toEqual([
        "setting `databaseEngineVersion` must be one of the supported PostgreSQL majors 14, 15, 16, 17, 18, got '12'",
        'setting `databaseBackupRetentionDays` must be a whole number of days between 7 and 35, got 3 days',
      ]);
      expect(stackProblems({ dailyBackupRetentionDays: 60, weeklyBackupRetentionDays: 30 })).toEqual([
        'setting `weeklyBackupRetentionDays` (30 days) must be at least setting `dailyBackupRetentionDays` (60 days)',
      ]);
    });
  });
});
