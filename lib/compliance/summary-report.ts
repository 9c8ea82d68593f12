import { CHECKLIST_ITEMS } from './checklist/checklist-items';
import { CHECKLIST_RULES } from './checklist/checklist-rules';
import {
  baseRuleId,
  checklistRuleId,
  ChecklistVerdict,
  checklistVerdicts,
  EvidenceCheck,
  outcomesByRule,
} from './checklist-verdicts';
import { OutcomeStatus, RuleOutcome } from './rule-outcomes';
import { SHIPPED_RULE_CHECKLIST } from './shipped-rule-checklist';

const STATUSES: readonly OutcomeStatus[] = ['compliant', 'acknowledged', 'non-compliant', 'error'];
const STATUS_HEADERS = ['Compliant', 'Acknowledged', 'Non-compliant', 'Error'];

/** What a rule that had no resource to judge reads in the per-rule tables. */
const NOT_CHECKED = 'not checked';

/** The architecture picture of one stack, an inline SVG (`architectureSvg`). */
export interface ArchitectureFigure {
  readonly stack: string;
  readonly svg: string;
}

/** What may go into the reviewers' summary besides the outcomes. */
export interface SummaryOptions {
  /**
   * A picture of each stack, drawn at the top of the HTML summary.
   * @default - no picture
   */
  readonly architecture?: readonly ArchitectureFigure[];
}

/** The outcomes of one rule, in a table: their counts per status, and in HTML the resources of each status. */
interface OutcomesCell {
  readonly outcomes: readonly RuleOutcome[];
}

/**
 * A table cell: one value, a list of construct paths (one a line in HTML, comma-separated in Markdown), or the
 * outcomes of a rule.
 */
type Cell = string | readonly string[] | OutcomesCell;

/** A piece of the reviewers' summary, rendered as Markdown or as HTML. */
type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string; readonly alert?: boolean }
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: ReadonlyArray<readonly Cell[]>;
    }
  | { readonly kind: 'figure'; readonly caption: string; readonly svg: string };

/** A list of resources longer than this is collapsed in the HTML summary, under its count. */
const COLLAPSE_AFTER = 3;

const count = (list: readonly RuleOutcome[], status: OutcomeStatus) =>
  list.filter((o) => o.status === status).length;

/**
 * What an open finding says, without the standard's control ids (listed with the rule above it), and for a
 * rule that failed on the resource, why.
 */
const findingText = (o: RuleOutcome) => {
  const info = o.info.replace(/ - \(Control IDs?: .*\)\.?$/, '.');
  return o.status === 'error' ? `Could not be judged at synth (a value known only at deploy): ${info}` : info;
};

/** `2 compliant, 1 acknowledged`: how many outcomes of each status a rule had; `not checked` for none. */
const outcomeText = (list: readonly RuleOutcome[]) =>
  list.length === 0
    ? NOT_CHECKED
    : STATUSES.filter((s) => count(list, s) > 0)
        .map((s) => `${count(list, s)} ${s}`)
        .join(', ');
const counts = (list: readonly RuleOutcome[]) => STATUSES.map((s) => String(count(list, s)));

/** The checklist items of `verdicts` that read `verdict`, as `C2, C7`, or `none`. */
const itemsReading = (verdicts: readonly ChecklistVerdict[], verdict: ChecklistVerdict['verdict']) =>
  verdicts
    .filter((v) => v.verdict === verdict)
    .map((v) => v.item)
    .join(', ') || 'none';

/** What the verdict on an item rests on, in one sentence under its heading. */
function verdictText(verdict: ChecklistVerdict): string {
  const acknowledged = count(verdict.outcomes, 'acknowledged');
  switch (verdict.verdict) {
    case 'met':
      return 'Met: every piece of evidence it requires is present, and every outcome passed.';
    case 'met, with acknowledgements':
      return `Met, with acknowledgements: every piece of evidence it requires is present; ${acknowledged} ${acknowledged === 1 ? 'finding was' : 'findings were'} accepted with a reason, listed below.`;
    case 'not met':
      return `Not met: ${verdict.reasons.join('; ')}.`;
    case 'not checked':
      return `Not checked: ${verdict.reasons.join('; ')}.`;
  }
}

/** One row of an item's evidence table: what it requires, from which rules, and who supplies it. */
function evidenceRow(check: EvidenceCheck): Cell[] {
  return [
    check.requirement.evidence,
    check.requirement.anyOf.map(checklistRuleId).join(' or ') +
      (check.requirement.acknowledgedCounts ? ' (compliant or acknowledged)' : ' (compliant)'),
    check.resources.length > 0 ? 'present' : `absent: ${check.requirement.absent}`,
    check.resources,
  ];
}

/** Whether `outcome` is of the shipped rule `key` of `SHIPPED_RULE_CHECKLIST` (keyed with or without its pack). */
/**
 * Every key a `SHIPPED_RULE_CHECKLIST` entry may have for the rules that judged something: each rule id and
 * each of its endings after a `-` (`PCI.DSS.321-RDSStorageEncrypted` is `RDSStorageEncrypted` there).
 */
