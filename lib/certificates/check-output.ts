/**
 * What the `cert-check` and `verify` commands print and how they exit: one shape for both, so a pipeline
 * handles them alike.
 */
import { CheckResult, Finding } from './assessment';

/** Exit codes of `cert-check` and `verify`. */
export const EXIT_CODES = {
  /** Healthy: no error finding. */
  OK: 0,
  /** At least one error finding. */
  FINDINGS: 1,
  /** Bad usage: unknown option, missing or malformed value. */
  USAGE: 2,
  /** AWS or the endpoint could not be asked: credentials, access denied, throttled past retries, unreachable. */
  UNAVAILABLE: 3,
} as const;

/** Where a command writes: injectable so the commands can be run in-process. */
export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const PROCESS_IO: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A usage problem: the command exits 2 with the message and its usage line. */
export class UsageError extends Error {}

/** Prints a result (as JSON, or as lines for a person) and returns the exit code. */
export function printResult(result: CheckResult, json: boolean, io: CommandIo, subject: string): number {
  if (json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    for (const c of result.certificates) {
      const left = c.daysLeft === undefined ? '' : `, ${c.daysLeft} days left`;
      io.out(
        `${c.healthy ? 'ok  ' : 'FAIL'} ${c.certificateArn} (${c.domainName ?? '?'}, ${c.status ?? '?'}, ${c.type ?? '?'}, ${c.keyAlgorithm ?? '?'}${left})`,
      );
    }
    for (const f of result.findings) {
      io.out(`${formatFinding(f)}`);
    }
    io.out(
      result.ok
        ? `secure-scheduling: ${subject}: ok${result.findings.length ? ` (${result.findings.length} warnings or findings on other certificates)` : ''}`
        : `secure-scheduling: ${subject}: ${result.findings.filter((f) => f.severity === 'error').length} findings`,
    );
  }
  return result.ok ? EXIT_CODES.OK : EXIT_CODES.FINDINGS;
}

function formatFinding(f: Finding): string {
  return `${f.severity === 'error' ? 'error  ' : 'warning'} ${f.id}: ${f.message}`;
}

/** Prints why the check could not be made and returns exit code 3. */
export function printUnavailable(message: string, json: boolean, io: CommandIo): number {
  if (json) {
    io.out(JSON.stringify({ ok: false, certificates: [], findings: [], error: message }, null, 2));
  }
  io.err(`secure-scheduling: ${message}`);
  return EXIT_CODES.UNAVAILABLE;
}
