/**
 * `secure-scheduling verify <https-url>`: the post-deploy check of the live endpoint (checklist C1, C9): its
 * TLS and certificate, and an outside-in probe of what its edge answers.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CERTIFICATE_POLICY } from './assessment';
import { parseMinDays } from './cert-check';
import { CommandIo, EXIT_CODES, printUnavailable, UsageError } from './check-output';
import { checkEndpoint, EndpointCheckOptions, EndpointUnreachableError } from './tls-verifier';

export const VERIFY_USAGE =
  'usage: secure-scheduling verify <https-url> [--ca <pem file>] [--min-days <n>] [--http-port <port>] [--load-balancer-host <name>] [--protected-path <path>]... [--json]';

/** A DNS name: labels of letters, digits and inner hyphens, at least two of them (RFC 1123). */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** An absolute path as sent in a request line: one leading slash, printable ASCII, no fragment. */
const REQUEST_PATH = /^\/(?!\/)[\x21-\x7e]*$/;

/** Reads `verify`'s arguments; throws `UsageError` naming the option at fault. */
export function parseVerifyArgs(args: string[]): EndpointCheckOptions & { readonly json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        ca: { type: 'string' },
        'min-days': { type: 'string' },
        'http-port': { type: 'string' },
        'load-balancer-host': { type: 'string' },
        'protected-path': { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const problems: string[] = [];
  let url: URL | undefined;
  if (positionals.length !== 1) {
    problems.push(`one https:// URL is required, got ${positionals.length}`);
  } else {
    try {
      url = new URL(positionals[0]);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:') {
      problems.push(
        `the URL must be an https:// URL like https://schedule.example.com, got '${positionals[0]}'`,
      );
    }
  }
  let ca: string | undefined;
  if (values.ca !== undefined) {
    try {
      ca = readFileSync(values.ca, 'utf8');
    } catch (error) {
      problems.push(
        `--ca must name a readable PEM file, got '${values.ca}' (${(error as NodeJS.ErrnoException).code})`,
      );
    }
    if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
      problems.push(`--ca must name a PEM file of CA certificates, '${values.ca}' holds none`);
    }
  }
  let minDays = DEFAULT_CERTIFICATE_POLICY.minDaysLeft;
  try {
    minDays = parseMinDays(values['min-days'], minDays);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const httpPortText = values['http-port'];
  const httpPort = httpPortText === undefined ? 80 : Number(httpPortText);
  if (httpPortText !== undefined && !(/^\d{1,5}$/.test(httpPortText) && httpPort >= 1 && httpPort <= 65535)) {
    problems.push(`--http-port must be a TCP port between 1 and 65535, got '${httpPortText}'`);
  }
  const loadBalancerHost = values['load-balancer-host']?.replace(/\.$/, '').toLowerCase();
  if (values['load-balancer-host'] !== undefined) {
    if (loadBalancerHost === undefined || !HOST_NAME.test(loadBalancerHost)) {
      problems.push(
        `--load-balancer-host must be a host name like my-alb-1234567890.eu-west-1.elb.amazonaws.com (the stack's LoadBalancerDnsName output), not a URL, got '${values['load-balancer-host']}'`,
      );
    } else if (url && loadBalancerHost === url.hostname.toLowerCase()) {
      problems.push(
        `--load-balancer-host must be the load balancer's own name, not the app's domain, got '${values['load-balancer-host']}'`,
      );
    }
  }
  const protectedPaths = values['protected-path'] ?? [];
  for (const path of protectedPaths) {
    if (!REQUEST_PATH.test(path) || path.includes('#')) {
      problems.push(
        `--protected-path must be a path starting with one '/', like /settings/admin, got '${path}'`,
      );
    }
  }
  if (problems.length > 0) {
    throw new UsageError(problems.join('; '));
  }
  return {
    url: url!,
    ca,
    minDays,
    httpPort,
    ...(loadBalancerHost !== undefined ? { loadBalancerHost } : {}),
    ...(protectedPaths.length > 0 ? { protectedPaths } : {}),
    json: values.json ?? false,
  };
}

/** Runs `verify` and returns its exit code. */
export async function verify(args: string[], io: CommandIo, now: Date = new Date()): Promise<number> {
  let options;
  try {
    options = parseVerifyArgs(args);
  } catch (error) {
    io.err(`secure-scheduling: ${(error as Error).message}\n${VERIFY_USAGE}`);
    return EXIT_CODES.USAGE;
  }
  let result;
  try {
    result = await checkEndpoint(options, now);
  } catch (error) {
    if (error instanceof EndpointUnreachableError) {
      return printUnavailable(error.message, options.json, io);
    }
    throw error;
  }
  if (options.json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    const accepted = Object.entries(result.protocols)
      .filter(([, yes]) => yes)
      .map(([v]) => v);
    io.out(`protocols accepted: ${accepted.join(', ') || 'none'}`);
    for (const c of result.certificates) {
      io.out(
        `${c.healthy ? 'ok  ' : 'FAIL'} certificate ${c.subject} from ${c.issuer}, ${c.daysLeft} days left${c.trusted ? '' : ', not trusted'}`,
      );
    }
    io.out(`edge checks: ${result.probes.map((p) => `${p.check} ${p.outcome}`).join(', ')}`);
    for (const f of result.findings) {
      io.out(`${f.severity === 'error' ? 'error  ' : 'warning'} ${f.id}: ${f.message}`);
    }
    io.out(
      `secure-scheduling: ${result.url}: ${result.ok ? 'ok' : `${result.findings.filter((f) => f.severity === 'error').length} findings`}`,
    );
  }
  return result.ok ? EXIT_CODES.OK : EXIT_CODES.FINDINGS;
}
