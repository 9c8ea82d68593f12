import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  acknowledge,
  Acknowledgement,
  addCompliancePacks,
  recordedAcknowledgements,
  RuleOutcomeLog,
  SchedulingChecklistChecks,
} from '../../lib';
import { coverFindingIdsInTree } from '../../lib/compliance/finding-acknowledgements';
import { defaultStack, testApp } from '../support/app';
import { SeparatedDutiesKey } from '../../lib/private/separated-key';

/** Synthesizes `app` and returns the message of the validation failure, or 'synthesized'. */
function synthOutcome(app: App): string {
  try {
    app.synth();
    return 'synthesized';
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * A stack with one encrypted log group that every pack accepts, unless its retention exceeds the checklist's
 * 400-day ceiling: then only `SchedulingChecklist-C7-LogRetention` reports it.
 */
function logGroupApp(retention: logs.RetentionDays): { app: App; logGroup: logs.LogGroup } {
  const app = testApp();
  const stack = new Stack(app, 'Audit');
  const encryptionKey = new SeparatedDutiesKey(stack, 'Key', { enableKeyRotation: true });
  const logGroup = new logs.LogGroup(stack, 'Logs', { retention, encryptionKey });
  return { app, logGroup };
}

const REASON =
  'Kept for the legal hold of an ongoing investigation, as agreed with the data protection officer.';

describe('AcknowledgementAudit', () => {
  test('fails synth on an acknowledgement that matches no finding', () => {
    const { app, logGroup } = logGroupApp(logs.RetentionDays.ONE_MONTH);
    Validations.of(logGroup).acknowledge({ id: 'SchedulingChecklist-C7-LogRetention', reason: REASON });
    addCompliancePacks(app);
    const message = synthOutcome(app);
    expect(message).toContain('StaleAcknowledgement');
    expect(message).toContain(
      'SchedulingChecklist-C7-LogRetention is acknowledged here but reports no finding',
    );
  });

  test('fails synth on an acknowledgement without a real reason', () => {
    const { app, logGroup } = logGroupApp(logs.RetentionDays.TWO_YEARS);
    Validations.of(logGroup).acknowledge({ id: 'SchedulingChecklist-C7-LogRetention', reason: 'needed' });
    addCompliancePacks(app);
    const message = synthOutcome(app);
    expect(message).toContain('AcknowledgementWithoutReason');
    expect(message).not.toContain('StaleAcknowledgement');
  });

  test('accepts a used acknowledgement with a reason, and records it as acknowledged', () => {
    const { app, logGroup } = logGroupApp(logs.RetentionDays.TWO_YEARS);
    Validations.of(logGroup).acknowledge({ id: 'SchedulingChecklist-C7-LogRetention', reason: REASON });
    const outcomes = new RuleOutcomeLog();
    addCompliancePacks(app, { outcomes });
    expect(synthOutcome(app)).toBe('synthesized');
    expect(outcomes.outcomes).toContainEqual({
      pack: 'SchedulingChecklist',
      ruleId: 'SchedulingChecklist-C7-LogRetention',
      resourcePath: 'Audit/Logs/Resource',
      status: 'acknowledged',
      level: 'Error',
      info: expect.stringContaining(
        'The log group keeps its logs forever or longer than the 400-day ceiling.',
      ),
      acknowledgement: { reason: REASON, constructPath: 'Audit/Logs' },
    });
  });

  test('on the default stack, every registry acknowledgement is used and every outcome recorded', () => {
    const app = testApp();
    defaultStack({}, app);
    const outcomes = new RuleOutcomeLog();
    addCompliancePacks(app, { outcomes });
    expect(synthOutcome(app)).toBe('synthesized');
    const statuses = new Set(outcomes.outcomes.map((o) => o.status));
    expect([...statuses].sort()).toEqual(['acknowledged', 'compliant']);
    expect(outcomes.outcomes).toContainEqual(
      expect.objectContaining({
        ruleId: 'AwsSolutions-EC23',
        status: 'acknowledged',
        resourcePath: 'SecureScheduling/LoadBalancer/SecurityGroup/Resource',
      }),
    );
  });
});

/** The bare id of a checklist rule that reports its findings by id (`storage-encrypted`, `kms-key`). */
const CUSTOMER_MANAGED_KEYS = 'SchedulingChecklist-C5-CustomerManagedKeys';

/**
 * A stack with one log group encrypted by no key of the account: the checklist reports
 * `SchedulingChecklist-C5-CustomerManagedKeys[kms-key]`, and HIPAA, NIST and PCI their own rule, acknowledged
 * here by `acknowledge` so that the checklist finding is the only one left to cover.
 */
function unencryptedLogGroupApp(): { app: App; logGroup: logs.LogGroup } {
  const app = testApp();
  const stack = new Stack(app, 'Audit');
  const logGroup = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
  acknowledge(
    logGroup,
    ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      ruleId: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: REASON,
    })),
  );
  return { app, logGroup };
}

