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
 * a future regression). An acknowledgement of a bare rule id is used when the rule's findings by id
 * (`<rule id>[<finding>]`) are acknowledged through it (`acknowledge` covers them, see `coverFindingIds`); one
 * that did not reach the open findings of its rule is named as such rather than as stale. Register it after the
 * packs whose outcomes `log` records.
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
    // The rule ids each acknowledgement matched, by the path of the construct it was made on.
    const usedAt = new Map<string, Set<string>>();
    for (const outcome of this.log.outcomes) {
      if (outcome.status === 'acknowledged' && outcome.acknowledgement) {
        const path = outcome.acknowledgement.constructPath;
        usedAt.set(path, (usedAt.get(path) ?? new Set()).add(outcome.ruleId));
      }
    }
    const recorded = recordedAcknowledgements(context.appConstruct);
    const reasons = new Map(recorded.map((a) => [`${a.constructPath} ${a.ruleId}`, a.reason]));
    for (const ack of recorded) {
      const ruleId = ruleIdOf(ack.ruleId);
      const isFindingId = ruleId !== ack.ruleId;
      // A finding id acknowledged on the same construct with the reason of its rule's bare id is that
      // acknowledgement, covering the finding: its reason is judged once, on the bare id.
      const coveredByBareId = isFindingId && reasons.get(`${ack.constructPath} ${ruleId}`) === ack.reason;
      const words = ack.reason
        .replace(/^\[C\d+\]\s*/, '')
        .split(/\s+/)
        .filter(Boolean).length;
      if (!coveredByBareId && words < MIN_REASON_WORDS) {
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
      const used = [...(usedAt.get(ack.constructPath) ?? [])].some(
        (id) => id === ack.ruleId || (!isFindingId && ruleIdOf(id) === ack.ruleId),
      );
      if (!judged || used) {
        continue;
      }
      const missed = isFindingId ? [] : this.openFindingIds(ack.ruleId, ack.constructPath);
      violations.push(
        missed.length > 0
          ? violation(
              'AcknowledgementMissesFindingIds',
              ack.constructPath,
              `${ack.ruleId} is acknowledged here by its bare rule id, but the rule reports its findings by id ` +
                `(${missed.join(', ')}) and cdk-nag matches an acknowledgement to a finding id exactly: make it ` +
                'with acknowledge(), whose bare rule ids cover every finding id of the rule, or acknowledge each ' +
                'finding id.',
            )
          : violation(
              'StaleAcknowledgement',
              ack.constructPath,
              `${ack.ruleId} is acknowledged here but reports no finding: remove the acknowledgement.`,
            ),
      );
    }
    return { success: violations.length === 0, violations };
  }

  /** The finding ids of `ruleId` left open on the construct at `path` or below it. */
  private openFindingIds(ruleId: string, path: string): string[] {
    const open = this.log.outcomes
      .filter(
        (o) =>
          o.status === 'non-compliant' &&
          ruleIdOf(o.ruleId) === ruleId &&
          o.ruleId !== ruleId &&
          (o.resourcePath === path || o.resourcePath.startsWith(`${path}/`)),
      )
      .map((o) => o.ruleId);
    return [...new Set(open)];
  }
}

/** The rule id of a finding id (`<rule id>[<finding>]`), or the id itself. */
function ruleIdOf(id: string): string {
  const bracket = id.indexOf('[');
  return bracket < 0 ? id : id.slice(0, bracket);
}

function violation(ruleName: string, constructPath: string, description: string): PolicyViolation {
  return { ruleName, description, severity: 'error', violatingResources: [{ constructPath, locations: [] }] };
}
