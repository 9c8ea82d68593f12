/**
 * Runs CDK app entry files (such as bin/secure-scheduling.ts) one after another in this one process, each run
 * as the CDK CLI starts an app: its own environment (`CDK_OUTDIR`, `CDK_CONTEXT_JSON`, ...), and what it writes
 * to stderr and the code it exits with recorded apart. test/app.test.ts starts it as a child process:
 *
 *   node --import tsx test/support/app-runs.ts <runs.json> <results.json>
 *
 * `runs.json` is an array of `{ entry, env }`; `results.json` gets one `{ exitCode, stderr }` per run, in order.
 *
 * Why one process: every child synth pays for the TypeScript loader and for loading aws-cdk-lib, cdk-nag and this
 * library (and, with the schema validator on, for starting its engine) before the app does anything; here a run
 * after the first pays for its own construction and synth only. The entry's own module is loaded afresh for each
 * run; the modules it imports are not, as in any process that synthesizes more than one app.
 *
 * The exit code is the one the app's process would end with: the code it passes to `process.exit` (which stops
 * the run where it is called), or 1 with the error and its stack on stderr for an exception it does not catch,
 * as Node.js prints one, or `process.exitCode` (0 unless set) when the entry returns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';

/** One run: the entry file and the environment variables it runs with, on top of this process's. */
export interface AppRun {
  readonly entry: string;
  readonly env: Record<string, string>;
}

export interface AppRunResult {
  readonly exitCode: number;
  readonly stderr: string;
}

/** Thrown in place of `process.exit`, so that a run ends where its app exits and the next one can start. */
class Exit {
  constructor(readonly code: number) {}
}

function runOnce(run: AppRun): AppRunResult {
  let stderr = '';
  const write = process.stderr.write;
  const exit = process.exit;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stderr.write;
  process.exit = ((code?: number | string | null) => {
    throw new Exit(Number(code ?? process.exitCode ?? 0));
  }) as typeof process.exit;
  Object.assign(process.env, run.env);
  process.exitCode = undefined;
  try {
    const entry = require.resolve(path.resolve(run.entry));
    delete require.cache[entry];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the entry is named at run time
    require(entry);
    return { exitCode: Number(process.exitCode ?? 0), stderr };
  } catch (e) {
    if (e instanceof Exit) return { exitCode: e.code, stderr };
    return { exitCode: 1, stderr: `${stderr}${inspect(e)}\n` };
  } finally {
    process.stderr.write = write;
    process.exit = exit;
    process.exitCode = undefined;
    for (const name of Object.keys(run.env)) delete process.env[name];
  }
}

const [runsFile, resultsFile] = process.argv.slice(2);
const runs = JSON.parse(readFileSync(runsFile, 'utf8')) as AppRun[];
writeFileSync(resultsFile, JSON.stringify(runs.map(runOnce)));
// Not a natural end: each app made with CDK_OUTDIR set synthesizes again before the process exits, which a
// process that ran one app and exited would not do for the runs that stopped early.
process.exit(0);
