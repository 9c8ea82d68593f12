/**
 * The pipeline example of docs/certificates.md (docs/examples/release-gate.sh) run for real: bash, the compiled
 * CLI in child processes, a local ACM server for cert-check and local TLS servers for verify. The deployment is a
 * command that leaves a mark, so each test can tell whether the gate let it run. Whatever a check prints, the
 * gate reads it without failing itself: the check's exit code decides.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acmCertificate, AcmServer, inDays } from '../support/acm-server';
import { cliEnvironment, compiledCliPath } from '../support/cli';
import { startEndpoint, TestCa, TestEndpoint } from '../support/tls-fixtures';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'docs', 'examples', 'release-gate.sh');

interface GateRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly deployed: boolean;
  readonly reports: string;
}

describe('docs/examples/release-gate.sh', () => {
  const acm = new AcmServer();
  let ca: TestCa;
  let good: TestEndpoint;
  let noHsts: TestEndpoint;
  let work: string;

  beforeAll(async () => {
    await acm.start();
    ca = new TestCa();
    const localhost = ca.issue('localhost', ['localhost'], 200);
    [good, noHsts] = await Promise.all([
      startEndpoint({ pair: localhost }),
      startEndpoint({ pair: localhost, hsts: null }),
    ]);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'release-gate-'));
  });
  afterAll(async () => {
    await Promise.all([acm.stop(), good?.close(), noHsts?.close()]);
    ca?.remove();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const gate = (endpoint: TestEndpoint, env: Record<string, string> = {}): Promise<GateRun> => {
    const reports = fs.mkdtempSync(path.join(work, 'run-'));
    const mark = path.join(reports, 'deployed');
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [SCRIPT], {
        cwd: reports,
        env: cliEnvironment({
          DOMAIN: 'schedule.example.com',
          URL: endpoint.url,
          SECURE_SCHEDULING_CLI: `${process.execPath} ${compiledCliPath()}`,
          DEPLOY_COMMAND: `touch ${mark}`,
          VERIFY_OPTIONS: `--ca ${ca.caFile} --http-port ${endpoint.httpPort}`,
          REPORTS: reports,
          AWS_ENDPOINT_URL_ACM: acm.endpoint,
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'test-secret',
          AWS_REGION: 'eu-west-1',
          AWS_MAX_ATTEMPTS: '2',
          ...env,
        }),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (status) =>
        resolve({ status, stdout, stderr, deployed: fs.existsSync(mark), reports }),
      );
    });
  };
  const report = (run: GateRun, name: string) =>
    JSON.parse(fs.readFileSync(path.join(run.reports, name), 'utf8')) as { ok: boolean; findings: unknown[] };

  test('a healthy certificate and a right endpoint: deployed, verified, exit 0', async () => {
    acm.use({ certificates: [acmCertificate('schedule.example.com')] });
    const run = await gate(good);
    expect(run.stderr).not.toContain('release-gate:');
    expect(run.status).toBe(0);
    expect(run.deployed).toBe(true);
    expect(report(run, 'cert-check.json').ok).toBe(true);
    expect(report(run, 'verify.json')).toMatchObject({ ok: true, findings: [] });
  });

  test('an expiring certificate blocks the deployment: exit 1, findings printed', async () => {
    acm.use({ certificates: [acmCertificate('schedule.example.com', { NotAfter: inDays(12.5) })] });
    const run = await gate(good);
    expect(run.status).toBe(1);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain('release-gate: error CERT_EXPIRING: certificate');
    expect(run.stderr).toContain('cert-check exited 1: not deploying');
    expect(fs.existsSync(path.join(run.reports, 'verify.json'))).toBe(false);
  });

  test('AWS refusing the question blocks the deployment: exit 3', async () => {
    acm.use({ certificates: [], deny: true });
    const run = await gate(good);
    expect(run.status).toBe(3);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain('AccessDeniedException');
  });

  test('no certificate yet on a first deployment goes ahead; an endpoint without HSTS fails the release', async () => {
    acm.use({ certificates: [] });
    const run = await gate(noHsts, { FIRST_DEPLOYMENT: 'true' });
    expect(run.stdout).toContain('no certificate for schedule.example.com yet');
    expect(run.deployed).toBe(true);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('release-gate: error NO_HSTS:');
    expect(run.stderr).toContain('verify exited 1: the release is not good');
  });

  test('no certificate on a later deployment blocks it', async () => {
    acm.use({ certificates: [] });
    const run = await gate(good);
    expect(run.status).toBe(1);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain('CERT_NOT_FOUND');
  });

  /** Node.js failing on its own: an exception and its stack, which the gate must never print. */
  const CRASH = /SyntaxError|TypeError|at JSON\.parse|node:internal/;

  test('a usage error stops the gate with the message of the JSON result: exit 2', async () => {
    const run = await gate(good, { MIN_DAYS: 'soon' });
    expect(run.status).toBe(2);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain(
      "release-gate: cert-check: usage error: --min-days must be a whole number of days between 0 and 9999, got 'soon'",
    );
    expect(run.stderr).toContain('release-gate: cert-check exited 2: not deploying');
    expect(report(run, 'cert-check.json')).toMatchObject({ ok: false, error: { kind: 'usage' } });
    expect(run.stderr).not.toMatch(CRASH);
  });

  /** A stand-in for the CLI that prints `output` and exits with `status` for the one command named. */
  let standIns = 0;
  const standIn = (command: 'cert-check' | 'verify', output: string, status: number): string => {
    const script = path.join(work, `stand-in-${++standIns}.sh`);
    const passed = JSON.stringify({ ok: true, certificates: [], findings: [] });
    fs.writeFileSync(
      script,
      [
        '#!/bin/sh',
        `if [ "$1" = ${command} ]; then printf '%s' '${output}'; exit ${status}; fi`,
        `printf '%s' '${passed}'`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    return script;
  };

  test.each([
    [
      'cert-check',
      '',
      2,
      'release-gate: cert-check printed nothing in',
      'cert-check exited 2: not deploying',
    ],
    [
      'cert-check',
      'secure-scheduling: unknown option',
      2,
      'release-gate: cert-check printed no JSON result ("secure-scheduling: unknown option") in',
      'cert-check exited 2: not deploying',
    ],
    ['verify', '', 3, 'release-gate: verify printed nothing in', 'verify exited 3: the release is not good'],
    [
      'verify',
      '{"ok": fal',
      1,
      'release-gate: verify printed no JSON result ("{\\"ok\\": fal") in',
      'verify exited 1: the release is not good',
    ],
  ])(
    'a %s result that is not JSON (%j) is said so in one line, and its exit code %i kept',
    async (command, output, status, line, verdict) => {
      const cli = standIn(command as 'cert-check' | 'verify', output, status);
      const run = await gate(good, { SECURE_SCHEDULING_CLI: cli });
      expect(run.status).toBe(status);
      expect(run.deployed).toBe(command === 'verify');
      expect(run.stderr).toContain(line);
      expect(run.stderr).toContain(`release-gate: ${verdict}`);
      expect(run.stderr).not.toMatch(CRASH);
    },
  );
});
