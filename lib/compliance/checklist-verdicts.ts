import { ChecklistItem } from './acknowledgements';
import { CHECKLIST_EVIDENCE, CHECKLIST_ITEMS, EvidenceRequirement } from './checklist/checklist-items';
import { CHECKLIST_RULES } from './checklist/checklist-rules';
import { RuleOutcome } from './rule-outcomes';
import { shippedRuleChecklistItem } from './shipped-rule-checklist';

/** What a reviewer may conclude about one checklist item from what the packs judged. */
export type Verdict = 'met' | 'met, with acknowledgements' | 'not met' | 'not checked';

/** One piece of evidence an item requires, and the resources that supply it. */
export interface EvidenceCheck {
  readonly requirement: EvidenceRequirement;
  /** Construct paths of the resources whose outcome supplies the evidence, sorted; empty when absent. */
  readonly resources: readonly string[];
}

/** The verdict on one checklist item, with what it rests on. */
export interface ChecklistVerdict {
  readonly item: ChecklistItem;
  readonly verdict: Verdict;
  /** Why the item is not met or not checked: open findings, then each piece of evidence that is absent. */
  readonly reasons: readonly string[];
  /** Each piece of evidence the item requires (`CHECKLIST_EVIDENCE`), present or not. */
  readonly evidence: readonly EvidenceCheck[];
  /** The outcomes that belong to the item (`checklistItemOf`). */
  readonly outcomes: readonly RuleOutcome[];
}

/** Reported as the item's reason when no rule had a resource to judge for it. */
export const NOTHING_JUDGED = 'no rule had a resource to judge for this item';

/** A rule id without the finding a rule reports among several: `AwsSolutions-IAM5[Resource::*]` → `AwsSolutions-IAM5`. */
export function baseRuleId(ruleId: string): string {
  return ruleId.replace(/\[.*$/, '');
}

/** The id a rule of the checklist pack is reported by: `C2-UserPoolMfa` → `SchedulingChecklist-C2-UserPoolMfa`. */
export const checklistRuleId = (id: string): string => `SchedulingChecklist-${id}`;

/**
 * The checklist item an outcome belongs to: the item of a rule of the checklist pack, the item an
 * acknowledgement names (`[C3] reason`), or the item `SHIPPED_RULE_CHECKLIST` gives a shipped pack's rule.
 * Outcomes of rules of template hygiene, or of rules not in that table, are counted under their pack only.
 */
export function checklistItemOf(outcome: RuleOutcome): ChecklistItem | undefined {
  const own = ITEM_OF_CHECKLIST_RULE.get(baseRuleId(outcome.ruleId));
  if (own !== undefined) {
    return own;
  }
  const named = /^\[(C\d+)\]/.exec(outcome.acknowledgement?.reason ?? '')?.[1];
  if (named !== undefined && named in CHECKLIST_ITEMS) {
    return named as ChecklistItem;
  }
  return shippedRuleChecklistItem(outcome.ruleId) ?? undefined;
}

/** The item of each rule of the checklist pack, by the id it is reported by. */
const ITEM_OF_CHECKLIST_RULE: ReadonlyMap<string, ChecklistItem> = new Map(
  CHECKLIST_RULES.map((r) => [checklistRuleId(r.id), r.checklist]),
);

/** `outcomes` grouped by `keyOf`, each group in the order the outcomes came. */
function groupOutcomes<K>(
  outcomes: readonly RuleOutcome[],
  keyOf: (o: RuleOutcome) => K,
): Map<K, RuleOutcome[]> {
  const groups = new Map<K, RuleOutcome[]>();
  for (const o of outcomes) {
    const key = keyOf(o);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [o]);
    else group.push(o);
  }
  return groups;
}

/** The outcomes of each rule, by rule id without the finding (`baseRuleId`). */
export function outcomesByRule(outcomes: readonly RuleOutcome[]): Map<string, RuleOutcome[]> {
  return groupOutcomes(outcomes, (o) => baseRuleId(o.ruleId));
}

