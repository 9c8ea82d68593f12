import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RuleOutcome } from './rule-outcomes';

/** File names of the outcome reports written into a cloud assembly. */
export const OUTCOME_REPORT_FILES = {
  json: 'compliance-outcomes.json',
  csv: 'compliance-outcomes.csv',
} as const;

const CSV_COLUMNS = [
  'pack',
  'ruleId',
  'level',
  'resourcePath',
  'status',
  'finding',
  'acknowledgedAt',
  'reason',
] as const;

/** Totals per pack and status, then every outcome, as JSON a reviewer's tooling can read. */
export function outcomesToJson(outcomes: readonly RuleOutcome[]): string {
  const totals: Record<string, Record<string, number>> = {};
  for (const o of outcomes) {
    totals[o.pack] ??= {};
    totals[o.pack][o.status] = (totals[o.pack][o.status] ?? 0) + 1;
  }
  return `${JSON.stringify({ totals, outcomes }, null, 2)}\n`;
}

/** One line per rule × resource outcome, RFC 4180 quoting, for spreadsheets. */
export function outcomesToCsv(outcomes: readonly RuleOutcome[]): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const rows = outcomes.map((o) =>
    [
      o.pack,
      o.ruleId,
      o.level,
      o.resourcePath,
      o.status,
      o.status === 'compliant' ? '' : o.info,
      o.acknowledgement?.constructPath ?? '',
      o.acknowledgement?.reason ?? '',
    ]
      .map(quote)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** Writes the JSON and CSV outcome reports into `directory` (a cloud assembly) and returns their paths. */
export function writeOutcomeReports(outcomes: readonly RuleOutcome[], directory: string): string[] {
  const json = path.join(directory, OUTCOME_REPORT_FILES.json);
  const csv = path.join(directory, OUTCOME_REPORT_FILES.csv);
  writeFileSync(json, outcomesToJson(outcomes));
  writeFileSync(csv, outcomesToCsv(outcomes));
  return [json, csv];
}
