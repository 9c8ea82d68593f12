#!/usr/bin/env node
/**
 * Command-line tools of secure-scheduling.
 *
 *   npm run cli -- report <cloud assembly directory>
 *
 * `report` renders the compliance reports again (CSV, SARIF, Markdown summary) from the outcomes a synth
 * recorded in `<dir>/compliance-outcomes.json`. Exit codes: 0 when every finding is fixed or acknowledged,
 * 1 when some are not, 2 on bad usage or an unreadable directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OUTCOME_REPORT_FILES, RuleOutcome, writeOutcomeReports } from '../lib';

const USAGE = 'usage: secure-scheduling report <cloud assembly directory>';

function report(directory: string): number {
  const source = path.join(directory, OUTCOME_REPORT_FILES.json);
  if (!existsSync(source)) {
    console.error(
      `secure-scheduling: no ${OUTCOME_REPORT_FILES.json} in '${directory}': run \`npx cdk synth\` first`,
    );
    return 2;
  }
  let outcomes: RuleOutcome[];
  try {
    outcomes = (JSON.parse(readFileSync(source, 'utf8')) as { outcomes: RuleOutcome[] }).outcomes;
    if (!Array.isArray(outcomes)) throw new Error('no "outcomes" list');
  } catch (error) {
    console.error(`secure-scheduling: ${source} is not an outcome report (${(error as Error).message})`);
    return 2;
  }
  for (const file of writeOutcomeReports(outcomes, directory)) {
    console.log(file);
  }
  const open = outcomes.filter((o) => o.status === 'non-compliant' || o.status === 'error').length;
  console.error(
    open === 0
      ? `secure-scheduling: ${outcomes.length} outcomes, none open`
      : `secure-scheduling: ${open} findings are neither fixed nor acknowledged`,
  );
  return open === 0 ? 0 : 1;
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  if (command === 'report' && args.length === 1) {
    return report(args[0]);
  }
  console.error(USAGE);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
