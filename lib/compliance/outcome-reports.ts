import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pathWithin, repositoryRoot } from '../private/repository-root';
import { architectureSvg } from './architecture-diagram';
import { AssemblyResources } from './assembly-resources';
import { baseRuleId, checklistItemOf, checklistVerdicts } from './checklist-verdicts';
import { RuleOutcome } from './rule-outcomes';
import { ArchitectureFigure, outcomesToHtml, outcomesToMarkdown } from './summary-report';

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

/** Where a SARIF result points, with paths relative to the repository's root (forward slashes). */
export interface SarifPlace {
  /** The code that created the resource: where a code scanner shows the result. */
  readonly source?: { readonly uri: string; readonly line: number; readonly column?: number };
  /** The resource in the synthesized template. */
  readonly template?: { readonly uri: string; readonly line?: number };
  readonly logicalId?: string;
  readonly stack?: string;
  readonly region?: string;
  readonly account?: string;
}

/** The base all relative URIs of the SARIF are resolved against: the repository's root. */
const SOURCE_ROOT = '%SRCROOT%';

/** An artifact's location: a relative URI from the repository's root, or an absolute one as it is. */
const artifact = (uri: string) =>
  /^[a-z][a-z0-9+.-]*:/i.test(uri) ? { uri } : { uri, uriBaseId: SOURCE_ROOT };

/**
 * SARIF 2.1.0, for code-scanning tools: one result per finding (non-compliant, acknowledged or a rule that could
 * not judge its resource). Acknowledged findings carry an accepted external suppression with the reason, so
 * tools show them as suppressed rather than hide them. `locate` says where each resource is: a result points at
 * the line of code that created it (the construct's creation trace), else at its line in the synthesized
 * template, and names it by construct path and logical id, with its stack and region in its properties.
 * Without `locate`, a result points at the stack's template by name.
 */
