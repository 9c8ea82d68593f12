/**
 * Checks a live HTTPS endpoint over real connections (checklist C1, C9): which TLS versions it accepts, whether
 * its certificate is trusted, names the host and has time left, whether plain HTTP only redirects to HTTPS,
 * whether responses carry Strict-Transport-Security, and what the edge answers to the probe of
 * `http-probe.ts` (security headers, foreign Host names, TRACE, secret files, operator paths).
 */
import * as http from 'node:http';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { daysLeft, Finding, FindingId, FindingSeverity } from './assessment';
import { probeHttp, ProbeCheck } from './http-probe';

/** TLS versions probed, oldest first. */
export const PROBED_PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type ProbedProtocol = (typeof PROBED_PROTOCOLS)[number];

/** HSTS shorter than this does not protect a returning visitor for long: 180 days, as browsers' lists ask. */
export const MIN_HSTS_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;

export interface EndpointCheckOptions {
  /** `https://host[:port][/path]`. */
  readonly url: URL;
  /** PEM of CA certificates to trust instead of the system's, for private CAs. @default - the system's */
  readonly ca?: string;
  /** Fewer days left than this is `CERT_EXPIRING`. */
  readonly minDays: number;
  /** Port where plain HTTP is expected to redirect. @default 80 */
  readonly httpPort?: number;
  /** Time allowed for each connection. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * The load balancer's own DNS name (the stack's `LoadBalancerDnsName` output): a request with it as Host
   * must not reach the app. @default - not asked
   */
  readonly loadBalancerHost?: string;
  /** Paths that must demand a sign-in (a redirect to another origin, or 401/403). @default - none */
  readonly protectedPaths?: readonly string[];
}

/** The certificate the endpoint presented. */
export interface EndpointCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly subjectAltNames: readonly string[];
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly fingerprint256: string;
  readonly trusted: boolean;
  readonly healthy: boolean;
}

/** What `verify` found; the same outer shape as `cert-check`. */
export interface EndpointCheckResult {
  readonly ok: boolean;
  readonly url: string;
  readonly protocols: Readonly<Record<ProbedProtocol, boolean>>;
  readonly certificates: readonly EndpointCertificate[];
  readonly findings: readonly Finding[];
  /** The checks of the HTTP probe, with their outcome and the requests each judged. */
  readonly probes: readonly ProbeCheck[];
}

/** The endpoint could not be reached at all (refused, unknown host, timed out). */
export class EndpointUnreachableError extends Error {}

const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
]);

/** OpenSSL refuses TLS 1.0 and 1.1 at its default security level: a probe must lower it to even try. */
const LEGACY_CIPHERS = 'DEFAULT@SECLEVEL=0';

/**
 * Connects to the endpoint several times (once per TLS version, once to read the certificate, the HTTP probe's
 * requests over one keep-alive HTTPS connection, once over plain HTTP) and returns its findings. Throws
 * `EndpointUnreachableError` when nothing answers.
 */
