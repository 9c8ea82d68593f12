import { RuleOutcome } from '../../lib';

/** An open finding of the checklist pack, as the packs record it. */
export const OPEN_FINDING: RuleOutcome = {
  pack: 'SchedulingChecklist',
  ruleId: 'SchedulingChecklist-C7-LogRetention',
  resourcePath: 'S/Logs/Resource',
  status: 'non-compliant',
  level: 'Error',
  info: 'The log group keeps its logs forever.',
};
