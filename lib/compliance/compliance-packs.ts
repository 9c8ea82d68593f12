import { IConstruct } from 'constructs';
import {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R5Checks,
  NagPack,
  NagPackProps,
  PCIDSS321Checks,
} from 'cdk-nag';
import { AcknowledgementAudit } from './acknowledgement-audit';
import { SchedulingChecklistChecks } from './checklist/scheduling-checklist-checks';
import { ComplianceReports } from './compliance-reports';
import { DeployTimeRulesPlugin } from './deploy-time/deploy-time-plugin';
import { recordingPack, RuleOutcomeLog } from './rule-outcomes';

export interface CompliancePacksOptions {
  /**
   * Print each rule's explanation next to its findings.
   * @default false
   */
  readonly verbose?: boolean;

  /**
   * Where every rule × resource outcome is recorded, compliant and acknowledged ones included; each synth
   * records its own.
   * @default - a new log, read by the acknowledgement audit and the reports
   */
  readonly outcomes?: RuleOutcomeLog;

  /**
   * Write the compliance reports at every synth: `compliance-summary.html` and `.md` for reviewers (with a
   * picture of each stack's architecture), `compliance-outcomes.json` and `.csv` (every rule × resource
   * outcome) and `compliance.sarif` (for code scanning). The verdict is printed either way.
   * @default true
   */
  readonly writeReports?: boolean;

  /**
   * Where to write the reports.
   * @default - the cloud assembly directory (`cdk.out` under the CDK CLI, or the app's `outdir`)
   */
  readonly reportDirectory?: string;
}

/**
 * Registers the compliance packs secure-scheduling is checked against on an app or stage: AWS Solutions,
 * HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and the project's own checklist pack, then an audit of the
 * acknowledgements (each needs a reason, and must match a finding of those packs), then the deploy-time rules
 * (a limit AWS would enforce only when the stack is deployed), and last the reports: synth writes them into
 * the cloud assembly, reports each open finding once with the packs that raised it, and prints the verdict on
 * each checklist item after everything else. Synth fails on any finding that is neither fixed nor
 * acknowledged, on any stale or unexplained acknowledgement, and on any deploy-time problem.
 * Returns the registered packs.
 */
export function addCompliancePacks(app: IConstruct, options: CompliancePacksOptions = {}): NagPack[] {
  const props: NagPackProps = { verbose: options.verbose ?? false };
  const log = options.outcomes ?? new RuleOutcomeLog();
  const packs = [
    AwsSolutionsChecks,
    HIPAASecurityChecks,
    NIST80053R5Checks,
    PCIDSS321Checks,
    SchedulingChecklistChecks,
  ].map((Pack) => recordingPack(Pack, log, app, props));
  // Plugins run in the order they are registered: the audit and the reports read what the packs recorded.
  Validations.of(app).addPlugins(
    ...packs.map((pack) => new RecordingOnly(pack)),
    new AcknowledgementAudit(
      log,
      packs.map((p) => p.readPackName),
    ),
    // Limits AWS enforces at deploy time (docs/deploy-time-rules.md): a plugin of its own, not a pack, whose
    // problems name their rule and AWS documentation; they are for fixing, since AWS would refuse the deploy.
    new DeployTimeRulesPlugin(),
    new ComplianceReports({
      outcomes: log,
      packNames: packs.map((p) => p.readPackName),
      verbose: options.verbose,
      writeReports: options.writeReports,
      reportDirectory: options.reportDirectory,
    }),
  );
  return packs;
}

/**
 * A pack run for the outcomes it records only: its findings are reported by `ComplianceReports`, once per
 * check and resource with every pack that raised them, instead of once per pack.
 */
class RecordingOnly implements IPolicyValidationPlugin {
  public readonly name: string;

  constructor(private readonly pack: NagPack) {
    this.name = pack.name;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.pack.validate(context);
    return { success: true, violations: [] };
  }
}
