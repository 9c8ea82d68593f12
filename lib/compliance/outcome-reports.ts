import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checklistVerdicts } from './checklist-verdicts';
import { RuleOutcome } from './rule-outcomes';
import { outcomesToHtml, outcomesToMarkdown } from './summary-report';

/** File names of the outcome reports written into a cloud assembly. */
export const OUTCOME_REPORT_FILES = {
  json: 'compliance-outcomes.json',
  csv: 'compliance-outcomes.csv',
  sarif: 'compliance.sarif',
  markdown: 'compliance-summary.md',
  html: 'compliance-summary.html',
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

/**
 * Totals per pack and status, the verdict on each checklist item (with its reasons and the resources behind
 * each piece of evidence), then every outcome, as JSON a reviewer's tooling can read.
 */
export function outcomesToJson(outcomes: readonly RuleOutcome[]): string {
  const totals: Record<string, Record<string, number>> = {};
  for (const o of outcomes) {
    totals[o.pack] ??= {};
    totals[o.pack][o.status] = (totals[o.pack][o.status] ?? 0) + 1;
  }
  const verdicts = checklistVerdicts(outcomes).map((v) => ({
    item: v.item,
    verdict: v.verdict,
    reasons: v.reasons,
    evidence: v.evidence.map((e) => ({ evidence: e.requirement.evidence, resources: e.resources })),
  }));
  return `${JSON.stringify({ totals, verdicts, outcomes }, null, 2)}\n`;
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

const SARIF_LEVEL: Readonly<Record<string, string>> = { Error: 'error', Warning: 'warning', Info: 'note' };

/**
 * SARIF 2.1.0, for code-scanning tools: one result per finding (non-compliant, acknowledged or a rule that could
 * not judge its resource). Acknowledged findings carry an accepted external suppression with the reason, so
 * tools show them as suppressed rather than hide them. Each result points at the stack's template and names the
 * resource by its construct path.
 */
export function outcomesToSarif(outcomes: readonly RuleOutcome[]): string {
  const findings = outcomes.filter((o) => o.status !== 'compliant');
  const rules = [...new Map(findings.map((o) => [baseRuleId(o.ruleId), o])).values()].map((o) => ({
    id: baseRuleId(o.ruleId),
    shortDescription: { text: o.info },
    properties: { pack: o.pack },
  }));
  const results = findings.map((o) => ({
    ruleId: baseRuleId(o.ruleId),
    level: SARIF_LEVEL[o.level] ?? 'warning',
    message: {
      text:
        o.status === 'error'
          ? `${o.info} (the rule could not evaluate this resource at synth)`
          : `${o.info} [${o.ruleId}]`,
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: `${o.resourcePath.split('/')[0]}.template.json` } },
        logicalLocations: [{ fullyQualifiedName: o.resourcePath, kind: 'resource' }],
      },
    ],
    suppressions: o.acknowledgement
      ? [{ kind: 'external', status: 'accepted', justification: o.acknowledgement.reason }]
      : undefined,
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'secure-scheduling compliance', rules } }, results }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** `AwsSolutions-IAM5[Resource::*]` is a finding of rule `AwsSolutions-IAM5`. */
function baseRuleId(ruleId: string): string {
  return ruleId.replace(/\[.*\]$/, '');
}

/** Writes the JSON, CSV, SARIF, Markdown and HTML outcome reports into `directory` (a cloud assembly) and returns their paths. */
export function writeOutcomeReports(outcomes: readonly RuleOutcome[], directory: string): string[] {
  const json = path.join(directory, OUTCOME_REPORT_FILES.json);
  const csv = path.join(directory, OUTCOME_REPORT_FILES.csv);
  const sarif = path.join(directory, OUTCOME_REPORT_FILES.sarif);
  writeFileSync(json, outcomesToJson(outcomes));
  writeFileSync(csv, outcomesToCsv(outcomes));
  const markdown = path.join(directory, OUTCOME_REPORT_FILES.markdown);
  writeFileSync(sarif, outcomesToSarif(outcomes));
  const html = path.join(directory, OUTCOME_REPORT_FILES.html);
  writeFileSync(markdown, outcomesToMarkdown(outcomes));
  writeFileSync(html, outcomesToHtml(outcomes));
  return [json, csv, sarif, markdown, html];
}
