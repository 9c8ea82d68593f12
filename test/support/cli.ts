import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

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

/** Runs `bin/cli.ts` in a child process without blocking this one (local servers keep answering). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = cliEnvironment()): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [path.join(ROOT, 'bin', 'cli.ts'), ...args], { env });
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
