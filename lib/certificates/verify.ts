/**
 * `secure-scheduling verify <https-url>`: the post-deploy check of the live endpoint (checklist C1, C9): its
 * TLS and certificate, and an outside-in probe of what its edge answers.
 */
import { readFileSync } from 'node:fs';
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
import { DEFAULT_CERTIFICATE_POLICY } from './assessment';
import { parseMinDays } from './cert-check';
import { printUnavailable } from './check-output';
import { checkEndpoint, EndpointCheckOptions, EndpointUnreachableError } from './tls-verifier';

const VERIFY_OPTIONS = {
  ca: {
    type: 'string',
    value: '<pem file>',
    description: "Trust the CA certificates in this PEM file instead of the system's (a private CA).",
  },
  'min-days': {
    type: 'string',
    value: '<n>',
    description: `Fewer days left on the served certificate than this is CERT_EXPIRING. Default ${DEFAULT_CERTIFICATE_POLICY.minDaysLeft}.`,
  },
  'http-port': {
    type: 'string',
    value: '<port>',
    description: 'Port where plain HTTP should answer with a redirect. Default 80.',
  },
  'load-balancer-host': {
    type: 'string',
    value: '<name>',
    description:
      "The load balancer's own DNS name (the stack's LoadBalancerDnsName output): it must not reach the app.",
  },
  'protected-path': {
    type: 'string',
    value: '<path>',
    multiple: true,
    description: 'A path that must demand a sign-in, starting with /; repeat the option for more.',
  },
  json: { type: 'boolean', description: 'Print the result as one JSON document on standard output.' },
} as const;

/** `verify` as the CLI runs it: its argument, its options, its help and its run. */
export const VERIFY_COMMAND: Command<typeof VERIFY_OPTIONS> = {
  name: 'verify',
  summary: 'After a deploy: checks the live endpoint, its TLS and certificate, and what its edge answers.',
  exitCodes: '0 healthy, 1 findings, 2 bad usage, 3 the endpoint could not be reached',
  arguments: [{ name: '<https-url>', description: 'Required. The endpoint, as users reach it.' }],
  options: VERIFY_OPTIONS,
  run: (args, io) => verify(args, io),
};

export const VERIFY_USAGE = usageLine(VERIFY_COMMAND);

/** A DNS name: labels of letters, digits and inner hyphens, at least two of them (RFC 1123). */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** An absolute path as sent in a request line: one leading slash, printable ASCII, no fragment. */
const REQUEST_PATH = /^\/(?!\/)[\x21-\x7e]*$/;

/** Reads `verify`'s arguments; throws `UsageError` naming the option at fault. */
export function parseVerifyArgs(args: string[]): EndpointCheckOptions & { readonly json: boolean } {
  const { values, positionals } = parseCommandLine(VERIFY_COMMAND, args);
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
    return printUsageError((error as Error).message, VERIFY_USAGE, wantsJson(args), io);
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
