import {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
} from 'aws-cdk-lib';
import { recordedAcknowledgements } from './acknowledgements';
import { RuleOutcomeLog } from './rule-outcomes';

/** A reason shorter than this many words cannot tell a reviewer why a finding is accepted. */
const MIN_REASON_WORDS = 8;

/**
 * Fails synth on acknowledgements a reviewer could not accept: one without a real reason, or one that matches
 * no finding of the packs that ran (stale: the resource was fixed or removed, so the acknowledgement only hides
 * a future regression). Register it after the packs whose outcomes `log` records.
 */
export class AcknowledgementAudit implements IPolicyValidationPlugin {
  public readonly name = 'SchedulingAcknowledgements';

  constructor(
    private readonly log: RuleOutcomeLog,
    private readonly packNames: readonly string[],
  ) {}

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    // The packs have all run: their shared rule results are not needed any more.
    this.log.endValidation();
    const violations: PolicyViolation[] = [];
    const used = new Set(
      this.log.outcomes
        .filter((o) => o.status === 'acknowledged' && o.acknowledgement)
        .map((o) => `${o.acknowledgement?.constructPath} ${o.ruleId}`),
    );
    for (const ack of recordedAcknowledgements(context.appConstruct)) {
      const words = ack.reason
        .replace(/^\[C\d+\]\s*/, '')
        .split(/\s+/)
        .filter(Boolean).length;
      if (words < MIN_REASON_WORDS) {
        violations.push(
          violation(
            'AcknowledgementWithoutReason',
            ack.constructPath,
            `The acknowledgement of ${ack.ruleId} gives no reason a reviewer can check ("${ack.reason}").`,
          ),
        );
      }
      // Only the packs whose outcomes are recorded can tell whether an acknowledgement is used.
      const judged = this.packNames.some((pack) => ack.ruleId.startsWith(`${pack}-`));
      if (judged && !used.has(`${ack.constructPath} ${ack.ruleId}`)) {
        violations.push(
          violation(
            'StaleAcknowledgement',
            ack.constructPath,
            `${ack.ruleId} is acknowledged here but reports no finding: remove the acknowledgement.`,
          ),
        );
      }
    }
    return { success: violations.length === 0, violations };
  }
}

function violation(ruleName: string, constructPath: string, description: string): PolicyViolation {
  return { ruleName, description, severity: 'error', violatingResources: [{ constructPath, locations: [] }] };
}
