import { IConstruct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  IApplyRule,
  NagPack,
  NagPackProps,
  NIST80053R5Checks,
  PCIDSS321Checks,
} from 'cdk-nag';
import { SchedulingChecklistChecks } from './checklist/scheduling-checklist-checks';

/** An acknowledgement as `Validations.acknowledge` takes it. */
export interface RuleAcknowledgement {
  /** Rule id, e.g. `SchedulingChecklist-C5-CustomerManagedKeys`, optionally after its plugin's `<name>::`. */
  readonly id: string;
  readonly reason: string;
}

type PackClass = new (scope?: IConstruct, props?: NagPackProps) => NagPack;

/** The packs whose rules can report findings by id: the four cdk-nag packs and the checklist pack. */
const PACK_CLASSES: readonly PackClass[] = [
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  SchedulingChecklistChecks,
];

/**
 * A pack's rule id with no finding (`[...]`): `<pack>-<rule>`, optionally after the plugin namespace
 * `<pack>::` that `cdk synth` prints. Pack names hold no hyphen.
 */
const BARE_RULE_ID = /^((?:[A-Za-z0-9.-]+::)?)([A-Za-z0-9.]+-[^[\]:]+)$/;

/** A bare acknowledgement, read: the namespace as given (or ''), the rule id, the reason. */
interface BareAcknowledgement {
  readonly namespace: string;
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Makes each acknowledgement of a bare rule id among `acknowledgements` cover every finding id that rule reports
 * on `scope` or below. A rule that reports several findings on one resource reports each as
 * `<rule id>[<finding>]` (`SchedulingChecklist-C5-CustomerManagedKeys[kms-key]`, `AwsSolutions-IAM5[Resource::*]`),
 * and cdk-nag 3 matches an acknowledgement to a finding by its exact id, without prefix matching, so the bare id
 * alone covers none of them. At synth, once the tree is final and before the packs validate it, the rule is run
 * on the resources under `scope` and each finding id it reports there is acknowledged on `scope` with the same
 * reason. A rule that reports no finding ids (or that throws) is matched by the bare id itself.
 */
export function coverFindingIds(scope: IConstruct, acknowledgements: readonly RuleAcknowledgement[]): void {
  const bare = bareAcknowledgements(acknowledgements);
  if (bare.length === 0) {
    return;
  }
  // A construct's validations run at synth after aspects and preparation (the tree is final) and before the
  // validation plugins (the packs): the one moment the findings are known and not yet judged.
  scope.node.addValidation({
    validate: () => {
      acknowledgeFindingIds(scope, bare);
      return [];
    },
  });
}

/**
 * The same for every acknowledgement made on `root` or below, however it was made (`acknowledge` or
 * `Validations.of(construct).acknowledge`): registered once on the app, the bare rule id of any acknowledgement
 * then covers that rule's finding ids under the construct it was made on.
 */
export function coverFindingIdsInTree(root: IConstruct): void {
  root.node.addValidation({
    validate: () => {
      for (const construct of root.node.findAll()) {
        const bare = bareAcknowledgements(acknowledgementsOn(construct));
        if (bare.length > 0) {
          acknowledgeFindingIds(construct, bare);
        }
      }
      return [];
    },
  });
}

function bareAcknowledgements(acknowledgements: readonly RuleAcknowledgement[]): BareAcknowledgement[] {
  return acknowledgements.flatMap((a) => {
    const match = BARE_RULE_ID.exec(a.id);
    return match ? [{ namespace: match[1], ruleId: match[2], reason: a.reason }] : [];
  });
}

/** Acknowledges on `scope` the finding ids the rules of `bare` report on `scope` or below. */
function acknowledgeFindingIds(scope: IConstruct, bare: readonly BareAcknowledgement[]): void {
  const findings = new Map<string, Set<string>>(bare.map((a) => [a.ruleId, new Set()]));
  for (const Pack of PACK_CLASSES) {
    const collector = findingCollector(Pack, findings);
    if (bare.some((a) => a.ruleId.startsWith(`${collector.readPackName}-`))) {
      collector.validateScope(scope);
    }
  }
  // Acknowledged already when synth runs again, or by hand with a reason of its own: left as it is.
  const already = new Set(acknowledgementsOn(scope).map((a) => a.id));
  for (const { namespace, ruleId, reason } of bare) {
    for (const finding of findings.get(ruleId) ?? []) {
      const id = `${namespace}${ruleId}[${finding}]`;
      if (!already.has(id)) {
        already.add(id);
        Validations.of(scope).acknowledge({ id, reason });
      }
    }
  }
}

/** The acknowledgements made on `construct` itself, with ids as given (aws-cdk-lib's `Annotation::` removed). */
function acknowledgementsOn(construct: IConstruct): RuleAcknowledgement[] {
  const found: RuleAcknowledgement[] = [];
  for (const entry of construct.node.metadata) {
    if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        found.push({ id: id.replace(/^annotation::/i, ''), reason: String(reason) });
      }
    }
  }
  return found;
}

/**
 * A pack of class `Base` that reports nothing: it runs only the rules that are keys of `findings` and adds the
 * findings each reports by id to its set. A rule that throws is left alone: its finding carries the bare id.
 */
function findingCollector(Base: PackClass, findings: ReadonlyMap<string, Set<string>>): NagPack {
  // Abstract only to TypeScript, which cannot see that every `Base` given here implements the pack.
  abstract class FindingCollector extends Base {
    protected override applyRule(params: IApplyRule): void {
      const found = findings.get(`${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`);
      if (found === undefined) {
        return;
      }
      let result;
      try {
        result = params.rule(params.node);
      } catch {
        return;
      }
      if (Array.isArray(result)) {
        for (const finding of result) {
          found.add(finding);
        }
      }
    }
  }
  return new (FindingCollector as unknown as PackClass)();
}