export async function checkEndpoint(
  options: EndpointCheckOptions,
  now: Date = new Date(),
): Promise<EndpointCheckResult> {
  const host = options.url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(options.url.port || 443);
  const timeoutMs = options.timeoutMs ?? 5000;
  const findings: Finding[] = [];
  const add = (id: FindingId, severity: FindingSeverity, message: string) =>
    findings.push({ id, severity, message });

  const base: tls.ConnectionOptions = {
    host,
    port,
    ...(isIP(host) ? {} : { servername: host }),
    ...(options.ca ? { ca: options.ca } : {}),
    rejectUnauthorized: false,
    // Trust and names are judged below, each as its own finding.
    checkServerIdentity: () => undefined,
  };

  // Read the certificate with the widest client settings, so even a legacy-only server shows it.
  const inspected = await handshake(
    { ...base, minVersion: 'TLSv1', ciphers: LEGACY_CIPHERS },
    timeoutMs,
    (socket) => ({
      certificate: socket.getPeerCertificate(),
      authorized: socket.authorized,
      authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
    }),
  );
  if (inspected.kind === 'unreachable') {
    throw new EndpointUnreachableError(`${host}:${port} is unreachable: ${inspected.reason}`);
  }

  const protocols = {} as Record<ProbedProtocol, boolean>;
  for (const version of PROBED_PROTOCOLS) {
    const legacy = version === 'TLSv1' || version === 'TLSv1.1';
    const probe = await handshake(
      { ...base, minVersion: version, maxVersion: version, ...(legacy ? { ciphers: LEGACY_CIPHERS } : {}) },
      timeoutMs,
      () => true,
    );
    protocols[version] = probe.kind === 'connected';
  }
  const legacyAccepted = PROBED_PROTOCOLS.filter((v) => (v === 'TLSv1' || v === 'TLSv1.1') && protocols[v]);
  if (legacyAccepted.length > 0) {
    add(
      'TLS_LEGACY_PROTOCOL',
      'error',
      `${host}:${port} accepts ${legacyAccepted.join(' and ')}: only TLS 1.2 and 1.3 should be accepted (use a TLS13-1-2 listener policy)`,
    );
  }
  if (!protocols['TLSv1.2'] && !protocols['TLSv1.3']) {
    add('TLS_NO_MODERN_PROTOCOL', 'error', `${host}:${port} accepts neither TLS 1.2 nor TLS 1.3`);
  }

  const certificates: EndpointCertificate[] = [];
  if (inspected.kind === 'connected') {
    const { certificate, authorized, authorizationError } = inspected.value;
    const before = findings.length;
    const notAfter = new Date(certificate.valid_to);
    const left = daysLeft(notAfter, now);
    if (!authorized && authorizationError !== 'CERT_HAS_EXPIRED') {
      add(
        'CERT_UNTRUSTED',
        'error',
        `the certificate of ${host} is not trusted (${authorizationError ?? 'unknown reason'})${options.ca ? ' by the CA given with --ca' : ': pass --ca <pem> for a private CA'}`,
      );
    }
    const identity = tls.checkServerIdentity(host, certificate);
    if (identity) {
      add(
        'CERT_HOSTNAME_MISMATCH',
        'error',
        `the certificate of ${host} does not name it: ${identity.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}`,
      );
    }
    if (left < options.minDays) {
      add(
        'CERT_EXPIRING',
        'error',
        left < 0
          ? `the certificate of ${host} expired ${-left} days ago (${notAfter.toISOString()})`
          : `the certificate of ${host} expires in ${left} days (${notAfter.toISOString()}), fewer than the ${options.minDays} days required`,
      );
    }
    certificates.push({
      subject: formatName(certificate.subject),
      issuer: formatName(certificate.issuer),
      subjectAltNames: (certificate.subjectaltname ?? '').split(/,\s*/).filter((n) => n !== ''),
      notAfter: notAfter.toISOString(),
      daysLeft: left,
      fingerprint256: certificate.fingerprint256,
      trusted: authorized,
      healthy: findings.length === before,
    });
  } else {
    add(
      'TLS_NO_MODERN_PROTOCOL',
      'error',
      `no TLS handshake with ${host}:${port} succeeded (${inspected.reason})`,
    );
  }

  const probe = await probeHttp({
    url: options.url,
    ca: options.ca,
    timeoutMs,
    loadBalancerHost: options.loadBalancerHost,
    protectedPaths: options.protectedPaths,
  });
  if (probe.page.kind === 'answered') {
    const value = probe.page.response.headers['strict-transport-security'];
    const hsts = Array.isArray(value) ? value[0] : value;
    const maxAge = /max-age=(\d+)/i.exec(hsts ?? '');
    if (hsts === undefined) {
      add('NO_HSTS', 'error', `${options.url.href} sends no Strict-Transport-Security header`);
    } else if (!maxAge || Number(maxAge[1]) < MIN_HSTS_MAX_AGE_SECONDS) {
      add(
        'NO_HSTS',
        'error',
        `${options.url.href} sends Strict-Transport-Security '${hsts}': max-age must be at least ${MIN_HSTS_MAX_AGE_SECONDS} seconds (180 days)`,
      );
    }
  } else {
    add(
      'NO_HSTS',
      'error',
      `no HTTPS response from ${options.url.href} to read Strict-Transport-Security from (${probe.page.reason})`,
    );
  }

  const httpPort = options.httpPort ?? 80;
  const plain = new URL(options.url.href);
  plain.protocol = 'http:';
  plain.port = httpPort === 80 ? '' : String(httpPort);
  const redirect = await fetchRedirect(plain, timeoutMs);
  if (redirect.kind === 'answered') {
    const { status, location } = redirect.value;
    const target = location ? safeUrl(location, plain) : undefined;
    const redirects =
      [301, 302, 307, 308].includes(status) &&
      target?.protocol === 'https:' &&
      target.hostname === options.url.hostname;
    if (!redirects) {
      add(
        'NO_HTTPS_REDIRECT',
        'error',
        `${plain.href} answered ${status}${location ? ` with Location '${location}'` : ''}, not a redirect to https://${options.url.hostname}`,
      );
    }
  } else {
    add(
      'NO_HTTPS_REDIRECT',
      'warning',
      `nothing answers plain HTTP at ${plain.href} (${redirect.reason}): visitors who type the bare name get an error instead of the HTTPS site`,
    );
  }

  findings.push(...probe.findings);

  return {
    ok: !findings.some((f) => f.severity === 'error'),
    url: options.url.href,
    protocols,
    certificates,
    findings,
    probes: probe.checks,
  };
}

