import { ChecklistItem } from './acknowledgements';
import { CHECKLIST_ITEMS } from './checklist/checklist-items';
import { CHECKLIST_RULES } from './checklist/checklist-rules';
import { OutcomeStatus, RuleOutcome } from './rule-outcomes';

const STATUSES: readonly OutcomeStatus[] = ['compliant', 'acknowledged', 'non-compliant', 'error'];

/**
 * The checklist item an outcome belongs to: the item of a rule of the checklist pack, or the item an
 * acknowledgement names (`[C3] reason`). Outcomes of the shipped packs' rules that carry neither are counted
 * under their pack only.
 */
export function checklistItemOf(outcome: RuleOutcome): ChecklistItem | undefined {
  const rule = CHECKLIST_RULES.find((r) => outcome.ruleId.startsWith(`SchedulingChecklist-${r.id}`));
  if (rule) {
    return rule.checklist;
  }
  const named = /^\[(C\d+)\]/.exec(outcome.acknowledgement?.reason ?? '')?.[1];
  return named !== undefined && named in CHECKLIST_ITEMS ? (named as ChecklistItem) : undefined;
}

/**
 * A Markdown summary for compliance reviewers: totals per pack and per checklist item first, then for each
 * checklist item its rules, the resources checked, their outcome and every acknowledgement with its reason.
 */
export function outcomesToMarkdown(outcomes: readonly RuleOutcome[]): string {
  const lines: string[] = ['# Compliance summary', ''];
  const count = (list: readonly RuleOutcome[], status: OutcomeStatus) =>
    list.filter((o) => o.status === status).length;
  const unresolved = count(outcomes, 'non-compliant') + count(outcomes, 'error');
  lines.push(
    unresolved === 0
      ? 'Every rule of every pack passed or was acknowledged with a reason: synth succeeded.'
      : `**${unresolved} findings are neither fixed nor acknowledged**: synth failed.`,
    '',
    '## Totals per pack',
    '',
    '| Pack | Compliant | Acknowledged | Non-compliant | Error |',
    '|---|---|---|---|---|',
  );
  for (const pack of [...new Set(outcomes.map((o) => o.pack))]) {
    const own = outcomes.filter((o) => o.pack === pack);
    lines.push(`| ${pack} | ${STATUSES.map((s) => count(own, s)).join(' | ')} |`);
  }

  const byItem = new Map<ChecklistItem, RuleOutcome[]>();
  for (const outcome of outcomes) {
    const item = checklistItemOf(outcome);
    if (item) {
      byItem.set(item, [...(byItem.get(item) ?? []), outcome]);
    }
  }
  lines.push(
    '',
    '## Totals per checklist item',
    '',
    '| Item | Requirement | Compliant | Acknowledged | Non-compliant | Error |',
    '|---|---|---|---|---|---|',
  );
  for (const [item, title] of Object.entries(CHECKLIST_ITEMS) as Array<[ChecklistItem, string]>) {
    const own = byItem.get(item) ?? [];
    lines.push(`| ${item} | ${title} | ${STATUSES.map((s) => count(own, s)).join(' | ')} |`);
  }

  for (const [item, title] of Object.entries(CHECKLIST_ITEMS) as Array<[ChecklistItem, string]>) {
    const own = byItem.get(item) ?? [];
    lines.push('', `## ${item}: ${title}`, '');
    const rules = CHECKLIST_RULES.filter((r) => r.checklist === item);
    if (rules.length === 0 && own.length === 0) {
      lines.push('No rule checks this item in the synthesized stacks yet.');
      continue;
    }
    if (rules.length > 0) {
      lines.push('| Rule | What it requires | Resources | Outcome |', '|---|---|---|---|');
      for (const rule of rules) {
        const checked = own.filter((o) => o.ruleId.startsWith(`SchedulingChecklist-${rule.id}`));
        const outcome =
          checked.length === 0
            ? 'not applicable'
            : STATUSES.filter((s) => count(checked, s) > 0)
                .map((s) => `${count(checked, s)} ${s}`)
                .join(', ');
        lines.push(
          `| SchedulingChecklist-${rule.id} | ${rule.explanation} | ${new Set(checked.map((o) => o.resourcePath)).size} | ${outcome} |`,
        );
      }
      lines.push('');
    }
    const acknowledged = own.filter((o) => o.status === 'acknowledged');
    if (acknowledged.length > 0) {
      lines.push('Acknowledged findings:', '', '| Rule | Resource | Reason |', '|---|---|---|');
      for (const o of acknowledged) {
        lines.push(
          `| ${o.ruleId} | ${o.resourcePath} | ${(o.acknowledgement?.reason ?? '').replace(/^\[C\d+\]\s*/, '').replace(/\|/g, '\\|')} |`,
        );
      }
    }
    const open = own.filter((o) => o.status === 'non-compliant' || o.status === 'error');
    if (open.length > 0) {
      lines.push('', 'Open findings:', '', '| Rule | Resource | Finding |', '|---|---|---|');
      for (const o of open) {
        lines.push(`| ${o.ruleId} | ${o.resourcePath} | ${o.info} |`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
