/**
 * The HTTP probe of `verify` against real HTTPS servers on 127.0.0.1: one that answers as the stack's edge
 * does, and a few that each misbehave in ways whose findings name different headers, hosts and paths.
 */
import { Finding } from '../../lib/certificates/assessment';
import { HttpProbeResult, probeHttp, PROBE_CHECKS, SENSITIVE_PATHS } from '../../lib/certificates/http-probe';
import { EndpointOptions, startEndpoint, TestCa, TestEndpoint } from '../support/tls-fixtures';

/** Where the stack's operator paths send a visitor without a session: the identity provider. */
const IDP_AUTHORIZE = 'https://auth.example.test/oauth2/authorize?client_id=scheduling&response_type=code';
const LOAD_BALANCER_HOST = 'secure-loadb-1ab2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com';
const ENV_SECRET = 'NEXTAUTH_SECRET=s3cr3t-value-that-must-not-be-echoed';
/** The first bytes of a real .DS_Store: a 4-byte version 1, then the magic 'Bud1'. */
const DS_STORE = Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from('Bud1'), Buffer.alloc(24)]);

describe('probeHttp', () => {
  let ca: TestCa;
  /** Answers as the deployed stack: headers, fixed 404s, 405 for TRACE/TRACK, a sign-in on operator paths. */
  let good: TestEndpoint;
  /** No nosniff, no CSP, no frame protection, names its software; serves any Host its page. */
  let bare: TestEndpoint;
  /** X-Frame-Options but no CSP; answers every path `status=ok`, a soft 404 that looks like a .env line. */
  let framed: TestEndpoint;
  /** A CSP without frame-ancestors; redirects foreign Hosts, echoes TRACE/TRACK, leaks files, open admin. */
  let leaky: TestEndpoint;
  /** Speaks only TLS 1.0 and 1.1: the probe's client gets no answer at all. */
  let legacyOnly: TestEndpoint;

  beforeAll(async () => {
    ca = new TestCa();
    const pair = ca.issue('localhost', ['localhost'], 200);
    const signIn: EndpointOptions['routes'] = {
      '/settings/admin': { status: 302, headers: { location: IDP_AUTHORIZE } },
      '/auth/setup': { status: 401, body: 'Unauthorized' },
    };
    [good, bare, framed, leaky, legacyOnly] = await Promise.all([
      startEndpoint({ pair, routes: signIn }),
      startEndpoint({
        pair,
        headers: {
          'x-content-type-options': null,
          'content-security-policy': null,
          server: 'nginx/1.25.3',
          'x-powered-by': 'Next.js',
        },
        otherHosts: 'served',
        routes: signIn,
      }),
      startEndpoint({
        pair,
        headers: { 'content-security-policy': null, 'x-frame-options': 'DENY' },
        softNotFound: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'status=ok\n' },
      }),
      startEndpoint({
        pair,
        headers: { 'content-security-policy': "default-src 'self'" },
        otherHosts: 'redirected',
        echoesTrace: true,
        softNotFound: true,
        routes: {
          '/.env': { status: 200, headers: { 'content-type': 'text/plain' }, body: `# app\n${ENV_SECRET}\n` },
          '/.git/config': {
            status: 200,
            body: '[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = https://token@git.example.test/app.git\n',
          },
          '/.git/HEAD': { status: 200, body: 'ref: refs/heads/main\n' },
          '/.DS_Store': {
            status: 200,
            headers: { 'content-type': 'application/octet-stream' },
            body: DS_STORE,
          },
          '/settings/admin': { status: 200, body: '<html>admin</html>' },
          '/auth/setup': { status: 302, headers: { location: '/auth/login' } },
        },
      }),
      startEndpoint({ pair, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([good, bare, framed, leaky, legacyOnly].map((e) => e?.close()));
    ca?.remove();
  });

  const probe = (
    endpoint: TestEndpoint,
    extra: { loadBalancerHost?: string; protectedPaths?: string[] } = {},
  ) =>
    // No CA: trust is the TLS checks' to judge, the probe only reads what the edge answers.
    probeHttp({ url: new URL(endpoint.url), timeoutMs: 2000, ...extra });
  const withId = (result: HttpProbeResult, id: string): Finding[] =>
    result.findings.filter((f) => f.id === id);
  const outcomes = (result: HttpProbeResult) =>
    Object.fromEntries(result.checks.map((c) => [c.check, c.outcome]));
  const operatorPaths = { protectedPaths: ['/settings/admin', '/auth/setup'] };

  describe('an edge that answers as the stack does', () => {
    let result: HttpProbeResult;
    let before: number;
    let connectionsBefore: number;

    beforeAll(async () => {
      before = good.requests().length;
      connectionsBefore = good.connections();
      result = await probe(good, { loadBalancerHost: LOAD_BALANCER_HOST, ...operatorPaths });
    });

    test('has no finding, and every check passed', () => {
      expect(result.findings).toEqual([]);
      expect(result.page).toMatchObject({ kind: 'answered', response: { status: 200 } });
      expect(result.checks.map((c) => c.check)).toEqual([...PROBE_CHECKS]);
      expect(new Set(Object.values(outcomes(result)))).toEqual(new Set(['passed']));
    });

    test('records what each request got: 404 for foreign hosts and files, 405 for TRACE and TRACK', () => {
      const byCheck = Object.fromEntries(result.checks.map((c) => [c.check, c.requests]));
      expect(byCheck['unknown-host']).toEqual([
        expect.objectContaining({
          method: 'GET',
          path: '/',
          host: expect.stringMatching(/^probe-[0-9a-f]{12}\.invalid:\d+$/),
          status: 404,
        }),
      ]);
      expect(byCheck['load-balancer-host']).toEqual([
        expect.objectContaining({
          host: expect.stringMatching(new RegExp(`^${LOAD_BALANCER_HOST.replace(/\./g, '\\.')}:\\d+$`)),
          status: 404,
        }),
      ]);
      expect(byCheck.methods.map((r) => [r.method, r.status])).toEqual([
        ['TRACE', 405],
        ['TRACK', 405],
      ]);
      expect(byCheck['sensitive-paths'].map((r) => r.path)).toEqual([
        expect.stringMatching(/^\/probe-[0-9a-f]{12}$/),
        ...SENSITIVE_PATHS.map((s) => s.path),
      ]);
      expect(new Set(byCheck['sensitive-paths'].map((r) => r.status))).toEqual(new Set([404]));
      expect(byCheck['protected-paths']).toEqual([
        expect.objectContaining({ path: '/settings/admin', status: 302, location: IDP_AUTHORIZE }),
        expect.objectContaining({ path: '/auth/setup', status: 401 }),
      ]);
    });

    test('sends no request body, follows no redirect, and uses a handful of connections', () => {
      const seen = good.requests().slice(before);
      // The page, two hosts, two methods, the baseline, six files, two operator paths: nothing else.
      expect(seen).toHaveLength(1 + 2 + 2 + 1 + SENSITIVE_PATHS.length + 2);
      expect(seen.every((r) => r.bodyBytes === 0)).toBe(true);
      expect(seen.filter((r) => r.path.startsWith('/oauth2'))).toEqual([]);
      expect(good.connections() - connectionsBefore).toBeLessThanOrEqual(3);
    });

    test('asks for the load balancer host and operator paths only when told', async () => {
      const plain = await probe(good);
      expect(plain.checks.map((c) => c.check)).toEqual([
        'security-headers',
        'unknown-host',
        'methods',
        'sensitive-paths',
      ]);
      expect(plain.findings).toEqual([]);
    });
  });

  describe('security headers', () => {
    let result: HttpProbeResult;
    beforeAll(async () => {
      result = await probe(bare, operatorPaths);
    });

    test('no X-Content-Type-Options is a NOSNIFF_MISSING error', () => {
      expect(withId(result, 'NOSNIFF_MISSING')).toEqual([
        {
          id: 'NOSNIFF_MISSING',
          severity: 'error',
          message: expect.stringContaining('sends no X-Content-Type-Options header'),
        },
      ]);
      expect(outcomes(result)['security-headers']).toBe('failed');
    });

    test('neither X-Frame-Options nor a CSP are FRAME_PROTECTION_MISSING and CSP_MISSING warnings', () => {
      expect(withId(result, 'FRAME_PROTECTION_MISSING')).toEqual([
        expect.objectContaining({
          severity: 'warning',
          message: expect.stringContaining(
            'sends no X-Frame-Options and no Content-Security-Policy with frame-ancestors',
          ),
        }),
      ]);
      expect(withId(result, 'CSP_MISSING')).toEqual([
        expect.objectContaining({
          severity: 'warning',
          message: expect.stringContaining('sends no Content-Security-Policy header'),
        }),
      ]);
    });

    test('Server and X-Powered-By naming software are SERVER_HEADER_DISCLOSED warnings, once each', () => {
      const disclosed = withId(result, 'SERVER_HEADER_DISCLOSED');
      expect(disclosed.map((f) => f.severity)).toEqual(['warning', 'warning']);
      expect(disclosed[0].message).toContain(
        "sends Server 'nginx/1.25.3': it tells an attacker which software and version",
      );
      expect(disclosed[1].message).toContain("sends X-Powered-By 'Next.js'");
    });

    test('X-Frame-Options alone is frame protection: only CSP_MISSING, and the check passes', async () => {
      const framedResult = await probe(framed);
      expect(framedResult.findings.map((f) => [f.id, f.severity])).toEqual([['CSP_MISSING', 'warning']]);
      expect(outcomes(framedResult)['security-headers']).toBe('passed');
    });

    test('a CSP without frame-ancestors is not frame protection', async () => {
      const leakyResult = await probe(leaky);
      expect(withId(leakyResult, 'FRAME_PROTECTION_MISSING')).toHaveLength(1);
      expect(withId(leakyResult, 'CSP_MISSING')).toEqual([]);
    });
  });

  describe('host confinement', () => {
    test('a foreign Host answered with the page is UNKNOWN_HOST_SERVED, naming the Host and the status', async () => {
      const result = await probe(bare);
      const [finding] = withId(result, 'UNKNOWN_HOST_SERVED');
      expect(finding).toMatchObject({ severity: 'error' });
      expect(finding.message).toMatch(
        /a request for Host 'probe-[0-9a-f]{12}\.invalid:\d+' .* was answered 200:/,
      );
      expect(outcomes(result)['unknown-host']).toBe('failed');
    });

    test('a foreign Host redirected is UNKNOWN_HOST_SERVED too, with the Location; the load balancer name is RAW_HOSTNAME_SERVED', async () => {
      const result = await probe(leaky, { loadBalancerHost: LOAD_BALANCER_HOST });
      const [unknown] = withId(result, 'UNKNOWN_HOST_SERVED');
      expect(unknown.message).toMatch(
        /was answered 302 with Location 'https:\/\/probe-[0-9a-f]{12}\.invalid:\d+\/'/,
      );
      expect(withId(result, 'RAW_HOSTNAME_SERVED')).toEqual([
        expect.objectContaining({
          severity: 'error',
          message: expect.stringContaining(`Host '${LOAD_BALANCER_HOST}:`),
        }),
      ]);
      expect(outcomes(result)['load-balancer-host']).toBe('failed');
    });
  });

  describe('TRACE and TRACK', () => {
    test('answered 200 with the request echoed: TRACE_ENABLED for each, saying it echoes', async () => {
      const result = await probe(leaky);
      const findings = withId(result, 'TRACE_ENABLED');
      expect(findings.map((f) => f.severity)).toEqual(['error', 'error']);
      expect(findings[0].message).toMatch(
        /^TRACE https:\/\/localhost:\d+\/ was answered 200, echoing the request/,
      );
      expect(findings[1].message).toMatch(
        /^TRACK https:\/\/localhost:\d+\/ was answered 200, echoing the request/,
      );
      expect(outcomes(result).methods).toBe('failed');
    });
  });

  describe('sensitive paths', () => {
    let result: HttpProbeResult;
    beforeAll(async () => {
      result = await probe(leaky);
    });

    test('each leaked file is SENSITIVE_PATH_SERVED, naming the path and what it is', () => {
      const findings = withId(result, 'SENSITIVE_PATH_SERVED');
      expect(findings.every((f) => f.severity === 'error')).toBe(true);
      expect(findings.map((f) => /\/\/localhost:\d+(\S+) is served/.exec(f.message)?.[1])).toEqual([
        '/.env',
        '/.git/config',
        '/.git/HEAD',
        '/.DS_Store',
      ]);
      expect(findings[0].message).toContain('an environment file');
      expect(findings[1].message).toContain('a Git repository configuration');
    });

    test('never repeats what the file holds', () => {
      const text = JSON.stringify(result);
      expect(text).not.toContain('s3cr3t');
      expect(text).not.toContain('token@');
    });

    test('paths answered with the app page (a soft 404) are no finding', () => {
      const requests = result.checks.find((c) => c.check === 'sensitive-paths')!.requests;
      expect(requests.find((r) => r.path === '/.aws/credentials')).toMatchObject({ status: 200 });
      expect(requests.find((r) => r.path === '/server-status')).toMatchObject({ status: 200 });
      expect(result.findings.filter((f) => /credentials|server-status/.test(f.message))).toEqual([]);
    });

    test('a soft 404 that happens to look like a .env line is no finding: the baseline carries it too', async () => {
      const framedResult = await probe(framed);
      const requests = framedResult.checks.find((c) => c.check === 'sensitive-paths')!.requests;
      expect(requests.find((r) => r.path === '/.env')).toMatchObject({ status: 200 });
      expect(withId(framedResult, 'SENSITIVE_PATH_SERVED')).toEqual([]);
      expect(outcomes(framedResult)['sensitive-paths']).toBe('passed');
    });
  });

  describe('protected paths', () => {
    test('answered 200, or redirected within the app: PROTECTED_PATH_OPEN naming the path', async () => {
      const result = await probe(leaky, operatorPaths);
      const findings = withId(result, 'PROTECTED_PATH_OPEN');
      expect(findings.map((f) => f.severity)).toEqual(['error', 'error']);
      expect(findings[0].message).toMatch(/\/settings\/admin is open: it was answered 200, not a sign-in/);
      expect(findings[1].message).toMatch(
        /\/auth\/setup redirects to '\/auth\/login' on the app itself, not a sign-in/,
      );
      expect(outcomes(result)['protected-paths']).toBe('failed');
    });

    test('a redirect to the identity provider and a 401 are a sign-in (the good edge, above); 404 is not', async () => {
      const result = await probe(good, { protectedPaths: ['/settings/admin', '/admin/missing'] });
      expect(result.findings.map((f) => f.message)).toEqual([
        expect.stringMatching(/\/admin\/missing was answered 404, not a sign-in/),
      ]);
    });
  });

  describe('when the page gets no answer', () => {
    test('asks nothing more and reads every check as not checked, with no finding', async () => {
      const before = legacyOnly.requests().length;
      const result = await probe(legacyOnly, operatorPaths);
      expect(result.page.kind).toBe('failed');
      expect(result.findings).toEqual([]);
      expect(result.checks.map((c) => [c.check, c.outcome])).toEqual([
        ['security-headers', 'not checked'],
        ['unknown-host', 'not checked'],
        ['methods', 'not checked'],
        ['sensitive-paths', 'not checked'],
        ['protected-paths', 'not checked'],
      ]);
      expect(legacyOnly.requests().length).toBe(before);
    });
  });
});
