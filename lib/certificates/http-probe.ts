/**
 * The outside-in probe of what the deployed edge must do (checklist C9), over real HTTPS requests to the
 * endpoint: security headers on its responses, only its own host names served, no TRACE or TRACK, no
 * secret files served, operator paths behind a sign-in. It follows no redirect and sends no request body;
 * all requests share one keep-alive connection where the server keeps it open.
 */
import { randomBytes } from 'node:crypto';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { Finding, FindingId, FindingSeverity } from './assessment';

/** What the probe sends as its `User-Agent`, so its requests can be told apart in the access logs. */
export const PROBE_USER_AGENT = 'secure-scheduling-verify';

/** Bytes of a response body read at most: enough for every content signature below. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The checks of the probe, in the order they run and are reported. */
export const PROBE_CHECKS = [
  'security-headers',
  'unknown-host',
  'load-balancer-host',
  'methods',
  'sensitive-paths',
  'protected-paths',
] as const;
export type ProbeCheckName = (typeof PROBE_CHECKS)[number];

/**
 * `passed`: every request was answered as the edge must answer; `failed`: at least one finding;
 * `not checked`: some request got no answer to judge (the check judged nothing it could not see).
 */
export type ProbeOutcome = 'passed' | 'failed' | 'not checked';

/** One request the probe made and what came back. */
export interface ProbeRequest {
  readonly method: string;
  readonly path: string;
  /** The Host header sent. */
  readonly host: string;
  /** The status code, when the server answered. */
  readonly status?: number;
  /** The Location header of a redirect. */
  readonly location?: string;
  /** Why there was no answer (a network error code, or a timeout). */
  readonly error?: string;
}

/** One check of the probe, with the requests it judged. */
export interface ProbeCheck {
  readonly check: ProbeCheckName;
  readonly outcome: ProbeOutcome;
  readonly requests: readonly ProbeRequest[];
}

/** A file that must never be served, and how to tell it from an app's page. */
export interface SensitivePath {
  readonly path: string;
  /** What the file is, for the finding's message. */
  readonly what: string;
  /** Whether a body is that file: a content signature, never the status code alone. */
  readonly matches: (body: Buffer) => boolean;
}

/**
 * Files a deployment leaks when a build context, a working copy or an operator's home directory ends up in
 * what the web server serves. Each has a signature a soft-404 page of the app does not carry.
 */
