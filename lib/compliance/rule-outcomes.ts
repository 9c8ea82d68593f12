import { IConstruct } from 'constructs';
import {
  CfnResource,
  IPolicyValidationContext,
  PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import { IApplyRule, NagPack, NagPackProps, NagRuleCompliance, NagRuleResult } from 'cdk-nag';

/** What one rule said about one resource. */
export type OutcomeStatus = 'compliant' | 'non-compliant' | 'acknowledged' | 'error';

/** One rule × resource outcome, as a compliance reviewer reads it. */
export interface RuleOutcome {
  /** Pack that ran the rule, e.g. `AwsSolutions`. */
  readonly pack: string;
  /** Rule id as reported, with the finding in brackets where a rule reports several, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly ruleId: string;
  /** Construct path of the resource. */
  readonly resourcePath: string;
  readonly status: OutcomeStatus;
  /** Level of the rule: `Error`, `Warning` or `Info`. */
  readonly level: string;
  /** What the rule reports when it finds something. */
  readonly info: string;
  /** For `acknowledged`: the reason given, and where the acknowledgement was made. */
  readonly acknowledgement?: { readonly reason: string; readonly constructPath: string };
}

type Rule = IApplyRule['rule'];

/** What a rule checks, beyond the id a pack reports it by. */
export interface RuleCheck {
  /**
   * The name of the check: its function's name, which packs that run the same check share
   * (`S3BucketSSLRequestsOnly` is `AwsSolutions-S10` and `HIPAA.Security-S3BucketSSLRequestsOnly`).
   */
  readonly name: string;
  /** Why the rule exists, as the pack explains it. */
  readonly explanation: string;
}

/** Collects the outcomes of every rule the recording packs evaluate, acknowledged findings included. */
export class RuleOutcomeLog {
  public readonly outcomes: RuleOutcome[] = [];

  /** What each rule that reported a finding checks, by its id without the finding (`AwsSolutions-IAM5`). */
  private readonly checks = new Map<string, RuleCheck>();

  /**
   * What each rule said of each resource during one synth's validation, shared by the packs of this log. The
   * HIPAA, NIST and PCI packs share most of their rules (the same functions of cdk-nag's `rules/`), and a rule
   * is a pure function of the resource, so a rule a pack already ran on a resource answers the next pack from
   * here instead of resolving the resource again; each pack still reports, acknowledges and records the
   * outcome under its own name. Made when the first pack validates and dropped by the acknowledgement audit,
   * the plugin that runs after them (`addCompliancePacks`); a pack called on its own (`validateScope`) runs
   * every rule.
   */
  private ruleResults?: WeakMap<CfnResource, Map<Rule, NagRuleResult>>;

  /**
   * Starts sharing rule results among the packs of this synth's validation. The first pack to validate starts
   * the log afresh: an app synthesized twice records each synth's outcomes, not both.
   */
  public beginValidation(): void {
    if (this.ruleResults === undefined) {
      this.outcomes.length = 0;
      this.checks.clear();
      this.ruleResults = new WeakMap();
    }
  }

  /** Stops sharing: the next synth judges its resources afresh. */
  public endValidation(): void {
    this.ruleResults = undefined;
  }

  /**
   * What the rule `ruleId` (with or without its finding in brackets) checks, when it reported a finding: the
   * findings of one check on one resource are reported once, with every pack that raised them.
   */
  public checkOf(ruleId: string): RuleCheck | undefined {
    return this.checks.get(ruleId.replace(/\[.*$/, ''));
  }

  /** Notes what the rule `ruleId` checks; the recording packs call it for each rule that reports a finding. */
  public noteCheck(ruleId: string, check: RuleCheck): void {
    if (!this.checks.has(ruleId)) this.checks.set(ruleId, check);
  }

  /** What `rule` says of `node`: from an earlier pack of the same validation, or by running it. */
  public judge(rule: Rule, node: CfnResource): NagRuleResult {
    if (this.ruleResults === undefined) {
      return rule(node);
    }
    let results = this.ruleResults.get(node);
    if (results === undefined) {
      results = new Map();
      this.ruleResults.set(node, results);
    }
    let result = results.get(rule);
    if (result === undefined) {
      result = rule(node);
      results.set(rule, result);
    }
    return result;
  }
}

type PackClass = new (scope?: IConstruct, props?: NagPackProps) => NagPack;

/**
 * A pack of class `Base` that also records every outcome in `log`: cdk-nag 3 reports only unacknowledged
 * findings, while reviewers need the compliant and the acknowledged ones too. Each rule still runs once.
 */
export function recordingPack(
  Base: PackClass,
  log: RuleOutcomeLog,
  scope?: IConstruct,
  props?: NagPackProps,
): NagPack {
  // Abstract only to TypeScript, which cannot see that every `Base` given here implements the pack.
  abstract class RecordingPack extends Base {
    /** The rule being applied and the id it reports by; cdk-nag calls the rule within `applyRule`. */
    private current?: { readonly params: IApplyRule; readonly ruleId: string };

    /**
     * Runs the current rule and records its outcome. One function for every rule, made once: `applyRule`
     * runs for each rule × resource (thousands of times a synth), so it makes no closure of its own.
     */
    private readonly recordingRule = (node: CfnResource): NagRuleResult => {
      const { params, ruleId } = this.current as { params: IApplyRule; ruleId: string };
      let result: NagRuleResult;
      try {
        result = log.judge(params.rule, node);
      } catch (error) {
        this.record(params, ruleId, 'error');
        throw error;
      }
      if (result === NagRuleCompliance.COMPLIANT) {
        this.record(params, ruleId, 'compliant');
      } else if (result === NagRuleCompliance.NON_COMPLIANT) {
        this.record(params, ruleId, 'non-compliant');
      } else if (Array.isArray(result)) {
        for (const finding of result) {
          this.record(params, `${ruleId}[${finding}]`, 'non-compliant');
        }
      }
      return result;
    };

    public override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
      log.beginValidation();
      return super.validate(context);
    }

    protected override applyRule(params: IApplyRule): void {
      const suffix = params.ruleSuffixOverride ?? params.rule.name;
      const outer = this.current;
      this.current = { params, ruleId: `${this.readPackName}-${suffix}` };
      try {
        super.applyRule({ ...params, ruleSuffixOverride: suffix, rule: this.recordingRule });
      } finally {
        this.current = outer;
      }
    }

    private record(params: IApplyRule, id: string, status: OutcomeStatus): void {
      const acknowledgement = status === 'compliant' ? undefined : acknowledgementOf(params.node, id);
      if (status !== 'compliant' && !acknowledgement) {
        // Only findings are merged across packs, so only their rules are noted (a few, not every rule).
        log.noteCheck((this.current as { ruleId: string }).ruleId, {
          name: params.rule.name,
          explanation: params.explanation,
        });
      }
      log.outcomes.push({
        pack: this.readPackName,
        ruleId: id,
        resourcePath: params.node.node.path,
        status: acknowledgement ? 'acknowledged' : status,
        level: params.level,
        info: params.info,
        acknowledgement,
      });
    }
  }
  return new (RecordingPack as unknown as PackClass)(scope, props);
}

/**
 * The acknowledgement of `ruleId` on `construct` or the nearest ancestor that has one, the way cdk-nag looks.
 * Both forms aws-cdk-lib records count: the rule id alone (`AwsSolutions-S10`, recorded as
 * `Annotation::AwsSolutions-S10`) and the id with its pack (`AwsSolutions::AwsSolutions-S10`, the form the CDK
 * CLI suggests).
 */
export function acknowledgementOf(
  construct: IConstruct,
  ruleId: string,
): { reason: string; constructPath: string } | undefined {
  for (let current: IConstruct | undefined = construct; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) {
        continue;
      }
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        if (acknowledgedId(id) === ruleId) {
          return { reason: String(reason), constructPath: current.node.path };
        }
      }
    }
  }
  return undefined;
}

/**
 * The rule id an acknowledgement names, without the namespace aws-cdk-lib records it under: `Annotation::`
 * for an id given alone, or the pack's own (`AwsSolutions::AwsSolutions-S10`). Another namespace names a rule
 * of another plugin and is kept, so it matches no rule of the packs.
 */
function acknowledgedId(id: string): string {
  const namespaced = /^([\w.-]+)::(.*)$/.exec(id);
  if (!namespaced) return id;
  const [, namespace, rule] = namespaced;
  return /^annotation$/i.test(namespace) || rule.startsWith(`${namespace}-`) ? rule : id;
}
