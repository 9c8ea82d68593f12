/* eslint-disable @typescript-eslint/no-explicit-any */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
} from 'cdk-nag';
import {
  BackupCopyVault,
  BackupCopyVaultProps,
  recordedAcknowledgements,
  SchedulingChecklistChecks,
  VaultLockMode,
} from '../../lib';
import { only, testApp } from '../support/app';

const SOURCE = '111111111111';
const BACKUP = '222222222222';

function build(props: Partial<BackupCopyVaultProps> = {}): BackupCopyVault {
  return new BackupCopyVault(testApp(), 'Copy', {
    env: { account: BACKUP, region: 'eu-west-1' },
    sourceAccounts: [SOURCE],
    ...props,
  });
}

describe('BackupCopyVault', () => {
  let stack: BackupCopyVault;
  let template: Template;
  let vault: any;
  let key: any;
  let keyId: string;

  beforeAll(() => {
    stack = build();
    template = Template.fromStack(stack);
    [, vault] = only(template, 'AWS::Backup::BackupVault');
    [keyId, key] = only(template, 'AWS::KMS::Key');
  });

  describe('vault (checklist C6)', () => {
    test('has the name the source stacks give as its literal ARN', () => {
      expect(vault.Properties.BackupVaultName).toBe('scheduling-copy');
      expect(stack.vaultArn).toBe(`arn:aws:backup:eu-west-1:${BACKUP}:backup-vault:scheduling-copy`);
    });

    test('is encrypted with a key of its own, rotated and retained, like the vault', () => {
      expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect([key.DeletionPolicy, vault.DeletionPolicy, vault.UpdateReplacePolicy]).toEqual([
        'Retain',
        'Retain',
        'Retain',
      ]);
    });

    // AWS Backup Developer Guide, vault-lock.html: a lock without ChangeableForDays is in governance mode.
    test('is locked in governance mode for 7 days, which the copy of any accepted plan satisfies', () => {
      expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 7 });
    });

    test.each<[string, Partial<BackupCopyVaultProps>, unknown]>([
      [
        'compliance',
        { vaultLockMode: VaultLockMode.COMPLIANCE },
        { MinRetentionDays: 7, ChangeableForDays: 3 },
      ],
      ['none', { vaultLockMode: VaultLockMode.NONE }, undefined],
      ['a longer minimum', { vaultLockMinRetention: Duration.days(30) }, { MinRetentionDays: 30 }],
    ])('vaultLockMode or vaultLockMinRetention: %s', (_name, props, expected) => {
      const [, v] = only(Template.fromStack(build(props)), 'AWS::Backup::BackupVault');
      expect(v.Properties.LockConfiguration).toEqual(expected);
    });

    // Whether the source account's copy job is let in, and another account's is not, is evaluated by the
    // access-path matrix on docs/examples/two-account-backup.ts (test/access-paths.test.ts).
    test("lets in the source accounts' copy jobs only, and denies deleting recovery points to everyone", () => {
      expect(vault.Properties.AccessPolicy.Statement).toEqual([
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
          Resource: '*',
        },
        {
          Sid: 'CopiesFromSourceAccounts',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${SOURCE}:root` },
          Action: 'backup:CopyIntoBackupVault',
          Resource: '*',
        },
      ]);
    });

    test('organizationId also requires the copying principal to be in the organization', () => {
      const [, v] = only(
        Template.fromStack(build({ organizationId: 'o-a1b2c3d4e5' })),
        'AWS::Backup::BackupVault',
      );
      expect(v.Properties.AccessPolicy.Statement[1].Condition).toEqual({
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
      });
    });

    test('the key is used by this account through AWS Backup and RDS only', () => {
      const statement = key.Properties.KeyPolicy.Statement.find(
        (s: { Sid?: string }) => s.Sid === 'CopiesThroughBackupAndRds',
      );
      expect(statement.Condition).toEqual({
        StringEquals: {
          'kms:CallerAccount': BACKUP,
          'kms:ViaService': ['backup.eu-west-1.amazonaws.com', 'rds.eu-west-1.amazonaws.com'],
        },
      });
      expect(JSON.stringify(key.Properties.KeyPolicy)).not.toContain('"kms:*"');
    });
  });

  describe('compliance', () => {
    test.each<[string, () => NagPack]>([
      ['AwsSolutions', () => new AwsSolutionsChecks()],
      ['HIPAA Security', () => new HIPAASecurityChecks()],
      ['NIST 800-53 R5', () => new NIST80053R5Checks()],
      ['PCI DSS 3.2.1', () => new PCIDSS321Checks()],
      ['SchedulingChecklist', () => new SchedulingChecklistChecks()],
    ])('the %s pack finds nothing, with no acknowledgement', (_name, pack) => {
      expect(
        pack()
          .validateScope(stack)
          .violations.map((v) => v.ruleName),
      ).toEqual([]);
      expect(recordedAcknowledgements(stack)).toEqual([]);
    });
  });

  describe('validation', () => {
    test('throws when the stack names no account or region', () => {
      expect(() => new BackupCopyVault(testApp(), 'Copy', { sourceAccounts: [SOURCE] })).toThrow(
        /`env` must name the account and region of the backup account/,
      );
    });

    test('throws for every bad source account, together', () => {
      expect(() => build({ sourceAccounts: ['12345', BACKUP, SOURCE, SOURCE] })).toThrow(
        new RegExp(
          [
            "`sourceAccounts` must hold 12-digit account ids, got '12345'",
            `\`sourceAccounts\` must not hold the vault's own account \\(${BACKUP}\\)`,
            '`sourceAccounts` names an account twice',
          ].join('[\\s\\S]*'),
        ),
      );
    });

    test('throws when no source account is named', () => {
      expect(() => build({ sourceAccounts: [] })).toThrow(/`sourceAccounts` must name at least one account/);
    });

    test('throws for a bad organization id, vault name or lock', () => {
      expect(() => build({ organizationId: 'org-1' })).toThrow(
        /`organizationId` must be an AWS Organizations id like o-a1b2c3d4e5, got 'org-1'/,
      );
      expect(() => build({ vaultName: 'a b' })).toThrow(/`vaultName` must be 2 to 50 letters.*got 'a b'/);
      expect(() =>
        build({ vaultLockMode: VaultLockMode.NONE, vaultLockMinRetention: Duration.days(7) }),
      ).toThrow(/`vaultLockMinRetention` must be left out with `vaultLockMode` 'none'/);
    });
  });
});