type Outcome<T> =
  | { kind: 'connected'; value: T }
  | { kind: 'refused'; reason: string }
  | { kind: 'unreachable'; reason: string };

/** One TLS handshake: `connected` with what `read` took from the socket, `refused` by TLS, or `unreachable`. */
function handshake<T>(
  options: tls.ConnectionOptions,
  timeoutMs: number,
  read: (socket: tls.TLSSocket) => T,
): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: Outcome<T>) => {
      if (!done) {
        done = true;
        socket.destroy();
        resolve(outcome);
      }
    };
    const socket = tls.connect(options, () => finish({ kind: 'connected', value: read(socket) }));
    socket.setTimeout(timeoutMs, () =>
      finish({ kind: 'unreachable', reason: `no answer within ${timeoutMs} ms` }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => finish(classify(error)));
  });
}

/** A network failure makes the endpoint unreachable; anything else (an alert, a reset mid-handshake) is TLS refusing. */
function classify(error: NodeJS.ErrnoException): { kind: 'refused' | 'unreachable'; reason: string } {
  const code = error.code ?? '';
  return NETWORK_ERRORS.has(code) && code !== 'ECONNRESET'
    ? { kind: 'unreachable', reason: code }
    : { kind: 'refused', reason: code || error.message };
}

type Answer<T> = { kind: 'answered'; value: T } | { kind: 'failed'; reason: string };

/** GETs the plain-HTTP URL without following redirects. */
function fetchRedirect(url: URL, timeoutMs: number): Promise<Answer<{ status: number; location?: string }>> {
  return new Promise((resolve) => {
    const request = http.get(
      url,
      { agent: false, timeout: timeoutMs, headers: { 'user-agent': 'secure-scheduling-verify' } },
      (response) => {
        response.resume();
        resolve({
          kind: 'answered',
          value: { status: response.statusCode ?? 0, location: response.headers.location },
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'failed', reason: error.code ?? error.message }),
    );
  });
}

function safeUrl(location: string, base: URL): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

function formatName(name: tls.Certificate | undefined): string {
  if (!name) {
    return '';
  }
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}
