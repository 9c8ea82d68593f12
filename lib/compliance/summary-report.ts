import { ChecklistItem } from './acknowledgements';
import { CHECKLIST_ITEMS } from './checklist/checklist-items';
import { CHECKLIST_RULES } from './checklist/checklist-rules';
import { OutcomeStatus, RuleOutcome } from './rule-outcomes';
import { shippedRuleChecklistItem } from './shipped-rule-checklist';

const STATUSES: readonly OutcomeStatus[] = ['compliant', 'acknowledged', 'non-compliant', 'error'];
const STATUS_HEADERS = ['Compliant', 'Acknowledged', 'Non-compliant', 'Error'];

/** A piece of the reviewers' summary, rendered as Markdown or as HTML. */
type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string; readonly alert?: boolean }
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: ReadonlyArray<readonly string[]>;
    };

/**
 * The checklist item an outcome belongs to: the item of a rule of the checklist pack, the item an
 * acknowledgement names (`[C3] reason`), or the item `SHIPPED_RULE_CHECKLIST` gives a shipped pack's rule.
 * Outcomes of rules of template hygiene, or of rules not in that table, are counted under their pack only.
 */
export function checklistItemOf(outcome: RuleOutcome): ChecklistItem | undefined {
  const base = baseRuleId(outcome.ruleId);
  const rule = CHECKLIST_RULES.find((r) => base === `SchedulingChecklist-${r.id}`);
  if (rule) {
    return rule.checklist;
  }
  const named = /^\[(C\d+)\]/.exec(outcome.acknowledgement?.reason ?? '')?.[1];
  if (named !== undefined && named in CHECKLIST_ITEMS) {
    return named as ChecklistItem;
  }
  return shippedRuleChecklistItem(outcome.ruleId) ?? undefined;
}

