import * as path from 'node:path';
import {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
  Stage,
} from 'aws-cdk-lib';
import { checklistItemOf, ChecklistVerdict, checklistVerdicts, verdictLine } from './checklist-verdicts';
import { OpenFinding, openFindingLine, openFindings, openFindingsCount } from './open-findings';
import { writeOutcomeReports } from './outcome-reports';
import { RuleOutcome, RuleOutcomeLog } from './rule-outcomes';

/** The name the compliance packs' findings and verdict are reported under in the validation report. */
export const COMPLIANCE_PLUGIN_NAME = 'SchedulingCompliance';

/**
 * The severity of the verdict in the validation report. Not one of the four the CDK knows, so the CDK CLI
 * (and aws-cdk-lib, when the app itself reports) prints it after every finding: the last thing a synth shows.
 */
export const VERDICT_SEVERITY = 'VERDICT';

/** The rule the verdict is reported under (`SchedulingCompliance::Verdict`). */
export const VERDICT_RULE = 'Verdict';

export interface ComplianceReportsProps {
  /** The log the packs record their outcomes into. */
  readonly outcomes: RuleOutcomeLog;
  /** The packs whose outcomes the log holds, in the order they run. */
  readonly packNames: readonly string[];
  /**
   * Add each rule's explanation to its findings.
   * @default false
   */
  readonly verbose?: boolean;
  /**
   * Write the reports (HTML and Markdown summary, JSON and CSV of every outcome, SARIF) at every synth.
   * @default true
   */
  readonly writeReports?: boolean;
  /**
   * Where to write them.
   * @default - the cloud assembly directory (`cdk.out` under the CDK CLI)
   */
  readonly reportDirectory?: string;
}

/**
 * The last validation plugin of `addCompliancePacks`: once the packs have recorded every outcome, it writes the
 * reports into the cloud assembly, reports each open finding once with every pack that raised it (the packs
 * themselves report nothing, so a finding is not printed once per pack), and ends with the verdict: one line
 * per checklist item, where the reports are, and how many findings are open.
 *
 * A validation plugin is the one point of a synth that has both the outcomes (the packs are plugins too, and
 * run first, in the order registered) and the finished cloud assembly (templates, manifest and metadata are
 * written before plugins run), in any app that registers the packs: no code after `app.synth()` is needed.
 */
export class ComplianceReports implements IPolicyValidationPlugin {
  public readonly name = COMPLIANCE_PLUGIN_NAME;

  constructor(private readonly props: ComplianceReportsProps) {}

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const { outcomes: log, verbose = false, writeReports = true } = this.props;
    const outcomes = log.outcomes;
    const assembly = Stage.isStage(context.appConstruct)
      ? context.appConstruct.outdir
      : path.dirname(context.templatePaths[0]);
    const files = writeReports
      ? writeOutcomeReports(outcomes, this.props.reportDirectory ?? assembly, assembly)
      : [];
    const findings = openFindings(outcomes, (id) => log.checkOf(id));
    const violations: PolicyViolation[] = findings.map((f) => findingViolation(f, verbose));
    violations.push({
      ruleName: VERDICT_RULE,
      description: verdictText(outcomes, this.props.packNames, findings, files),
      severity: VERDICT_SEVERITY,
      violatingResources: [{ locations: [] }],
    });
    return { success: findings.length === 0, violations };
  }
}

/**
 * A finding as the validation report holds it: under the first pack's rule id, so the CDK's "Acknowledge with"
 * hint names a real rule, and with every pack's id in its description.
 */
function findingViolation(finding: OpenFinding, verbose: boolean): PolicyViolation {
  const [firstId] = finding.ruleIds;
  const pack = finding.packs[0];
  // The standard's control ids are in the reports; a terminal line is long enough without them.
  const text = finding.info.replace(/ - \(Control IDs?: .*\)\.?$/, '.');
  const info = finding.unjudged
    ? `could not be judged at synth (a value CloudFormation knows only at deploy time): ${text}`
    : text;
  const also =
    finding.ruleIds.length > 1 ? ` (acknowledge it in each pack: ${finding.ruleIds.join(', ')})` : '';
  return {
    ruleName: `${pack}::${firstId}`,
    description: `${openFindingLine(finding)}: ${info}${verbose && finding.explanation ? ` ${finding.explanation}` : ''}${also}`,
    severity: finding.level === 'Error' ? 'error' : 'warning',
    violatingResources: [{ constructPath: finding.resourcePath, locations: ['Properties'] }],
  };
}

/** The verdict of one synth, in lines: what ran, one verdict per checklist item, the reports, the open count. */
export function verdictText(
  outcomes: readonly RuleOutcome[],
  packNames: readonly string[],
  findings: readonly OpenFinding[],
  reportFiles: readonly string[],
): string {
  const acknowledged = outcomes.filter((o) => o.status === 'acknowledged').length;
  const lines = [
    `secure-scheduling compliance: ${packNames.join(', ')} judged ${outcomes.length} rule × resource outcomes; ` +
      (acknowledged === 0
        ? 'no finding acknowledged'
        : `${acknowledged} ${acknowledged === 1 ? 'finding' : 'findings'} acknowledged, each with its reason`),
    '  checklist verdicts (an item is met only when the evidence it requires is present; only an open finding fails synth):',
    ...checklistVerdicts(outcomes).map((v) => `  ${verdictLine(withMergedCount(v, findings))}`),
  ];
  if (reportFiles.length > 0) {
    const [json, csv, sarif, markdown, html] = reportFiles.map(displayPath);
    lines.push(
      `  compliance summary for reviewers: ${html} (also ${markdown})`,
      `  every rule × resource outcome: ${json}, ${csv}; SARIF for code scanning: ${sarif}`,
    );
  } else {
    lines.push('  reports: not written (addCompliancePacks option `writeReports: false`)');
  }
  lines.push(
    findings.length === 0
      ? `  ${openFindingsCount(findings)}: every finding is fixed or acknowledged with a reason`
      : `  ${openFindingsCount(findings)}, each listed above: synth fails until each is fixed or acknowledged with a reason`,
  );
  return lines.join('\n');
}

/**
 * `verdict` with its open findings counted as the lines above them are: once per check and resource, not once
 * per pack that raised them.
 */
function withMergedCount(verdict: ChecklistVerdict, findings: readonly OpenFinding[]): ChecklistVerdict {
  const open = findings.filter((f) => f.outcomes.some((o) => checklistItemOf(o) === verdict.item)).length;
  const rest = verdict.reasons.filter((r) => !OPEN_COUNT.test(r));
  if (rest.length === verdict.reasons.length) return verdict;
  return { ...verdict, reasons: [`${open} open ${open === 1 ? 'finding' : 'findings'}`, ...rest] };
}

/** The reason `checklistVerdicts` gives first while findings are open: `3 open findings`. */
const OPEN_COUNT = /^\d+ open findings?$/;

/** A path as the CDK prints its own: relative to the working directory, unless it is outside it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
