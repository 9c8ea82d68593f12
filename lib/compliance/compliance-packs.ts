import { IConstruct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
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
import { DeployTimeRulesPlugin } from './deploy-time/deploy-time-plugin';
import { recordingPack, RuleOutcomeLog } from './rule-outcomes';

export interface CompliancePacksOptions {
  /**
   * Print each rule's explanation next to its findings.
   * @default false
   */
  readonly verbose?: boolean;

  /**
   * Where every rule × resource outcome is recorded, compliant and acknowledged ones included.
   * @default - a new log, used only to find stale acknowledgements
   */
  readonly outcomes?: RuleOutcomeLog;
}

/**
 * Registers the compliance packs secure-scheduling is checked against on an app or stage: AWS Solutions,
 * HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and the project's own checklist pack, then an audit of the
 * acknowledgements (each needs a reason, and must match a finding of those packs). Synth then fails on any
 * finding that is neither fixed nor acknowledged, and on any stale or unexplained acknowledgement. Last, the
 * deploy-time rules: synth also fails on a limit AWS would enforce only when the stack is deployed.
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
  // Plugins run in the order they are registered: the audit reads what the packs recorded.
  Validations.of(app).addPlugins(
    ...packs,
    new AcknowledgementAudit(
      log,
      packs.map((p) => p.readPackName),
    ),
    // Limits AWS enforces at deploy time (docs/deploy-time-rules.md): a plugin of its own, not a pack, whose
    // problems name their rule and AWS documentation; they are for fixing, since AWS would refuse the deploy.
    new DeployTimeRulesPlugin(),
  );
  return packs;
}