const BARE_CUSTOMER_MANAGED_KEYS: Acknowledgement = {
  ruleId: CUSTOMER_MANAGED_KEYS,
  checklist: 'C5',
  reason: REASON,
};

describe('an acknowledgement by bare rule id', () => {
  describe('made with acknowledge()', () => {
    test('covers every finding id of a checklist rule, and the audit counts it as used', () => {
      const { app, logGroup } = unencryptedLogGroupApp();
      acknowledge(logGroup, [BARE_CUSTOMER_MANAGED_KEYS]);
      const outcomes = new RuleOutcomeLog();
      addCompliancePacks(app, { outcomes });
      expect(synthOutcome(app)).toBe('synthesized');
      expect(outcomes.outcomes).toContainEqual(
        expect.objectContaining({
          ruleId: `${CUSTOMER_MANAGED_KEYS}[kms-key]`,
          resourcePath: 'Audit/Logs/Resource',
          status: 'acknowledged',
          acknowledgement: { reason: `[C5] ${REASON}`, constructPath: 'Audit/Logs' },
        }),
      );
      // Recorded on the construct it was made on: the bare id, and the finding id it covers, with one reason.
      expect(
        recordedAcknowledgements(logGroup)
          .filter((a) => a.ruleId.startsWith(CUSTOMER_MANAGED_KEYS))
          .map((a) => [a.ruleId, a.reason]),
      ).toEqual([
        [CUSTOMER_MANAGED_KEYS, `[C5] ${REASON}`],
        [`${CUSTOMER_MANAGED_KEYS}[kms-key]`, `[C5] ${REASON}`],
      ]);
    });

    test('covers every finding id of a cdk-nag rule (AwsSolutions-IAM5)', () => {
      const app = testApp();
      const stack = new Stack(app, 'Roles');
      const role = new iam.Role(stack, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] }));
      const findings = () =>
        new AwsSolutionsChecks()
          .validateScope(stack)
          .violations.map((v) => v.ruleName)
          .filter((r) => r.startsWith('AwsSolutions-IAM5'));
      expect(findings()).toEqual(['AwsSolutions-IAM5[Action::s3:Get*]', 'AwsSolutions-IAM5[Resource::*]']);
      acknowledge(role, [{ ruleId: 'AwsSolutions-IAM5', checklist: 'C3', reason: REASON }]);
      app.synth();
      expect(findings()).toEqual([]);
    });

    test('still fails synth as stale when the rule reports nothing there', () => {
      const { app, logGroup } = logGroupApp(logs.RetentionDays.ONE_MONTH);
      acknowledge(logGroup, [BARE_CUSTOMER_MANAGED_KEYS]);
      addCompliancePacks(app);
      const message = synthOutcome(app);
      expect(message).toContain(`StaleAcknowledgement`);
      expect(message).toContain(`${CUSTOMER_MANAGED_KEYS} is acknowledged here but reports no finding`);
    });
  });

  describe('made with Validations.of(construct).acknowledge', () => {
    test('is named as missing the finding ids, not as stale, while the finding is open', () => {
      const { app, logGroup } = unencryptedLogGroupApp();
      Validations.of(logGroup).acknowledge({ id: CUSTOMER_MANAGED_KEYS, reason: REASON });
      addCompliancePacks(app);
      const message = synthOutcome(app);
      expect(message).toContain(`${CUSTOMER_MANAGED_KEYS}[kms-key]`);
      expect(message).toContain('AcknowledgementMissesFindingIds');
      expect(message).not.toContain('StaleAcknowledgement');
    });

    test('covers the finding ids too once coverFindingIdsInTree is registered on the app', () => {
      const { app, logGroup } = unencryptedLogGroupApp();
      Validations.of(logGroup).acknowledge({ id: CUSTOMER_MANAGED_KEYS, reason: REASON });
      coverFindingIdsInTree(app);
      addCompliancePacks(app);
      expect(synthOutcome(app)).toBe('synthesized');
      expect(new SchedulingChecklistChecks().validateScope(app).violations).toEqual([]);
    });
  });
});