/** A rule id without the finding a rule reports among several: `AwsSolutions-IAM5[Resource::*]` → `AwsSolutions-IAM5`. */
function baseRuleId(ruleId: string): string {
  return ruleId.replace(/\[.*$/, '');
}

const count = (list: readonly RuleOutcome[], status: OutcomeStatus) =>
  list.filter((o) => o.status === status).length;
/**
 * Whether a checklist item is met, in one phrase: `not met` while any finding is open, `met, with
 * acknowledgements` when some finding was accepted with a reason, `met` when every rule passed, and
 * `nothing to check` when no rule judged a resource for it.
 */
export function verdictOf(outcomes: readonly RuleOutcome[]): string {
  if (outcomes.length === 0) return 'nothing to check';
  if (count(outcomes, 'non-compliant') + count(outcomes, 'error') > 0) return 'not met';
  if (count(outcomes, 'acknowledged') > 0) return 'met, with acknowledgements';
  return 'met';
}

/**
 * What an open finding says, without the standard's control ids (listed with the rule above it), and for a
 * rule that failed on the resource, why.
 */
const findingText = (o: RuleOutcome) => {
  const info = o.info.replace(/ - \(Control IDs?: .*\)\.?$/, '.');
  return o.status === 'error' ? `Could not be judged at synth (a value known only at deploy): ${info}` : info;
};

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `2 compliant, 1 acknowledged`: how many outcomes of each status a rule had. */
const outcomeText = (list: readonly RuleOutcome[]) =>
  STATUSES.filter((s) => count(list, s) > 0)
    .map((s) => `${count(list, s)} ${s}`)
    .join(', ');
const counts = (list: readonly RuleOutcome[]) => STATUSES.map((s) => String(count(list, s)));

/** Totals per pack and per checklist item, then each item's rules, outcomes and reasons. */
function summaryBlocks(outcomes: readonly RuleOutcome[]): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: 'Compliance summary' }];
  const unresolved = count(outcomes, 'non-compliant') + count(outcomes, 'error');
  blocks.push(
    unresolved === 0
      ? {
          kind: 'paragraph',
          text: 'Every rule of every pack passed or was acknowledged with a reason: synth succeeded.',
        }
      : {
          kind: 'paragraph',
          alert: true,
          text: `${unresolved} findings are neither fixed nor acknowledged: synth failed.`,
        },
  );

  blocks.push({ kind: 'heading', level: 2, text: 'Totals per pack' });
  blocks.push({
    kind: 'table',
    header: ['Pack', ...STATUS_HEADERS],
    rows: [...new Set(outcomes.map((o) => o.pack))].map((pack) => [
      pack,
      ...counts(outcomes.filter((o) => o.pack === pack)),
    ]),
  });

  const byItem = new Map<ChecklistItem, RuleOutcome[]>();
  for (const outcome of outcomes) {
    const item = checklistItemOf(outcome);
    if (item) {
      byItem.set(item, [...(byItem.get(item) ?? []), outcome]);
    }
  }
  const items = Object.entries(CHECKLIST_ITEMS) as Array<[ChecklistItem, string]>;
  blocks.push({ kind: 'heading', level: 2, text: 'Totals per checklist item' });
  blocks.push({
    kind: 'table',
    header: ['Item', 'Requirement', 'Verdict', ...STATUS_HEADERS],
    rows: items.map(([item, title]) => [
      item,
      title,
      verdictOf(byItem.get(item) ?? []),
      ...counts(byItem.get(item) ?? []),
    ]),
  });

  for (const [item, title] of items) {
    const own = byItem.get(item) ?? [];
    blocks.push({ kind: 'heading', level: 2, text: `${item}: ${title}` });
    const unresolvedHere = count(own, 'non-compliant') + count(own, 'error');
    blocks.push({
      kind: 'paragraph',
      alert: unresolvedHere > 0,
      text: `${capitalized(verdictOf(own))}${unresolvedHere > 0 ? `: ${unresolvedHere} open findings, listed at the end of this section` : ''}.`,
    });
    const rules = CHECKLIST_RULES.filter((r) => r.checklist === item);
    if (rules.length === 0 && own.length === 0) {
      blocks.push({ kind: 'paragraph', text: 'No rule checks this item in the synthesized stacks yet.' });
      continue;
    }
    if (rules.length > 0) {
      blocks.push({
        kind: 'table',
        header: ['Rule', 'What it requires', 'Resources', 'Outcome'],
        rows: rules.map((rule) => {
          const checked = own.filter((o) => baseRuleId(o.ruleId) === `SchedulingChecklist-${rule.id}`);
          return [
            `SchedulingChecklist-${rule.id}`,
            rule.explanation,
            String(new Set(checked.map((o) => o.resourcePath)).size),
            checked.length === 0 ? 'not applicable' : outcomeText(checked),
          ];
        }),
      });
    }
    const shipped = own.filter((o) => o.pack !== 'SchedulingChecklist');
    if (shipped.length > 0) {
      const shippedRules = [...new Set(shipped.map((o) => baseRuleId(o.ruleId)))].sort();
      blocks.push({ kind: 'paragraph', text: 'Rules of the shipped packs for this item:' });
      blocks.push({
        kind: 'table',
        header: ['Rule', 'What it reports (with the standard’s controls)', 'Resources', 'Outcome'],
        rows: shippedRules.map((id) => {
          const checked = shipped.filter((o) => baseRuleId(o.ruleId) === id);
          return [
            id,
            checked[0].info,
            String(new Set(checked.map((o) => o.resourcePath)).size),
            outcomeText(checked),
          ];
        }),
      });
    }
    const acknowledged = own.filter((o) => o.status === 'acknowledged');
    if (acknowledged.length > 0) {
      blocks.push({ kind: 'paragraph', text: 'Acknowledged findings:' });
      blocks.push({
        kind: 'table',
        header: ['Rule', 'Resource', 'Reason'],
        rows: acknowledged.map((o) => [
          o.ruleId,
          o.resourcePath,
          (o.acknowledgement?.reason ?? '').replace(/^\[C\d+\]\s*/, ''),
        ]),
      });
    }
    const open = own.filter((o) => o.status === 'non-compliant' || o.status === 'error');
    if (open.length > 0) {
      blocks.push({ kind: 'paragraph', alert: true, text: 'Open findings:' });
      blocks.push({
        kind: 'table',
        header: ['Rule', 'Resource', 'Finding'],
        rows: open.map((o) => [o.ruleId, o.resourcePath, findingText(o)]),
      });
    }
  }
  return blocks;
}

