/**
 * `verify` end to end against real TLS servers on 127.0.0.1, with certificates made by openssl at test time:
 * the command as the CLI runs it (in this process; one run through the CLI in a child process).
 */
import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { runCli, runCommand } from '../support/cli';
import { startEndpoint, TestCa, TestEndpoint } from '../support/tls-fixtures';

interface VerifyJson {
  ok: boolean;
  protocols: Record<string, boolean>;
  certificates: Array<{ subjectAltNames: string[]; daysLeft: number; trusted: boolean; healthy: boolean }>;
  findings: Array<{ id: string; severity: string; message: string }>;
  probes: Array<{
    check: string;
    outcome: string;
    requests: Array<{ method: string; path: string; status?: number }>;
  }>;
}

const LOAD_BALANCER_HOST = 'secure-loadb-1ab2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com';

describe('secure-scheduling verify', () => {
  let ca: TestCa;
  let good: TestEndpoint;
  let legacy: TestEndpoint;
  let wrongName: TestEndpoint;
  let expiring: TestEndpoint;
  let noHsts: TestEndpoint;
  let expired: TestEndpoint;
  let legacyOnly: TestEndpoint;
  let shortHsts: TestEndpoint;
  /** The edge as the stack deploys it, with a sign-in on its operator paths. */
  let guarded: TestEndpoint;
  /** An edge that gets every probe wrong (the findings name different headers, hosts and paths). */
  let exposed: TestEndpoint;
  /** Only the optional headers missing: warnings. */
  let embeddable: TestEndpoint;

  beforeAll(async () => {
    ca = new TestCa();
    const localhost = ca.issue('localhost', ['localhost'], 200);
    const day = 24 * 60 * 60 * 1000;
    const lapsed = ca.issueBetween(
      'expired',
      ['localhost'],
      new Date(Date.now() - 90 * day),
      new Date(Date.now() - 3.5 * day),
    );
    [
      good,
      legacy,
      wrongName,
      expiring,
      noHsts,
      expired,
      legacyOnly,
      shortHsts,
      guarded,
      exposed,
      embeddable,
    ] = await Promise.all([
      startEndpoint({ pair: localhost }),
      startEndpoint({ pair: localhost, minVersion: 'TLSv1' }),
      startEndpoint({ pair: ca.issue('wrong-name', ['other.example.com'], 200) }),
      startEndpoint({ pair: ca.issue('expiring', ['localhost'], 10) }),
      startEndpoint({ pair: localhost, hsts: null, redirect: false }),
      startEndpoint({ pair: lapsed }),
      startEndpoint({ pair: localhost, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }),
      startEndpoint({ pair: localhost, hsts: 'max-age=300' }),
      startEndpoint({
        pair: localhost,
        routes: {
          '/settings/admin': {
            status: 302,
            headers: { location: 'https://auth.example.test/oauth2/authorize' },
          },
          '/auth/setup': { status: 403 },
        },
      }),
      startEndpoint({
        pair: localhost,
        headers: { 'x-content-type-options': null, 'content-security-policy': null, server: 'Apache/2.4.58' },
        otherHosts: 'served',
        echoesTrace: true,
        routes: {
          '/.git/HEAD': { status: 200, body: 'ref: refs/heads/main\n' },
          '/settings/admin': { status: 200, body: 'admin' },
        },
      }),
      // Booking pages embedded by other sites: no X-Frame-Options and no CSP, as the stack's default.
      startEndpoint({ pair: localhost, headers: { 'content-security-policy': null } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all(
      [
        good,
        legacy,
        wrongName,
        expiring,
        noHsts,
        expired,
        legacyOnly,
        shortHsts,
        guarded,
        exposed,
        embeddable,
      ].map((e) => e?.close()),
    );
    ca?.remove();
  });

  const verify = async (endpoint: TestEndpoint, ...extra: string[]) => {
    const run = await runCommand([
      'verify',
      endpoint.url,
      '--ca',
      ca.caFile,
      '--http-port',
      String(endpoint.httpPort),
      '--json',
      ...extra,
    ]);
    return { ...run, result: JSON.parse(run.stdout || '{}') as VerifyJson };
  };
  const ids = (r: VerifyJson) => r.findings.map((f) => f.id);
  /** A port of 127.0.0.1 that nothing listens on. */
  const freePort = () =>
    new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const free = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(free));
      });
    });

  describe('an endpoint configured right', () => {
    test('accepts only TLS 1.2 and 1.3, trusted, named, with HSTS and a redirect: exit 0', async () => {
      const { status, result, stderr } = await verify(good);
      expect(stderr).not.toContain('Error');
      expect(result.findings).toEqual([]);
      expect(status).toBe(0);
      expect(result.ok).toBe(true);
      expect(result.protocols).toEqual({ TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
      expect(result.certificates).toEqual([
        expect.objectContaining({ subjectAltNames: ['DNS:localhost'], trusted: true, healthy: true }),
      ]);
      expect(result.certificates[0].daysLeft).toBeGreaterThanOrEqual(199);
    });

    test('without --ca the private CA is not trusted: CERT_UNTRUSTED', async () => {
      const run = await runCommand(['verify', good.url, '--http-port', String(good.httpPort), '--json']);
      expect(run.status).toBe(1);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(ids(result)).toEqual(['CERT_UNTRUSTED']);
      expect(result.findings[0].message).toContain('pass --ca <pem>');
    });

    test('prints lines a person can read without --json', async () => {
      const run = await runCommand([
        'verify',
        good.url,
        '--ca',
        ca.caFile,
        '--http-port',
        String(good.httpPort),
      ]);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('protocols accepted: TLSv1.2, TLSv1.3');
      expect(run.stdout).toContain(`secure-scheduling: ${good.url}: ok`);
    });
  });

  describe('findings exit 1', () => {
    test('an endpoint that also accepts TLS 1.0 and 1.1 is TLS_LEGACY_PROTOCOL', async () => {
      const { status, result } = await verify(legacy);
      expect(status).toBe(1);
      expect(result.protocols).toEqual({ TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true });
      expect(ids(result)).toEqual(['TLS_LEGACY_PROTOCOL']);
      expect(result.findings[0].message).toContain('accepts TLSv1 and TLSv1.1');
    });

    test('a certificate for another name is CERT_HOSTNAME_MISMATCH', async () => {
      const { status, result } = await verify(wrongName);
      expect(status).toBe(1);
      expect(ids(result)).toEqual(['CERT_HOSTNAME_MISMATCH']);
      expect(result.findings[0].message).toContain('DNS:other.example.com');
    });

    test('a certificate with fewer days left than --min-days is CERT_EXPIRING', async () => {
      const { status, result } = await verify(expiring);
      expect(status).toBe(1);
      expect(ids(result)).toEqual(['CERT_EXPIRING']);
      expect(result.findings[0].message).toMatch(/expires in (9|10) days/);
      // The same certificate passes a lower bar.
      expect((await verify(expiring, '--min-days', '5')).status).toBe(0);
    });

    test('no Strict-Transport-Security and plain HTTP served are NO_HSTS and NO_HTTPS_REDIRECT', async () => {
      const { status, result } = await verify(noHsts);
      expect(status).toBe(1);
      expect(ids(result)).toEqual(['NO_HSTS', 'NO_HTTPS_REDIRECT']);
      expect(result.findings[1].message).toContain('answered 200');
    });
  });

  describe('more findings', () => {
    test('an expired certificate is CERT_EXPIRING, saying since when, and not also CERT_UNTRUSTED', async () => {
      const { status, result } = await verify(expired);
      expect(status).toBe(1);
      expect(ids(result)).toEqual(['CERT_EXPIRING']);
      expect(result.findings[0].message).toMatch(/expired (3|4) days ago/);
      expect(result.certificates[0]).toMatchObject({ trusted: false, healthy: false });
    });

    test('an endpoint speaking only TLS 1.0 and 1.1 is TLS_LEGACY_PROTOCOL and TLS_NO_MODERN_PROTOCOL', async () => {
      const { status, result } = await verify(legacyOnly);
      expect(status).toBe(1);
      expect(result.protocols).toEqual({ TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': false, 'TLSv1.3': false });
      expect(ids(result)).toEqual(expect.arrayContaining(['TLS_LEGACY_PROTOCOL', 'TLS_NO_MODERN_PROTOCOL']));
      expect(result.findings.find((f) => f.id === 'TLS_NO_MODERN_PROTOCOL')?.message).toContain(
        'accepts neither TLS 1.2 nor TLS 1.3',
      );
    });

    test('HSTS kept for five minutes is NO_HSTS, naming the 180-day minimum', async () => {
      const { status, result } = await verify(shortHsts);
      expect(status).toBe(1);
      expect(ids(result)).toEqual(['NO_HSTS']);
      expect(result.findings[0].message).toContain("'max-age=300'");
      expect(result.findings[0].message).toContain('180 days');
    });

    test('nothing on plain HTTP is a NO_HTTPS_REDIRECT warning only: exit 0', async () => {
      const closedPort = await freePort();
      const run = await runCommand([
        'verify',
        good.url,
        '--ca',
        ca.caFile,
        '--http-port',
        String(closedPort),
        '--json',
      ]);
      const result = JSON.parse(run.stdout) as VerifyJson;
      expect(run.status).toBe(0);
      expect(result.ok).toBe(true);
      expect(result.findings).toEqual([
        expect.objectContaining({ id: 'NO_HTTPS_REDIRECT', severity: 'warning' }),
      ]);
    });
  });

  describe('the probe of the edge', () => {
    const probeOptions = [
      '--load-balancer-host',
      LOAD_BALANCER_HOST,
      '--protected-path',
      '/settings/admin',
      '--protected-path',
      '/auth/setup',
    ];

    test('an edge that answers as the stack does passes every check: exit 0, the checks in the JSON', async () => {
      const { status, result } = await verify(guarded, ...probeOptions);
      expect(result.findings).toEqual([]);
      expect(status).toBe(0);
      expect(result.probes.map((p) => [p.check, p.outcome])).toEqual([
        ['security-headers', 'passed'],
        ['unknown-host', 'passed'],
        ['load-balancer-host', 'passed'],
        ['methods', 'passed'],
        ['sensitive-paths', 'passed'],
        ['protected-paths', 'passed'],
      ]);
      expect(result.probes[5].requests).toEqual([
        expect.objectContaining({ method: 'GET', path: '/settings/admin', status: 302 }),
        expect.objectContaining({ method: 'GET', path: '/auth/setup', status: 403 }),
      ]);
    });

    test('an edge that gets them wrong: every finding in the JSON with its severity, exit 1', async () => {
      const { status, result } = await verify(exposed, ...probeOptions);
      expect(status).toBe(1);
      expect(result.ok).toBe(false);
      expect(result.findings.map((f) => [f.id, f.severity])).toEqual([
        ['NOSNIFF_MISSING', 'error'],
        ['FRAME_PROTECTION_MISSING', 'warning'],
        ['CSP_MISSING', 'warning'],
        ['SERVER_HEADER_DISCLOSED', 'warning'],
        ['UNKNOWN_HOST_SERVED', 'error'],
        ['RAW_HOSTNAME_SERVED', 'error'],
        ['TRACE_ENABLED', 'error'],
        ['TRACE_ENABLED', 'error'],
        ['SENSITIVE_PATH_SERVED', 'error'],
        ['PROTECTED_PATH_OPEN', 'error'],
        ['PROTECTED_PATH_OPEN', 'error'],
      ]);
      const message = (id: string) => result.findings.find((f) => f.id === id)?.message;
      expect(message('SERVER_HEADER_DISCLOSED')).toContain("Server 'Apache/2.4.58'");
      expect(message('RAW_HOSTNAME_SERVED')).toContain(`Host '${LOAD_BALANCER_HOST}:`);
      expect(message('SENSITIVE_PATH_SERVED')).toMatch(/\/\.git\/HEAD is served \(200\)/);
      expect(result.findings.filter((f) => f.id === 'PROTECTED_PATH_OPEN').map((f) => f.message)).toEqual([
        expect.stringMatching(/\/settings\/admin is open: it was answered 200, not a sign-in/),
        expect.stringMatching(/\/auth\/setup was answered 404, not a sign-in/),
      ]);
      expect(result.probes.filter((p) => p.outcome === 'failed').map((p) => p.check)).toEqual([
        'security-headers',
        'unknown-host',
        'load-balancer-host',
        'methods',
        'sensitive-paths',
        'protected-paths',
      ]);
    });

    test('prints one line per finding and the outcome of each check without --json', async () => {
      const run = await runCommand([
        'verify',
        exposed.url,
        '--ca',
        ca.caFile,
        '--http-port',
        String(exposed.httpPort),
        '--protected-path',
        '/settings/admin',
      ]);
      expect(run.status).toBe(1);
      const lines = run.stdout.split('\n');
      expect(lines).toContain(
        'edge checks: security-headers failed, unknown-host failed, methods failed, sensitive-paths failed, protected-paths failed',
      );
      expect(lines.filter((l) => /^(error {2}|warning) [A-Z_]+: /.test(l))).toHaveLength(9);
      expect(lines.find((l) => l.startsWith('warning CSP_MISSING: '))).toBeDefined();
      expect(lines.find((l) => l.startsWith('error   TRACE_ENABLED: TRACK '))).toBeDefined();
      // Errors are counted; the three warnings are printed and do not count.
      expect(run.stdout).toContain(`secure-scheduling: ${exposed.url}: 6 findings`);
    });

    test('missing frame protection and CSP, as on an embeddable booking page, are warnings only: exit 0', async () => {
      const { status, result } = await verify(embeddable);
      expect(status).toBe(0);
      expect(result.ok).toBe(true);
      expect(result.findings.map((f) => [f.id, f.severity])).toEqual([
        ['FRAME_PROTECTION_MISSING', 'warning'],
        ['CSP_MISSING', 'warning'],
      ]);
    });
  });

  describe('when the endpoint cannot be asked', () => {
    test('a port nothing listens on exits 3', async () => {
      const port = await freePort();
      // Through the CLI itself, in a child process: its exit code and its two output streams.
      const run = await runCli(['verify', `https://localhost:${port}/`, '--json']);
      expect(run.status).toBe(3);
      expect(run.stderr).toContain('unreachable: ECONNREFUSED');
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, findings: [] });
    });
  });

  describe('bad usage exits 2', () => {
    test.each([
      [
        ['http://localhost/'],
        "the URL must be an https:// URL like https://schedule.example.com, got 'http://localhost/'",
      ],
      [[], 'one https:// URL is required, got 0'],
      [
        ['https://localhost/', '--ca', '/nonexistent/ca.pem'],
        "--ca must name a readable PEM file, got '/nonexistent/ca.pem'",
      ],
      [
        ['https://localhost/', '--http-port', '70000'],
        "--http-port must be a TCP port between 1 and 65535, got '70000'",
      ],
      [
        ['https://localhost/', '--min-days=-1'],
        '--min-days must be a whole number of days between 0 and 9999',
      ],
      [
        ['https://localhost/', '--load-balancer-host', `https://${LOAD_BALANCER_HOST}/`],
        `--load-balancer-host must be a host name like my-alb-1234567890.eu-west-1.elb.amazonaws.com (the stack's LoadBalancerDnsName output), not a URL, got 'https://${LOAD_BALANCER_HOST}/'`,
      ],
      [
        ['https://schedule.example.com/', '--load-balancer-host', 'Schedule.example.com'],
        "--load-balancer-host must be the load balancer's own name, not the app's domain, got 'Schedule.example.com'",
      ],
      [
        ['https://localhost/', '--protected-path', '/settings/admin', '--protected-path', 'auth/setup'],
        "--protected-path must be a path starting with one '/', like /settings/admin, got 'auth/setup'",
      ],
      [
        ['https://localhost/', '--protected-path'],
        "option '--protected-path' for verify needs a value: --protected-path <path>",
      ],
    ])('%j', async (args, message) => {
      const run = await runCommand(['verify', ...args]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('usage: secure-scheduling verify <https-url>');
    });
  });
});
