#!/usr/bin/env node
/**
 * Command-line tools of secure-scheduling.
 *
 *   npm run cli -- report <cloud assembly directory>
 *   npm run cli -- cert-check --domain <name> [--region <r>] [--arn <arn>] [--min-days <n>] [--json]
 *   npm run cli -- verify <https-url> [--ca <pem>] [--min-days <n>] [--http-port <port>]
 *                     [--load-balancer-host <name>] [--protected-path <path>]... [--json]
 *
 * `report` renders the compliance reports again (CSV, SARIF, Markdown summary) from the outcomes a synth
 * recorded in `<dir>/compliance-outcomes.json`. Exit codes: 0 when every finding is fixed or acknowledged,
 * 1 when some are not, 2 on bad usage or an unreadable directory.
 *
 * `cert-check` (before a deploy) and `verify` (after it) check the certificate in ACM and the live endpoint;
 * see docs/certificates.md. Exit codes: 0 healthy, 1 findings, 2 bad usage, 3 AWS or the endpoint could not
 * be asked.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RuleOutcome } from '../lib/compliance/rule-outcomes';

const USAGE = [
  'usage: secure-scheduling report <cloud assembly directory>',
  '       secure-scheduling cert-check --domain <name> [--region <region>] [--arn <certificate arn>] [--min-days <n>] [--json]',
  '       secure-scheduling verify <https-url> [--ca <pem file>] [--min-days <n>] [--http-port <port>] [--load-balancer-host <name>] [--protected-path <path>]... [--json]',
].join('\n');

async function report(directory: string): Promise<number> {
  const { OUTCOME_REPORT_FILES, writeOutcomeReports } = await import('../lib/compliance/outcome-reports');
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

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'report' && args.length === 1) {
    return report(args[0]);
  }
  // Loaded on demand: the certificate commands need neither aws-cdk-lib nor the compliance packs.
  if (command === 'cert-check') {
    const { certCheck } = await import('../lib/certificates/cert-check');
    const { PROCESS_IO } = await import('../lib/certificates/check-output');
    return certCheck(args, PROCESS_IO);
  }
  if (command === 'verify') {
    const { verify } = await import('../lib/certificates/verify');
    const { PROCESS_IO } = await import('../lib/certificates/check-output');
    return verify(args, PROCESS_IO);
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`secure-scheduling: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 2;
  },
);
