/**
 * What the `cert-check` and `verify` commands print and how they exit: one shape for both, so a pipeline
 * handles them alike.
 */
import { CommandIo, EXIT_CODES } from '../private/command-line';
import { CheckResult, Finding } from './assessment';

// The exit codes, the output streams and the usage error are those of every command of the CLI.
export { EXIT_CODES, PROCESS_IO, UsageError } from '../private/command-line';
export type { CommandIo } from '../private/command-line';

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
