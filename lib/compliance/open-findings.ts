import { baseRuleId } from './checklist-verdicts';
import { RuleCheck, RuleOutcome } from './rule-outcomes';

/**
 * One open finding: a check that failed on a resource, with every pack that raised it. The HIPAA, NIST and PCI
 * packs, and often AWS Solutions, run the same check under their own rule ids; a reader needs it once.
 */
export interface OpenFinding {
  /** The packs that raised it, in the order they ran. */
  readonly packs: readonly string[];
  /** The rule ids to acknowledge it by, one per pack: `AwsSolutions-S10`, `HIPAA.Security-S3BucketSSLRequestsOnly`. */
  readonly ruleIds: readonly string[];
  /** The check: its shared name when several packs raised it, else the pack's own rule id without the pack. */
  readonly rule: string;
  readonly resourcePath: string;
  /** `Error` when any pack raised it at error level, else `Warning`. */
  readonly level: string;
  /** What the first pack says of it. */
  readonly info: string;
  /** Why the rule exists, when known. */
  readonly explanation?: string;
  /** Whether the rule could not judge the resource at synth (a value known only at deploy time). */
  readonly unjudged: boolean;
  /** The outcomes it stands for, one per pack. */
  readonly outcomes: readonly RuleOutcome[];
}

/**
 * The open findings among `outcomes` (non-compliant, or a rule that could not judge its resource), one per check
 * and resource, in the order the packs found them. `checkOf` says what a rule checks (`RuleOutcomeLog.checkOf`):
 * rules of the same check on the same resource are one finding.
 */
export function openFindings(
  outcomes: readonly RuleOutcome[],
  checkOf: (ruleId: string) => RuleCheck | undefined = () => undefined,
): OpenFinding[] {
  const groups = new Map<string, RuleOutcome[]>();
  for (const o of outcomes) {
    if (o.status !== 'non-compliant' && o.status !== 'error') continue;
    const finding = o.ruleId.slice(baseRuleId(o.ruleId).length);
    const check = checkOf(o.ruleId)?.name ?? baseRuleId(o.ruleId);
    const key = `${check}${finding} ${o.resourcePath}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [o]);
    else if (!group.some((g) => g.ruleId === o.ruleId && g.pack === o.pack)) group.push(o);
  }
  return [...groups.values()].map((group) => {
    const [first] = group;
    const finding = first.ruleId.slice(baseRuleId(first.ruleId).length);
    const check = checkOf(first.ruleId);
    const rule =
      group.length > 1 && check
        ? `${check.name}${finding}`
        : first.ruleId.startsWith(`${first.pack}-`)
          ? first.ruleId.slice(first.pack.length + 1)
          : first.ruleId;
    return {
      packs: [...new Set(group.map((o) => o.pack))],
      ruleIds: group.map((o) => o.ruleId),
      rule,
      resourcePath: first.resourcePath,
      level: group.some((o) => o.level === 'Error') ? 'Error' : 'Warning',
      info: first.info,
      ...(check ? { explanation: check.explanation } : {}),
      unjudged: group.some((o) => o.status === 'error'),
      outcomes: group,
    };
  });
}

/** `AwsSolutions, HIPAA.Security: S3BucketSSLRequestsOnly at App/Bucket/Resource`: one line per finding. */
export function openFindingLine(finding: OpenFinding): string {
  return `${finding.packs.join(', ')}: ${finding.rule} at ${finding.resourcePath}`;
}

/** `3 open findings in 2 resources`. */
export function openFindingsCount(findings: readonly OpenFinding[]): string {
  const resources = new Set(findings.map((f) => f.resourcePath)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return findings.length === 0
    ? '0 open findings'
    : `${plural(findings.length, 'open finding')} in ${plural(resources, 'resource')}`;
}