export function outcomesToSarif(
  outcomes: readonly RuleOutcome[],
  locate: (constructPath: string) => SarifPlace | undefined = () => undefined,
): string {
  const findings = outcomes.filter((o) => o.status !== 'compliant');
  const rules = [...new Map(findings.map((o) => [baseRuleId(o.ruleId), o])).values()].map((o) => {
    const item = checklistItemOf(o);
    return {
      id: baseRuleId(o.ruleId),
      shortDescription: { text: o.info },
      defaultConfiguration: { level: SARIF_LEVEL[o.level] ?? 'warning' },
      properties: { pack: o.pack, ...(item ? { checklistItem: item } : {}) },
    };
  });
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((o) => {
    const place = locate(o.resourcePath);
    const template = place?.template;
    const primary = place?.source
      ? {
          artifactLocation: artifact(place.source.uri),
          region: {
            startLine: place.source.line,
            ...(place.source.column ? { startColumn: place.source.column } : {}),
          },
        }
      : template
        ? {
            artifactLocation: artifact(template.uri),
            ...(template.line ? { region: { startLine: template.line } } : {}),
          }
        : { artifactLocation: { uri: `${o.resourcePath.split('/')[0]}.template.json` } };
    return {
      ruleId: baseRuleId(o.ruleId),
      ruleIndex: ruleIndex.get(baseRuleId(o.ruleId)),
      level: SARIF_LEVEL[o.level] ?? 'warning',
      message: {
        text:
          o.status === 'error'
            ? `${o.info} (the rule could not evaluate this resource at synth) [${o.resourcePath}]`
            : `${o.info} [${o.ruleId} at ${o.resourcePath}]`,
      },
      locations: [
        {
          physicalLocation: primary,
          logicalLocations: [
            {
              ...(place?.logicalId ? { name: place.logicalId } : {}),
              fullyQualifiedName: o.resourcePath,
              kind: 'resource',
            },
          ],
        },
      ],
      relatedLocations:
        place?.source && template
          ? [
              {
                id: 1,
                message: { text: `${place.logicalId} in the synthesized template of ${place.stack}` },
                physicalLocation: {
                  artifactLocation: artifact(template.uri),
                  ...(template.line ? { region: { startLine: template.line } } : {}),
                },
              },
            ]
          : undefined,
      // Stable across runs when the code moves: the rule, the finding and the construct path.
      partialFingerprints: { 'ruleAndConstructPath/v1': `${o.ruleId} ${o.resourcePath}` },
      properties: {
        constructPath: o.resourcePath,
        ...(place?.stack ? { stack: place.stack } : {}),
        ...(place?.logicalId ? { logicalId: place.logicalId } : {}),
        ...(place?.region ? { region: place.region } : {}),
        ...(place?.account ? { account: place.account } : {}),
      },
      suppressions: o.acknowledgement
        ? [{ kind: 'external', status: 'accepted', justification: o.acknowledgement.reason }]
        : undefined,
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'secure-scheduling compliance', rules } },
        originalUriBaseIds: {
          [SOURCE_ROOT]: { description: { text: 'The root of the repository that holds the CDK app.' } },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/**
 * Writes the JSON, CSV, SARIF, Markdown and HTML outcome reports into `directory` and returns their paths. The
 * cloud assembly in `assemblyDirectory` (by default `directory`, where synth writes them) says where each
 * resource is, for the SARIF, and gives the templates the HTML summary draws its architecture pictures from;
 * without one, the SARIF names each stack's template only and the summary has no picture.
 */
export function writeOutcomeReports(
  outcomes: readonly RuleOutcome[],
  directory: string,
  assemblyDirectory: string = directory,
): string[] {
  const assembly = AssemblyResources.read(assemblyDirectory);
  const files = {
    json: path.join(directory, OUTCOME_REPORT_FILES.json),
    csv: path.join(directory, OUTCOME_REPORT_FILES.csv),
    sarif: path.join(directory, OUTCOME_REPORT_FILES.sarif),
    markdown: path.join(directory, OUTCOME_REPORT_FILES.markdown),
    html: path.join(directory, OUTCOME_REPORT_FILES.html),
  };
  mkdirSync(directory, { recursive: true });
  writeFileSync(files.json, outcomesToJson(outcomes));
  writeFileSync(files.csv, outcomesToCsv(outcomes));
  writeFileSync(files.sarif, outcomesToSarif(outcomes, placesIn(assembly, repositoryRoot(process.cwd()))));
  writeFileSync(files.markdown, outcomesToMarkdown(outcomes));
  writeFileSync(
    files.html,
    outcomesToHtml(outcomes, { architecture: architectureFigures(outcomes, assembly) }),
  );
  return [files.json, files.csv, files.sarif, files.markdown, files.html];
}

/** Where each resource of `assembly` is, for the SARIF, with paths from `root`. */
function placesIn(
  assembly: AssemblyResources,
  root: string,
): (constructPath: string) => SarifPlace | undefined {
  return (constructPath) => {
    const location = assembly.locate(constructPath);
    if (!location) return undefined;
    const { stack, logicalId, source } = location;
    const templateFile = path.join(assembly.directory, stack.templateFile);
    const sourceUri = source && pathWithin(root, source.file);
    const line = assembly.templateLine(stack, logicalId);
    return {
      ...(sourceUri && source
        ? { source: { uri: sourceUri, line: source.line, column: source.column } }
        : {}),
      template: {
        uri: pathWithin(root, templateFile) ?? pathToFileURL(templateFile).href,
        ...(line ? { line } : {}),
      },
      logicalId,
      stack: stack.id,
      ...(stack.region ? { region: stack.region } : {}),
      ...(stack.account ? { account: stack.account } : {}),
    };
  };
}

/** A picture of each stack of `assembly` that has something to draw, with the checklist items judged on it. */
function architectureFigures(
  outcomes: readonly RuleOutcome[],
  assembly: AssemblyResources,
): ArchitectureFigure[] {
  const figures: ArchitectureFigure[] = [];
  assembly.stacks.forEach((stack, index) => {
    const svg = architectureSvg(assembly.template(stack), {
      title: stack.id,
      region: stack.region,
      paths: assembly.pathsOf(stack),
      outcomes,
      idPrefix: `arch${index}`,
    });
    if (svg) figures.push({ stack: stack.id, svg });
  });
  return figures;
}
