import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R5Checks,
  NagPack,
  PCIDSS321Checks,
} from 'cdk-nag';
import { IConstruct } from 'constructs';
import { SchedulingChecklistChecks } from '../../lib';

/** The four packs cdk-nag ships, each with the name tests print. */
export const SHIPPED_PACKS: ReadonlyArray<[string, () => NagPack]> = [
  ['AwsSolutions', () => new AwsSolutionsChecks()],
  ['HIPAA Security', () => new HIPAASecurityChecks()],
  ['NIST 800-53 R5', () => new NIST80053R5Checks()],
  ['PCI DSS 3.2.1', () => new PCIDSS321Checks()],
];

/** Every pack the bundled app registers: the shipped ones and the project's checklist pack. */
export const PACKS: ReadonlyArray<[string, () => NagPack]> = [
  ...SHIPPED_PACKS,
  ['SchedulingChecklist', () => new SchedulingChecklistChecks()],
];

/** What `pack` finds in `scope` that no acknowledgement covers, as `<rule> at <logical ids>`. */
export function openFindings(pack: NagPack, scope: IConstruct): string[] {
  return pack
    .validateScope(scope)
    .violations.map(
      (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
    );
}