/**
 * A Markdown summary for compliance reviewers: totals per pack and per checklist item first, then for each
 * checklist item its rules, the resources checked, their outcome and every acknowledgement with its reason.
 */
export function outcomesToMarkdown(outcomes: readonly RuleOutcome[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const parts = summaryBlocks(outcomes).map((block) => {
    switch (block.kind) {
      case 'heading':
        return `${'#'.repeat(block.level)} ${block.text}`;
      case 'paragraph':
        return block.alert ? block.text.replace(/^(.*?)(: .*)?$/, '**$1**$2') : block.text;
      case 'table':
        return [
          `| ${block.header.join(' | ')} |`,
          `|${block.header.map(() => '---').join('|')}|`,
          ...block.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
        ].join('\n');
    }
  });
  return `${parts.join('\n\n')}\n`;
}

/** The same summary as one self-contained HTML page (no scripts, no external resources), readable in any browser. */
export function outcomesToHtml(outcomes: readonly RuleOutcome[]): string {
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const cellHtml = (header: string, value: string) =>
    header === 'Item' && /^C\d+$/.test(value) ? `<a href="#${value}">${value}</a>` : escape(value);
  const statusClass = (header: string, value: string) => {
    if (STATUS_HEADERS.includes(header)) {
      return value !== '0' ? ` class="${header.toLowerCase()}"` : '';
    }
    if (header === 'Verdict' || header === 'Outcome') {
      // The worst status in the cell gives its colour.
      const status = /non-compliant|error|not met/.test(value)
        ? 'non-compliant'
        : /acknowledg/.test(value)
          ? 'acknowledged'
          : /compliant|^met$/.test(value)
            ? 'compliant'
            : 'not-applicable';
      return ` class="${status}"`;
    }
    // Rule ids and construct paths are long words: they may break anywhere, in a monospace font.
    if (header === 'Rule' || header === 'Pack') return ' class="id"';
    if (header === 'Resource') return ' class="path"';
    return '';
  };
  const body = summaryBlocks(outcomes)
    .map((block) => {
      switch (block.kind) {
        case 'heading': {
          // Each checklist item's section has its item as anchor, so the totals can link to it.
          const item = /^(C\d+):/.exec(block.text)?.[1];
          return `<h${block.level}${item ? ` id="${item}"` : ''}>${escape(block.text)}</h${block.level}>`;
        }
        case 'paragraph':
          return `<p${block.alert ? ' class="alert"' : ''}>${escape(block.text)}</p>`;
        case 'table':
          return [
            '<table>',
            `<thead><tr>${block.header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead>`,
            '<tbody>',
            ...block.rows.map(
              (row) =>
                `<tr>${row.map((value, i) => `<td${statusClass(block.header[i], value)}>${cellHtml(block.header[i], value)}</td>`).join('')}</tr>`,
            ),
            '</tbody></table>',
          ].join('\n');
      }
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Compliance summary</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; line-height: 1.45; }
h1 { border-bottom: 2px solid #d0d7de; padding-bottom: .3rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #d0d7de; padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.compliant { background: #dafbe1; }
td.acknowledged { background: #fff8c5; }
td.non-compliant, td.error { background: #ffebe9; font-weight: 600; }
td.not-applicable { color: #656d76; }
td.id, td.path { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; overflow-wrap: anywhere; }
td.id { min-width: 16rem; }
td.path { min-width: 10rem; }
a { color: inherit; }
p.alert { color: #cf222e; font-weight: 600; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
