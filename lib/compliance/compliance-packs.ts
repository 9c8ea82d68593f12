import { IConstruct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
import { SchedulingChecklistChecks } from './checklist/scheduling-checklist-checks';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R5Checks,
  NagPack,
  NagPackProps,
  PCIDSS321Checks,
} from 'cdk-nag';

export interface CompliancePacksOptions {
  /**
   * Print each rule's explanation next to its findings.
   * @default false
   */
  readonly verbose?: boolean;
}

/**
 * Registers the compliance packs secure-scheduling is checked against on an app or stage: AWS Solutions,
 * HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and the project's own checklist pack. Synth then fails on any finding that is neither fixed
 * nor acknowledged. Returns the registered packs.
 */
export function addCompliancePacks(app: IConstruct, options: CompliancePacksOptions = {}): NagPack[] {
  const props: NagPackProps = { verbose: options.verbose ?? false };
  const packs = [
    new AwsSolutionsChecks(app, props),
    new HIPAASecurityChecks(app, props),
    new NIST80053R5Checks(app, props),
    new PCIDSS321Checks(app, props),
    new SchedulingChecklistChecks(app, props),
  ];
  Validations.of(app).addPlugins(...packs);
  return packs;
}