function judgedRuleKeys(outcomes: readonly RuleOutcome[]): Set<string> {
  const keys = new Set<string>();
  for (const id of new Set(outcomes.map((o) => baseRuleId(o.ruleId)))) {
    keys.add(id);
    for (let dash = id.indexOf('-'); dash >= 0; dash = id.indexOf('-', dash + 1)) {
      keys.add(id.slice(dash + 1));
    }
  }
  return keys;
}

const isOutcomesCell = (cell: Cell): cell is OutcomesCell => typeof cell === 'object' && 'outcomes' in cell;

/** Totals per pack and per checklist item, then each item's evidence, rules, outcomes and reasons. */
function summaryBlocks(outcomes: readonly RuleOutcome[], options: SummaryOptions = {}): Block[] {
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
  const verdicts = checklistVerdicts(outcomes);
  const notMet = verdicts.filter((v) => v.verdict === 'not met').length;
  blocks.push({
    kind: 'paragraph',
    alert: notMet > 0,
    text:
      `Checklist items not met: ${itemsReading(verdicts, 'not met')}; not checked: ${itemsReading(verdicts, 'not checked')}. ` +
      'An item reads met only when every piece of evidence it requires is present and none of its findings is open; ' +
      'it reads not checked when no rule had a resource to judge for it.',
  });

  const figures = options.architecture ?? [];
  if (figures.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Architecture' });
    blocks.push({
      kind: 'paragraph',
      text:
        'Drawn from the synthesized template: the tiers, the trust boundaries they sit in, the data flows between ' +
        'them, and on each element a badge per checklist item whose rules judged its resources (green: passed; ' +
        'yellow: some findings acknowledged; red: a finding is open). A badge links to its item below.',
    });
    for (const figure of figures) {
      blocks.push({ kind: 'figure', caption: `Architecture of ${figure.stack}`, svg: figure.svg });
    }
  }

  blocks.push({ kind: 'heading', level: 2, text: 'Totals per pack' });
  blocks.push({
    kind: 'table',
    header: ['Pack', ...STATUS_HEADERS],
    rows: [...new Set(outcomes.map((o) => o.pack))].map((pack) => [
      pack,
      ...counts(outcomes.filter((o) => o.pack === pack)),
    ]),
  });

  blocks.push({ kind: 'heading', level: 2, text: 'Totals per checklist item' });
  blocks.push({
    kind: 'table',
    header: ['Item', 'Requirement', 'Verdict', 'Why', ...STATUS_HEADERS],
    rows: verdicts.map((v) => [
      v.item,
      CHECKLIST_ITEMS[v.item],
      v.verdict,
      v.reasons.join('; ') || '—',
      ...counts(v.outcomes),
    ]),
  });

  const judged = judgedRuleKeys(outcomes);
  for (const verdict of verdicts) {
    const { item, outcomes: own } = verdict;
    const ownByRule = outcomesByRule(own);
    blocks.push({ kind: 'heading', level: 2, text: `${item}: ${CHECKLIST_ITEMS[item]}` });
    blocks.push({ kind: 'paragraph', alert: verdict.verdict === 'not met', text: verdictText(verdict) });
    blocks.push({ kind: 'paragraph', text: 'Evidence it requires to read met:' });
    blocks.push({
      kind: 'table',
      header: ['Evidence', 'From', 'Present', 'Supplied by'],
      rows: verdict.evidence.map(evidenceRow),
    });
    const rules = CHECKLIST_RULES.filter((r) => r.checklist === item);
    blocks.push({
      kind: 'table',
      header: ['Rule', 'What it requires', 'Resources', 'Outcome'],
      rows: rules.map((rule) => {
        const checked = ownByRule.get(checklistRuleId(rule.id)) ?? [];
        return [
          checklistRuleId(rule.id),
          rule.explanation,
          String(new Set(checked.map((o) => o.resourcePath)).size),
          { outcomes: checked },
        ];
      }),
    });
    const shipped = own.filter((o) => o.pack !== 'SchedulingChecklist');
    if (shipped.length > 0) {
      const shippedRules = [...new Set(shipped.map((o) => baseRuleId(o.ruleId)))].sort();
      blocks.push({ kind: 'paragraph', text: 'Rules of the shipped packs for this item:' });
      blocks.push({
        kind: 'table',
        header: ['Rule', 'What it reports (with the standard’s controls)', 'Resources', 'Outcome'],
        rows: shippedRules.map((id) => {
          const checked = ownByRule.get(id) ?? [];
          return [
            id,
            checked[0].info,
            String(new Set(checked.map((o) => o.resourcePath)).size),
            { outcomes: checked },
          ];
        }),
      });
    }
    // Not-applicable outcomes are not recorded: a shipped rule of this item with no outcome judged nothing.
    const unjudged = Object.entries(SHIPPED_RULE_CHECKLIST)
      .filter(([key, served]) => served === item && !judged.has(key))
      .map(([key]) => key);
    if (unjudged.length > 0) {
      blocks.push({
        kind: 'paragraph',
        text: `Rules of the shipped packs for this item that had nothing to judge (${NOT_CHECKED}): ${unjudged.join(', ')}.`,
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
  // A list reads as one line of comma-separated construct paths, an empty one as a dash; a rule's outcomes
  // as their counts (the HTML summary names the resources).
  const cell = (value: Cell) =>
    (typeof value === 'string'
      ? value
      : isOutcomesCell(value)
        ? outcomeText(value.outcomes)
        : value.join(', ') || '—'
    ).replace(/\|/g, '\\|');
  const parts = summaryBlocks(outcomes).map((block) => {
    switch (block.kind) {
      case 'figure':
        return '';
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
  return `${parts.filter(Boolean).join('\n\n')}\n`;
}

/**
 * The same summary as one self-contained HTML page (no scripts, no external resources), readable in any browser,
 * with the architecture pictures of `options` at the top and, for each rule, the resources of each outcome.
 */
export function outcomesToHtml(outcomes: readonly RuleOutcome[], options: SummaryOptions = {}): string {
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const cellHtml = (header: string, value: Cell) => {
    if (isOutcomesCell(value)) return outcomesHtml(value.outcomes, escape);
    if (typeof value !== 'string') return value.map(escape).join('<br>') || '—';
    return header === 'Item' && /^C\d+$/.test(value) ? `<a href="#${value}">${value}</a>` : escape(value);
  };
  const statusClass = (header: string, cell: Cell) => {
    // A rule's outcomes give its worst status; a list cell holds construct paths.
    const value = isOutcomesCell(cell) ? outcomeText(cell.outcomes) : cell;
    if (typeof value !== 'string') return ' class="path"';
    if (STATUS_HEADERS.includes(header)) {
      return value !== '0' ? ` class="${header.toLowerCase()}"` : '';
    }
    if (header === 'Verdict' || header === 'Outcome' || header === 'Present') {
      // The worst status in the cell gives its colour.
      const status = /non-compliant|error|not met|^absent/.test(value)
        ? 'non-compliant'
        : /acknowledg/.test(value)
          ? 'acknowledged'
          : /compliant|^met$|^present$/.test(value)
            ? 'compliant'
            : 'not-applicable';
      return ` class="${status}"`;
    }
    // Rule ids and construct paths are long words: they may break anywhere, in a monospace font.
    if (header === 'Rule' || header === 'Pack' || header === 'From') return ' class="id"';
    if (header === 'Resource') return ' class="path"';
    return '';
  };
  const body = summaryBlocks(outcomes, options)
    .map((block) => {
      switch (block.kind) {
        case 'figure':
          return `<figure>\n${block.svg}\n<figcaption>${escape(block.caption)}</figcaption>\n</figure>`;
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
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #656d76; font-size: .85rem; }
details { margin: .1rem 0; }
summary { cursor: pointer; }
ul.resources { margin: .2rem 0 .3rem; padding-left: 1.1rem; font-weight: normal; }
ul.resources code { font-size: .8rem; overflow-wrap: anywhere; }
ul.resources .reason { color: #57606a; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * A rule's outcomes in HTML: per status, how many and which resources (an acknowledged one with its reason, an
 * open one with its finding). A long list is collapsed under its count; open findings are always shown.
 */
function outcomesHtml(outcomes: readonly RuleOutcome[], escape: (text: string) => string): string {
  if (outcomes.length === 0) return NOT_CHECKED;
  return STATUSES.filter((status) => count(outcomes, status) > 0)
    .map((status) => {
      const own = outcomes.filter((o) => o.status === status);
      // The same resource and finding once, though several outcomes of the rule name it.
      const entries = [
        ...new Set(
          own.map((o) => {
            // A rule that reports several findings on a resource names each: `Resource [Action::*]`.
            const finding = o.ruleId.slice(baseRuleId(o.ruleId).length);
            const reason =
              status === 'acknowledged'
                ? (o.acknowledgement?.reason ?? '').replace(/^\[C\d+\]\s*/, '')
                : status === 'compliant'
                  ? ''
                  : findingText(o);
            return (
              `<li><code>${escape(o.resourcePath)}</code>${finding ? ` ${escape(finding)}` : ''}` +
              `${reason ? ` <span class="reason">— ${escape(reason)}</span>` : ''}</li>`
            );
          }),
        ),
      ];
      const open = status === 'non-compliant' || status === 'error' || entries.length <= COLLAPSE_AFTER;
      return (
        `<details${open ? ' open' : ''}><summary>${own.length} ${status}</summary>` +
        `<ul class="resources">${entries.join('')}</ul></details>`
      );
    })
    .join('');
}
