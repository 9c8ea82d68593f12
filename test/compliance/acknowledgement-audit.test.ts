import { App, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { addCompliancePacks, RuleOutcomeLog } from '../../lib';
import { defaultStack, testApp } from '../support/app';

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
  const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
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