const isOpen = (o: RuleOutcome) => o.status === 'non-compliant' || o.status === 'error';

/**
 * The resources that supply `requirement` among `outcomes`: those a rule of its `anyOf` judged compliant (or
 * acknowledged, where that counts) and reported no open finding on. A resource with one open finding of a
 * rule that reports several is no evidence, whatever its other findings say.
 */
function supplying(
  requirement: EvidenceRequirement,
  byRule: ReadonlyMap<string, readonly RuleOutcome[]>,
): string[] {
  const own = requirement.anyOf.flatMap((id) => byRule.get(checklistRuleId(id)) ?? []);
  const counted = (o: RuleOutcome) =>
    o.status === 'compliant' || (o.status === 'acknowledged' && requirement.acknowledgedCounts);
  const open = new Set(own.filter(isOpen).map((o) => `${baseRuleId(o.ruleId)} ${o.resourcePath}`));
  const resources = own
    .filter((o) => counted(o) && !open.has(`${baseRuleId(o.ruleId)} ${o.resourcePath}`))
    .map((o) => o.resourcePath);
  return [...new Set(resources)].sort();
}

/**
 * The verdict on each checklist item, from every outcome the packs recorded (not-applicable outcomes are not
 * recorded: a rule with none judged nothing):
 * - `not checked` when no rule had a resource to judge for the item;
 * - `not met` while a finding is open, or when evidence the item requires (`CHECKLIST_EVIDENCE`) is absent;
 * - `met, with acknowledgements` when the evidence is present and some findings were accepted with a reason;
 * - `met` when the evidence is present and every outcome passed.
 */
export function checklistVerdicts(outcomes: readonly RuleOutcome[]): ChecklistVerdict[] {
  // The JSON and the summary of one synth ask for the same outcomes' verdicts: worked out once.
  // (A log that has grown since is worked out again.)
  const known = VERDICTS.get(outcomes);
  if (known !== undefined && known.count === outcomes.length) {
    return known.verdicts;
  }
  const byItem = groupOutcomes(outcomes, checklistItemOf);
  const byRule = outcomesByRule(outcomes);
  const verdicts = (Object.keys(CHECKLIST_ITEMS) as ChecklistItem[]).map((item): ChecklistVerdict => {
    const own = byItem.get(item) ?? [];
    const evidence = CHECKLIST_EVIDENCE[item].map((requirement) => ({
      requirement,
      resources: supplying(requirement, byRule),
    }));
    if (own.length === 0) {
      return { item, verdict: 'not checked', reasons: [NOTHING_JUDGED], evidence, outcomes: own };
    }
    const open = own.filter(isOpen).length;
    const reasons = [
      ...(open > 0 ? [`${open} open ${open === 1 ? 'finding' : 'findings'}`] : []),
      ...evidence.filter((e) => e.resources.length === 0).map((e) => e.requirement.absent),
    ];
    const verdict: Verdict =
      reasons.length > 0
        ? 'not met'
        : own.some((o) => o.status === 'acknowledged')
          ? 'met, with acknowledgements'
          : 'met';
    return { item, verdict, reasons, evidence, outcomes: own };
  });
  VERDICTS.set(outcomes, { count: outcomes.length, verdicts });
  return verdicts;
}

const VERDICTS = new WeakMap<readonly RuleOutcome[], { count: number; verdicts: ChecklistVerdict[] }>();

/** One line per item, for a terminal: `C1 met`, `C2 not met: no operator sign-in with a second factor ...`. */
export function verdictLine(verdict: ChecklistVerdict): string {
  return verdict.reasons.length > 0
    ? `${verdict.item} ${verdict.verdict}: ${verdict.reasons.join('; ')}`
    : `${verdict.item} ${verdict.verdict}`;
}
