#!/usr/bin/env node
/**
 * The bundled app: one SecureSchedulingStack, configured from a JSON file and/or CDK context, checked by the
 * compliance packs at every synth.
 *
 *   npx cdk synth                                   # the embedded example configuration
 *   npx cdk synth -c config=deploy/prod.json        # your settings file
 *   npx cdk synth -c domainName=book.example.org    # any setting, on the command line
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  addCompliancePacks,
  checklistVerdicts,
  inSettingTerms,
  parseConfig,
  recordedAcknowledgements,
  RuleOutcomeLog,
  summarizeValidationReport,
  verdictLine,
  writeOutcomeReports,
  SecureSchedulingError,
  SecureSchedulingStack,
  stackPropsFromConfig,
} from '../lib';

const EXAMPLE_CONFIG = path.join(__dirname, '..', 'config', 'example.json');

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SecureSchedulingError('INVALID_CONFIG', [
      `setting \`config\` must name a readable JSON file, got '${file}' (${(e as Error).message})`,
    ]);
  }
}

function main(): void {
  const app = new App();
  const configFile = app.node.tryGetContext('config') as string | undefined;
  const fromFile = readJson(configFile ?? EXAMPLE_CONFIG);
  // All context, so that a misspelt `-c` key is reported rather than silently ignored.
  const fromContext: Record<string, unknown> = app.node.getAllContext();
  const config = parseConfig(fromFile, fromContext);

  console.error(
    `secure-scheduling: configuration from ${configFile ?? 'the embedded example (config/example.json)'}; stack ${config.stackName} in ${config.region}`,
  );
  new SecureSchedulingStack(app, config.stackName, stackPropsFromConfig(config));
  const outcomes = new RuleOutcomeLog();
  const packs = addCompliancePacks(app, { outcomes });

  const assembly = app.synth();
  console.error(`secure-scheduling: templates in ${assembly.directory}`);
  const [jsonReport, csvReport, sarifReport, markdownReport, htmlReport] = writeOutcomeReports(
    outcomes.outcomes,
    assembly.directory,
  );
  const summary = summarizeValidationReport(assembly.directory);
  const report = summary.reportPath ?? path.join(assembly.directory, 'validation-report.json');
  if (summary.failures.length > 0) {
    // Under the CDK CLI the app does not fail itself: the CLI reads the report, lists each finding and fails.
    console.error(
      `secure-scheduling: ${summary.failures.length} unacknowledged compliance findings; report: ${report}`,
    );
  } else {
    console.error(
      `secure-scheduling: compliance packs ${packs.map((p) => p.readPackName).join(', ')} found no unacknowledged finding` +
        `${summary.warnings.length > 0 ? ` (${summary.warnings.length} warnings)` : ''}; ` +
        `${recordedAcknowledgements(app).length} acknowledgements, each with its reason (docs/compliance.md); report: ${report}`,
    );
  }
  // The last lines a reviewer or a pipeline log shows: one verdict per checklist item, then where to read more.
  // A verdict other than met does not fail synth; only an unacknowledged finding does.
  console.error(
    'secure-scheduling: checklist verdicts (an item is met only when the evidence it requires is present):',
  );
  for (const verdict of checklistVerdicts(outcomes.outcomes)) {
    console.error(`  ${verdictLine(verdict)}`);
  }
  console.error(
    `secure-scheduling: compliance summary for reviewers: ${htmlReport} (also ${markdownReport})`,
  );
  console.error(
    `secure-scheduling: every rule × resource outcome in ${jsonReport} and ${csvReport}; SARIF: ${sarifReport}`,
  );
}

try {
  main();
} catch (e) {
  if (e instanceof SecureSchedulingError) {
    for (const problem of e.problems) {
      console.error(
        `secure-scheduling: ${e.constructPath ? `${e.constructPath}: ` : ''}${inSettingTerms(problem)}`,
      );
    }
    process.exit(1);
  }
  if (e instanceof Error && e.name === 'ValidationFailed') {
    // The findings were printed above, one block each; this is the summary a pipeline log ends with.
    console.error('secure-scheduling: synth stopped by unacknowledged compliance findings (listed above)');
    process.exit(1);
  }
  throw e;
}
