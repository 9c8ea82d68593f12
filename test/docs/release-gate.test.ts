/**
 * The pipeline example of docs/certificates.md (docs/examples/release-gate.sh) run for real: bash, the compiled
 * CLI in child processes, a local ACM server for cert-check and local TLS servers for verify. The deployment is a
 * command that leaves a mark, so each test can tell whether the gate let it run.
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
});
