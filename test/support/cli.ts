import { spawn } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
/** Inside node_modules, so the compiled CLI resolves its packages from the project's node_modules. */
const COMPILED_DIR = path.join(ROOT, 'node_modules', '.cache', 'secure-scheduling-test');

let compiledCli: string | undefined;

/**
 * The CLI compiled to one JavaScript file (its packages left to node_modules), as the published package runs
 * it (`node dist/bin/cli.js`), compiled once per test process: starting it costs a third of what the
 * TypeScript loader costs for every run. cli.test.ts runs `bin/cli.ts` through that loader, as `npm run cli`.
 */
export function compiledCliPath(): string {
  if (compiledCli === undefined) {
    mkdirSync(COMPILED_DIR, { recursive: true });
    const target = path.join(COMPILED_DIR, 'cli.js');
    // Written beside and renamed, so a parallel test process never runs a half-written file.
    const partial = `${target}.${process.pid}.tmp`;
    buildSync({
      entryPoints: [path.join(ROOT, 'bin', 'cli.ts')],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: partial,
      logLevel: 'silent',
    });
    renameSync(partial, target);
    compiledCli = target;
  }
  return compiledCli;
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a child CLI: this one without any AWS setting, plus `env`. No shared config or
 * credentials file and no instance metadata, so only what a test gives is used.
 */
export function cliEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_')) {
      base[key] = value;
    }
  }
  return {
    ...base,
    AWS_CONFIG_FILE: path.join(ROOT, 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(ROOT, 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  };
}

/** Runs the compiled CLI in a child process without blocking this one (local servers keep answering). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = cliEnvironment()): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiledCliPath(), ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * Runs a command line in this process, the way bin/cli.ts runs it for a user: the same dispatch, parsers, help,
 * output and exit code, with `env` as the whole process environment while it runs (the AWS SDK reads its
 * endpoint, region and credentials from there). A child process costs a second of CPU for Node.js and the
 * TypeScript loader; the few tests that prove the CLI's own wiring (streams, exit codes, warnings, the
 * version read from package.json) use `runCli`.
 */
export async function runCommand(args: string[], env: NodeJS.ProcessEnv = cliEnvironment()): Promise<CliRun> {
  const { CLI_ENVIRONMENT_DEFAULTS, runCommandLine } = await import('../../bin/cli');
  let stdout = '';
  let stderr = '';
  const io = {
    out: (line: string) => (stdout += `${line}\n`),
    err: (line: string) => (stderr += `${line}\n`),
  };
  const saved = process.env;
  process.env = { ...CLI_ENVIRONMENT_DEFAULTS, ...env };
  try {
    const status = await runCommandLine(args, io);
    return { status, stdout, stderr };
  } finally {
    process.env = saved;
  }
}
