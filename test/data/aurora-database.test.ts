/* eslint-disable @typescript-eslint/no-explicit-any */
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
} from 'cdk-nag';
import { SchedulingAuroraDatabase, SchedulingChecklistChecks, SecureSchedulingStack } from '../../lib';
import { defaultStack } from '../support/app';

describe('SchedulingAuroraDatabase', () => {
  let stack: SecureSchedulingStack;
  let template: Template;

  beforeAll(() => {
    stack = defaultStack({ databaseEngine: 'aurora-serverless-v2' });
    template = Template.fromStack(stack);
  });

  test.each<[string, () => NagPack]>([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['HIPAA Security', () => new HIPAASecurityChecks()],
    ['NIST 800-53 R5', () => new NIST80053R5Checks()],
    ['PCI DSS 3.2.1', () => new PCIDSS321Checks()],
    ['SchedulingChecklist', () => new SchedulingChecklistChecks()],
  ])('the %s pack finds nothing unacknowledged', (_name, pack) => {
    const report = pack().validateScope(stack);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
      ),
    ).toEqual([]);
  });
  void Match;
});
