/**
 * `secure-scheduling report <cloud assembly directory>`: renders the compliance reports again (JSON, CSV,
 * SARIF, Markdown, HTML) from the outcomes a synth recorded, without synthesizing again.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  Command,
  CommandIo,
  EXIT_CODES,
  parseCommandLine,
  printUsageError,
  usageLine,
  UsageError,
  wantsJson,
} from '../private/command-line';
import type { RuleOutcome } from './rule-outcomes';

const REPORT_OPTIONS = {
  json: {
    type: 'boolean',
    description: 'Print the outcome (ok, counts, files written) as one JSON document on standard output.',
  },
} as const;

/** `report` as the CLI runs it: its argument, its options, its help and its run. */
export const REPORT_COMMAND: Command<typeof REPORT_OPTIONS> = {
  name: 'report',
  summary: 'Renders the compliance reports again from the outcomes a synth recorded in the cloud assembly.',
  exitCodes: '0 every finding fixed or acknowledged, 1 some are not, 2 bad usage or no outcomes recorded',
  arguments: [
    {
      name: '<cloud assembly directory>',
      description: 'Required. Where `cdk synth` wrote its outputs, e.g. cdk.out.',
    },
  ],
  options: REPORT_OPTIONS,
  run: (args, io) => report(args, io),
};

export const REPORT_USAGE = usageLine(REPORT_COMMAND);

/** Reads `report`'s arguments; throws `UsageError` naming what is wrong. */
export function parseReportArgs(args: readonly string[]): {
  readonly directory: string;
  readonly json: boolean;
} {
  const { values, positionals } = parseCommandLine(REPORT_COMMAND, args);
  if (positionals.length === 0) {
    throw new UsageError('a cloud assembly directory is required, e.g. cdk.out');
  }
  return { directory: positionals[0], json: values.json ?? false };
}

/** Runs `report` and returns its exit code. */
export async function report(args: string[], io: CommandIo): Promise<number> {
  let options;
  try {
    options = parseReportArgs(args);
  } catch (error) {
    return printUsageError((error as Error).message, REPORT_USAGE, wantsJson(args), io);
  }
  const { directory, json } = options;
  // Loaded on demand: the reports need the compliance packs (aws-cdk-lib, cdk-nag), slow to load for --help.
  const { OUTCOME_REPORT_FILES, writeOutcomeReports } = await import('./outcome-reports');
  const source = path.join(directory, OUTCOME_REPORT_FILES.json);
  if (!existsSync(source)) {
    return printUsageError(
      `no ${OUTCOME_REPORT_FILES.json} in '${directory}': run \`npx cdk synth\` first`,
      REPORT_USAGE,
      json,
      io,
    );
  }
  let outcomes: RuleOutcome[];
  try {
    outcomes = (JSON.parse(readFileSync(source, 'utf8')) as { outcomes: RuleOutcome[] }).outcomes;
    if (!Array.isArray(outcomes)) throw new Error('no "outcomes" list');
  } catch (error) {
    return printUsageError(
      `${source} is not an outcome report (${(error as Error).message})`,
      REPORT_USAGE,
      json,
      io,
    );
  }
  const files = writeOutcomeReports(outcomes, directory);
  const open = outcomes.filter((o) => o.status === 'non-compliant' || o.status === 'error').length;
  if (json) {
    io.out(JSON.stringify({ ok: open === 0, outcomes: outcomes.length, open, files }, null, 2));
  } else {
    files.forEach((file) => io.out(file));
  }
  io.err(
    open === 0
      ? `secure-scheduling: ${outcomes.length} outcomes, none open`
      : `secure-scheduling: ${open} findings are neither fixed nor acknowledged`,
  );
  return open === 0 ? EXIT_CODES.OK : EXIT_CODES.FINDINGS;
}