export const SENSITIVE_PATHS: readonly SensitivePath[] = [
  {
    // Cal.com, like most Node.js apps, reads its secrets (NEXTAUTH_SECRET, DATABASE_URL) from a .env file.
    path: '/.env',
    what: 'an environment file (KEY=VALUE lines, where apps keep their secrets)',
    matches: (body) => {
      const text = body.toString('utf8');
      const lines = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
      return (
        lines.length > 0 &&
        !/^[<{[]/.test(lines[0]) &&
        lines.every((l) => /^(export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=/.test(l))
      );
    },
  },
  {
    path: '/.git/config',
    what: 'a Git repository configuration (its remotes may carry tokens)',
    matches: (body) => /^\s*\[core\]\s*$/m.test(body.toString('utf8')),
  },
  {
    path: '/.git/HEAD',
    what: 'a Git repository (the whole source history can be downloaded object by object)',
    matches: (body) => /^(ref: refs\/\S+|[0-9a-f]{40}([0-9a-f]{24})?)\s*$/.test(body.toString('utf8')),
  },
  {
    path: '/.aws/credentials',
    what: 'an AWS credentials file',
    matches: (body) => /^\s*aws_(access_key_id|secret_access_key)\s*=/m.test(body.toString('utf8')),
  },
  {
    path: '/.DS_Store',
    what: 'a macOS folder index (it lists the files of the folder, hidden ones included)',
    matches: (body) =>
      body.length >= 8 && body.readUInt32BE(0) === 1 && body.toString('latin1', 4, 8) === 'Bud1',
  },
  {
    path: '/server-status',
    what: "a web server's status page (it shows the requests being served, with their URLs and clients)",
    matches: (body) => /Apache Server Status|^Active connections: \d+/m.test(body.toString('utf8')),
  },
];

export interface HttpProbeOptions {
  /** `https://host[:port][/path]`: the page whose headers are judged; other paths are asked of its origin. */
  readonly url: URL;
  /** PEM of CA certificates to trust. Trust is judged by the TLS checks; the probe only needs an answer. */
  readonly ca?: string;
  /** Time allowed for each request. */
  readonly timeoutMs: number;
  /** The load balancer's own DNS name: requests with it as Host must not reach the app. @default - not asked */
  readonly loadBalancerHost?: string;
  /** Paths that must demand a sign-in. @default - none */
  readonly protectedPaths?: readonly string[];
}

/** An answer: status, headers (lower-case names) and the first `MAX_BODY_BYTES` of the body. */
export interface ProbeResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** `answered`; `closed`: the server ended the connection without an answer; `failed`: anything else. */
export type Exchange =
  | { readonly kind: 'answered'; readonly response: ProbeResponse }
  | { readonly kind: 'closed' | 'failed'; readonly reason: string };

export interface HttpProbeResult {
  /** The answer to a GET of the URL itself (its HSTS header is judged by the caller). */
  readonly page: Exchange;
  readonly findings: readonly Finding[];
  readonly checks: readonly ProbeCheck[];
}

/** Errors that mean the server ended the connection instead of answering. */
const CLOSED_ERRORS = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Probes the endpoint. When the page itself gets no answer, nothing else is asked and every check reads
 * `not checked` (the TLS checks report why).
 */
export async function probeHttp(options: HttpProbeOptions): Promise<HttpProbeResult> {
  const client = new ProbeClient(options);
  try {
    return await runChecks(client, options);
  } finally {
    client.close();
  }
}

async function runChecks(client: ProbeClient, options: HttpProbeOptions): Promise<HttpProbeResult> {
  const url = options.url;
  const protectedPaths = options.protectedPaths ?? [];
  const page = await client.send('GET', `${url.pathname}${url.search}`, url.host);
  if (page.exchange.kind !== 'answered') {
    const wanted = PROBE_CHECKS.filter(
      (c) =>
        (c !== 'load-balancer-host' || options.loadBalancerHost !== undefined) &&
        (c !== 'protected-paths' || protectedPaths.length > 0),
    );
    return {
      page: page.exchange,
      findings: [],
      checks: wanted.map((check) => ({
        check,
        outcome: 'not checked',
        requests: check === 'security-headers' ? [page.record] : [],
      })),
    };
  }

  const probe = new ProbeRun(client, url);
  const checks: ProbeCheck[] = [
    securityHeaders(probe, page, page.exchange.response),
    await unknownHost(probe),
    ...(options.loadBalancerHost !== undefined
      ? [await loadBalancerHost(probe, options.loadBalancerHost)]
      : []),
    await methods(probe),
    await sensitivePaths(probe),
    ...(protectedPaths.length > 0 ? [await signIns(probe, protectedPaths)] : []),
  ];
  return { page: page.exchange, findings: probe.findings, checks };
}

/** One run of the probe: the client each check asks with, and the findings the checks add. */
class ProbeRun {
  public readonly findings: Finding[] = [];
  /** `Server` and `X-Powered-By` values already reported: each once, however many answers carry it. */
  public readonly disclosures = new Set<string>();

  constructor(
    public readonly client: ProbeClient,
    public readonly url: URL,
  ) {}

  public add(id: FindingId, severity: FindingSeverity, message: string): void {
    this.findings.push({ id, severity, message });
  }

  /** Whether an error was added since there were `before` findings: warnings alone do not fail a check. */
  public erredSince(before: number): boolean {
    return this.findings.slice(before).some((f) => f.severity === 'error');
  }
}

/** The page's own headers: nosniff, frame protection, a CSP, no software named. */
function securityHeaders(probe: ProbeRun, page: Sent, response: ProbeResponse): ProbeCheck {
  const before = probe.findings.length;
  const href = probe.url.href;
  const nosniff = header(response.headers, 'x-content-type-options');
  if (nosniff === undefined) {
    probe.add(
      'NOSNIFF_MISSING',
      'error',
      `${href} sends no X-Content-Type-Options header: browsers may run a response as a script or style it was never meant to be (send 'X-Content-Type-Options: nosniff'; the stack's HTTPS listener adds it)`,
    );
  } else if (nosniff.trim().toLowerCase() !== 'nosniff') {
    probe.add(
      'NOSNIFF_MISSING',
      'error',
      `${href} sends X-Content-Type-Options '${nosniff}': the only value browsers honour is 'nosniff'`,
    );
  }
  const frameOptions = header(response.headers, 'x-frame-options');
  const csp = header(response.headers, 'content-security-policy');
  const frameAncestors = csp !== undefined && /(^|;)\s*frame-ancestors(\s|;|$)/i.test(csp);
  const frameOptionsValid = frameOptions !== undefined && /^\s*(deny|sameorigin)\s*$/i.test(frameOptions);
  if (!frameOptionsValid && !frameAncestors) {
    probe.add(
      'FRAME_PROTECTION_MISSING',
      'warning',
      `${href} sends ${frameOptions === undefined ? 'no X-Frame-Options' : `X-Frame-Options '${frameOptions}' (only DENY and SAMEORIGIN are honoured)`} and no Content-Security-Policy with frame-ancestors: any site can frame its pages; where booking pages are not embedded elsewhere, set \`frameOptions\` or a \`contentSecurityPolicy\` with frame-ancestors`,
    );
  }
  if (csp === undefined) {
    probe.add(
      'CSP_MISSING',
      'warning',
      `${href} sends no Content-Security-Policy header: an injected script runs unhindered (set \`contentSecurityPolicy\` on the load balancer, or let the app send one)`,
    );
  }
  disclosed(probe, response.headers, href);
  return outcomeOf('security-headers', [page], probe.erredSince(before), true);
}

/** The same connection and SNI, a Host that names nothing: it must not reach the app. */
async function unknownHost(probe: ProbeRun): Promise<ProbeCheck> {
  const before = probe.findings.length;
  const asked = await probe.client.send(
    'GET',
    '/',
    withPort(`probe-${randomBytes(6).toString('hex')}.invalid`, probe.url),
  );
  if (served(asked.exchange)) {
    probe.add(
      'UNKNOWN_HOST_SERVED',
      'error',
      `a request for Host '${asked.record.host}' (a name that is not the app's) was answered ${describe(asked.record)}: only the app's domain and aliases may reach the app, every other Host should get a fixed 404 at the load balancer`,
    );
  }
  if (asked.exchange.kind === 'answered') {
    // The load balancer's own answers show whether its Server header is off.
    disclosed(probe, asked.exchange.response.headers, `the answer to Host '${asked.record.host}'`);
  }
  return outcomeOf('unknown-host', [asked], probe.erredSince(before), false);
}

/** The load balancer's own DNS name as Host: it must not reach the app either. */
async function loadBalancerHost(probe: ProbeRun, name: string): Promise<ProbeCheck> {
  const asked = await probe.client.send('GET', '/', withPort(name, probe.url));
  const failed = served(asked.exchange);
  if (failed) {
    probe.add(
      'RAW_HOSTNAME_SERVED',
      'error',
      `a request for Host '${asked.record.host}' (the load balancer's own name) was answered ${describe(asked.record)}: users must reach the app only at its domain, where the certificate and cookies are; the load balancer's name should get a fixed 404`,
    );
  }
  return outcomeOf('load-balancer-host', [asked], failed, false);
}

/** TRACE and TRACK: a server that answers them echoes the request, cookies and all. */
async function methods(probe: ProbeRun): Promise<ProbeCheck> {
  const marker = randomBytes(8).toString('hex');
  const sent: Sent[] = [];
  let failed = false;
  for (const method of ['TRACE', 'TRACK']) {
    const asked = await probe.client.send(method, '/', probe.url.host, {
      'x-secure-scheduling-probe': marker,
    });
    sent.push(asked);
    const ex = asked.exchange;
    if (ex.kind === 'answered' && ex.response.status >= 200 && ex.response.status < 300) {
      failed = true;
      const echoes = ex.response.body.toString('latin1').includes(marker);
      probe.add(
        'TRACE_ENABLED',
        'error',
        `${method} ${probe.url.origin}/ was answered ${ex.response.status}${echoes ? ', echoing the request with its headers (cross-site tracing can read cookies and authorization headers)' : ''}: ${method} must be refused (405 at the load balancer)`,
      );
    }
  }
  return outcomeOf('methods', sent, failed, false);
}

/** Secret-bearing files, judged by content: many apps answer every path with 200 and a page (a soft 404). */
async function sensitivePaths(probe: ProbeRun): Promise<ProbeCheck> {
  const host = probe.url.host;
  const baseline = await probe.client.send('GET', `/probe-${randomBytes(6).toString('hex')}`, host);
  const baselineBody = baseline.exchange.kind === 'answered' ? baseline.exchange.response.body : undefined;
  const sent: Sent[] = [baseline];
  let failed = false;
  for (const sensitive of SENSITIVE_PATHS) {
    const asked = await probe.client.send('GET', sensitive.path, host);
    sent.push(asked);
    const ex = asked.exchange;
    const leaks =
      ex.kind === 'answered' &&
      ex.response.status >= 200 &&
      ex.response.status < 300 &&
      sensitive.matches(ex.response.body) &&
      // A signature that the page for a random path carries too is the app's page, not the file.
      !(baselineBody !== undefined && sensitive.matches(baselineBody));
    if (leaks) {
      failed = true;
      probe.add(
        'SENSITIVE_PATH_SERVED',
        'error',
        `${probe.url.origin}${sensitive.path} is served (${ex.response.status}) and its content is ${sensitive.what}: remove it from what the app serves, rotate any secret it holds, and let the load balancer answer such paths with a fixed 404`,
      );
    }
  }
  return outcomeOf('sensitive-paths', sent, failed, false);
}

/** Operator paths: a sign-in at an identity provider (a redirect to another origin), or 401/403. */
async function signIns(probe: ProbeRun, paths: readonly string[]): Promise<ProbeCheck> {
  const sent: Sent[] = [];
  let failed = false;
  for (const path of paths) {
    const asked = await probe.client.send('GET', path, probe.url.host);
    sent.push(asked);
    const verdict = signInVerdict(asked, probe.url);
    if (verdict !== undefined) {
      failed = true;
      probe.add(
        'PROTECTED_PATH_OPEN',
        'error',
        `${probe.url.origin}${path} ${verdict}, not a sign-in: operator paths must redirect to the identity provider or answer 401 or 403 (checklist C2, C3)`,
      );
    }
  }
  return outcomeOf('protected-paths', sent, failed, true);
}

interface Sent {
  readonly exchange: Exchange;
  readonly record: ProbeRequest;
}

/** Why an answer to an operator path is not a sign-in, or `undefined` when it is one. */
function signInVerdict(asked: Sent, url: URL): string | undefined {
  const ex = asked.exchange;
  if (ex.kind !== 'answered') {
    return `gave no answer (${ex.reason})`;
  }
  const status = ex.response.status;
  if (status === 401 || status === 403) {
    return undefined;
  }
  if (status >= 300 && status < 400) {
    const location = header(ex.response.headers, 'location');
    const target = location === undefined ? undefined : safeUrl(location, url);
    if (target?.protocol === 'https:' && target.origin !== url.origin) {
      return undefined;
    }
    return location === undefined
      ? `was answered ${status} with no Location`
      : `redirects to '${location}' on ${target?.origin === url.origin ? 'the app itself' : 'no HTTPS identity provider'}`;
  }
  return status >= 200 && status < 300 ? `is open: it was answered ${status}` : `was answered ${status}`;
}

/** 2xx or 3xx: the request reached something that serves it. */
function served(exchange: Exchange): boolean {
  return exchange.kind === 'answered' && exchange.response.status >= 200 && exchange.response.status < 400;
}

/**
 * A check's outcome. A check that needs an answer (`needsAnswer`) cannot pass without one; one that asks
 * the edge to refuse counts a connection closed without an answer as a refusal, and only a request that
 * failed otherwise (a timeout, a TLS error) leaves it `not checked`.
 */
function outcomeOf(
  check: ProbeCheckName,
  sent: readonly Sent[],
  failed: boolean,
  needsAnswer: boolean,
): ProbeCheck {
  const unjudged = sent.some(
    (s) => s.exchange.kind === 'failed' || (needsAnswer && s.exchange.kind === 'closed'),
  );
  return {
    check,
    outcome: failed ? 'failed' : unjudged ? 'not checked' : 'passed',
    requests: sent.map((s) => s.record),
  };
}

/**
 * `SERVER_HEADER_DISCLOSED` for each `Server` or `X-Powered-By` header that names software, once per header
 * and value however many answers carry it.
 */
function disclosed(probe: ProbeRun, headers: ProbeResponse['headers'], where: string): void {
  for (const name of ['Server', 'X-Powered-By']) {
    const value = header(headers, name.toLowerCase());
    const key = `${name}: ${value}`;
    if (value !== undefined && value.trim() !== '' && !probe.disclosures.has(key)) {
      probe.disclosures.add(key);
      probe.add(
        'SERVER_HEADER_DISCLOSED',
        'warning',
        `${where} sends ${name} '${value}': it tells an attacker which software${/\d/.test(value) ? ' and version' : ''} to look up exploits for (turn the load balancer's Server header off and stop the app sending it)`,
      );
    }
  }
}

function describe(record: ProbeRequest): string {
  return `${record.status}${record.location ? ` with Location '${record.location}'` : ''}`;
}

function header(headers: ProbeResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `name`, with the URL's port when it is not 443, as a browser would send it. */
function withPort(name: string, url: URL): string {
  return url.port === '' ? name : `${name}:${url.port}`;
}

function safeUrl(location: string, base: URL): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

/**
 * Sends the probe's requests to the URL's host and port, all with the URL's name as SNI whatever the Host
 * header says, over one keep-alive connection where the server keeps it open.
 */
class ProbeClient {
  private readonly agent: https.Agent;
  private readonly connectHost: string;
  private readonly port: number;
  private readonly servername: string;

  constructor(private readonly options: HttpProbeOptions) {
    this.connectHost = options.url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(options.url.port || 443);
    // Node.js takes SNI from the Host header unless told; '' sends none, as for an IP address.
    this.servername = isIP(this.connectHost) ? '' : this.connectHost;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  }

  public async send(
    method: string,
    path: string,
    host: string,
    headers: Record<string, string> = {},
  ): Promise<Sent> {
    let exchange = await this.once(method, path, host, headers);
    if (exchange.reused && exchange.result.kind === 'closed') {
      // A keep-alive connection the server closed between two requests: ask once more on a new one.
      exchange = await this.once(method, path, host, headers);
    }
    const result = exchange.result;
    const record: ProbeRequest =
      result.kind === 'answered'
        ? {
            method,
            path,
            host,
            status: result.response.status,
            ...(result.response.status >= 300 && result.response.status < 400
              ? { location: header(result.response.headers, 'location') }
              : {}),
          }
        : { method, path, host, error: result.reason };
    return { exchange: result, record };
  }

  public close(): void {
    this.agent.destroy();
  }

  private once(
    method: string,
    path: string,
    host: string,
    headers: Record<string, string>,
  ): Promise<{ result: Exchange; reused: boolean }> {
    const timeoutMs = this.options.timeoutMs;
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: Exchange) => {
        if (!done) {
          done = true;
          resolve({ result, reused: request.reusedSocket });
        }
      };
      const request = https.request({
        host: this.connectHost,
        port: this.port,
        method,
        path,
        agent: this.agent,
        servername: this.servername,
        ca: this.options.ca,
        // Trust and names are the TLS checks' to judge; the probe asks what the edge answers.
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        timeout: timeoutMs,
        headers: { ...headers, host, 'user-agent': PROBE_USER_AGENT },
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = () =>
          finish({
            kind: 'answered',
            response: {
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES),
            },
          });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) {
            answer();
            // The rest is not needed: drop the connection rather than download it.
            response.destroy();
          }
        });
        response.on('end', answer);
        response.on('error', answer);
        response.on('aborted', answer);
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (error: NodeJS.ErrnoException) =>
        finish({
          kind: error.code !== undefined && CLOSED_ERRORS.has(error.code) ? 'closed' : 'failed',
          reason: error.code ?? error.message,
        }),
      );
      request.end();
    });
  }
}
