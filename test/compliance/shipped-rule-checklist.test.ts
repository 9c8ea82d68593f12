import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { recordingPack, RuleOutcomeLog, SHIPPED_RULE_CHECKLIST, shippedRuleChecklistItem } from '../../lib';
import { defaultStack } from '../support/app';
import { plainTiers } from '../support/tiers';

describe('SHIPPED_RULE_CHECKLIST', () => {
  let judged: string[];

  beforeAll(() => {
    // Every rule of the four shipped packs that judges a resource of the default stack or of the other tiers.
    const log = new RuleOutcomeLog();
    const tiers = new Stack(new App({ builtinCloudFormationValidation: false }), 'Tiers');
    plainTiers(tiers);
    for (const stack of [defaultStack(), tiers]) {
      for (const Pack of [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks]) {
        recordingPack(Pack, log).validateScope(stack);
      }
    }
    judged = [...new Set(log.outcomes.map((o) => o.ruleId.replace(/\[.*$/, '')))].sort();
  });

  test('the packs judge the tiers with many rules', () => {
    expect(judged.length).toBeGreaterThan(100);
    expect(judged).toEqual(
      expect.arrayContaining([
        'AwsSolutions-RDS10',
        'HIPAA.Security-CloudTrailLogFileValidationEnabled',
        'NIST.800.53.R5-SecretsManagerRotationEnabled',
        'PCI.DSS.321-SNSEncryptedKMS',
        'NIST.800.53.R5-LambdaInsideVPC',
        'HIPAA.Security-RDSInBackupPlan',
      ]),
    );
  });

  test('every rule that judges a resource of the tiers has a checklist item, or is marked hygiene', () => {
    expect(judged.filter((id) => shippedRuleChecklistItem(id) === undefined)).toEqual([]);
  });

  test('every entry of the table is a rule the packs run on the tiers', () => {
    const keys = new Set(
      judged.map((id) => id.replace(/^(HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321)-/, '')),
    );
    expect(Object.keys(SHIPPED_RULE_CHECKLIST).filter((key) => !keys.has(key))).toEqual([]);
  });

  test.each([
    ['AwsSolutions-IAM5[Resource::*]', 'C3'],
    ['HIPAA.Security-RDSInBackupPlan', 'C6'],
    ['NIST.800.53.R5-CloudTrailLogFileValidationEnabled', 'C10'],
    ['PCI.DSS.321-S3BucketSSLRequestsOnly', 'C1'],
    ['AwsSolutions-SMG4', 'C2'],
    ['AwsSolutions-EC27', null],
    ['AwsSolutions-Unknown', undefined],
  ])('%s belongs to %s', (ruleId, item) => {
    expect(shippedRuleChecklistItem(ruleId)).toBe(item);
  });
});
