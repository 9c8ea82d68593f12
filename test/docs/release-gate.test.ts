/**
 * The pipeline example of docs/certificates.md (docs/examples/release-gate.sh) run for real: bash, the compiled
 * CLI in child processes, a local ACM server for cert-check, small cloud assemblies for guard and local TLS
 * servers for verify. `npx` and `aws` are stand-ins on the PATH that record their command lines: `npx cdk synth`
 * copies a prepared assembly to its `--output`, `npx cdk deploy` leaves a mark, `aws cloudformation
 * get-template` prints a prepared deployed template; so each test can tell what the gate ran, in which order,
 * and whether it deployed. Whatever a check prints, the gate reads it without failing itself: the check's exit
 * code decides. A test that judges what the gate does around a check (the synth, the deployed template, guard,
 * its settings) has the checks it does not judge stand in with a passing result; every check runs for real in
 * the tests that judge it.
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
  /** The command lines of the stand-ins for `npx` and `aws`, in the order the gate ran them. */
  readonly commands: string[];
  readonly reports: string;
}

/** The command lines the gate runs by default for the stack SecureScheduling. */
const SYNTH = 'npx cdk synth --quiet --output cdk.out';
const GET_TEMPLATE =
  'aws cloudformation get-template --stack-name SecureScheduling --query TemplateBody --output json';
const DEPLOY = 'npx cdk deploy SecureScheduling --app cdk.out --require-approval never';

/** What the stand-ins print for a stack that does not exist, as the AWS CLI does (exit 254). */
const NO_STACK = 'An error occurred (ValidationError) when calling the GetTemplate operation: Stack with id';

/**
 * The stand-ins, POSIX shell. Each appends its command line to $GATE_LOG. `npx cdk synth` copies the assembly
 * $SYNTHESIZES to its `--output` directory; `npx cdk deploy` writes its command line to $DEPLOY_MARK; `aws`
 * prints the template $DEPLOYED_TEMPLATE, or fails as the AWS CLI does when the stack does not exist.
 */
const STAND_INS: Record<string, string> = {
  npx: [
    '#!/bin/sh',
    'printf \'npx %s\\n\' "$*" >>"$GATE_LOG"',
    'if [ "$1 $2" = "cdk synth" ]; then',
    '  out=',
    '  while [ $# -gt 0 ]; do if [ "$1" = --output ]; then out=$2; fi; shift; done',
    '  if [ -z "$out" ]; then echo "npx stand-in: cdk synth without --output" >&2; exit 1; fi',
    '  mkdir -p "$out" && cp "$SYNTHESIZES"/* "$out"/',
    'elif [ "$1 $2" = "cdk deploy" ]; then',
    '  printf \'%s\\n\' "$*" >"$DEPLOY_MARK"',
    'else',
    '  echo "npx stand-in: not expected: $*" >&2; exit 127',
    'fi',
    '',
  ].join('\n'),
  aws: [
    '#!/bin/sh',
    'printf \'aws %s\\n\' "$*" >>"$GATE_LOG"',
    'if [ ! -f "$DEPLOYED_TEMPLATE" ]; then',
    `  echo "${NO_STACK} $4 does not exist" >&2; exit 254`,
    'fi',
    'cat "$DEPLOYED_TEMPLATE"',
    '',
  ].join('\n'),
};

interface Template {
  readonly Resources: Record<string, object>;
}

/**
 * A small template of `stackName` in the shape `cdk synth` writes: a retained bucket with a fixed name, a key the
 * stack deletes with it, and a topic, which holds no data. `change` edits it.
 */
function template(stackName: string, change: { bucketName?: string; key?: boolean; topic?: string } = {}) {
  const metadata = (id: string) => ({ 'aws:cdk:path': `${stackName}/${id}/Resource` });
  const resources: Record<string, object> = {
    AuditBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: { BucketName: change.bucketName ?? 'scheduling-audit-123456789012' },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Metadata: metadata('AuditBucket'),
    },
    DataKey: {
      Type: 'AWS::KMS::Key',
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Metadata: metadata('DataKey'),
    },
    AlertTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { DisplayName: change.topic ?? 'Scheduling alerts' },
      Metadata: metadata('AlertTopic'),
    },
  };
  if (change.key === false) delete resources.DataKey;
  return { Resources: resources } satisfies Template;
}

/** A cloud assembly of one stack as `cdk synth` writes it, reduced to what guard reads: manifest and template. */
function writeAssembly(directory: string, stackName: string, body: Template): string {
  const templateFile = `${stackName}.template.json`;
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(
    path.join(directory, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        [stackName]: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/unknown-region',
          properties: { templateFile },
        },
      },
    }),
  );
  fs.writeFileSync(path.join(directory, templateFile), JSON.stringify(body, null, 1));
  return directory;
}

describe('docs/examples/release-gate.sh', () => {
  const acm = new AcmServer();
  let ca: TestCa;
  let good: TestEndpoint;
  let noHsts: TestEndpoint;
  let work: string;
  let bin: string;
  /** The template deployed now, as `aws cloudformation get-template --output json` prints it. */
  let deployedTemplate: string;
  /** An update that loses nothing: the topic's display name changes. */
  let harmless: string;
  /** An update that replaces the bucket (its BucketName changes) and removes the key. */
  let losesData: string;

  beforeAll(async () => {
    await acm.start();
    ca = new TestCa();
    const localhost = ca.issue('localhost', ['localhost'], 200);
    [good, noHsts] = await Promise.all([
      startEndpoint({ pair: localhost }),
      startEndpoint({ pair: localhost, hsts: null }),
    ]);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'release-gate-'));
    bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    for (const [name, script] of Object.entries(STAND_INS)) {
      fs.writeFileSync(path.join(bin, name), script, { mode: 0o755 });
    }
    deployedTemplate = path.join(work, 'deployed-template.json');
    fs.writeFileSync(deployedTemplate, JSON.stringify(template('SecureScheduling'), null, 4));
    harmless = writeAssembly(
      path.join(work, 'harmless.out'),
      'SecureScheduling',
      template('SecureScheduling', { topic: 'Scheduling alerts (production)' }),
    );
    losesData = writeAssembly(
      path.join(work, 'loses-data.out'),
      'SecureScheduling',
      template('SecureScheduling', { bucketName: 'scheduling-audit-v2-123456789012', key: false }),
    );
  });
  afterAll(async () => {
    await Promise.all([acm.stop(), good?.close(), noHsts?.close()]);
    ca?.remove();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const gate = (endpoint: TestEndpoint, env: Record<string, string> = {}): Promise<GateRun> => {
    const reports = fs.mkdtempSync(path.join(work, 'run-'));
    const mark = path.join(reports, 'deploy.mark');
    const log = path.join(reports, 'commands.log');
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [SCRIPT], {
        cwd: reports,
        env: cliEnvironment({
          DOMAIN: 'schedule.example.com',
          URL: endpoint.url,
          SECURE_SCHEDULING_CLI: `${process.execPath} ${compiledCliPath()}`,
          PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
          GATE_LOG: log,
          DEPLOY_MARK: mark,
          SYNTHESIZES: harmless,
          DEPLOYED_TEMPLATE: deployedTemplate,
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
        resolve({
          status,
          stdout,
          stderr,
          deployed: fs.existsSync(mark),
          commands: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [],
          reports,
        }),
      );
    });
  };
  const report = (run: GateRun, name: string) =>
    JSON.parse(fs.readFileSync(path.join(run.reports, name), 'utf8')) as { ok: boolean; findings: unknown[] };
  const exists = (run: GateRun, name: string) => fs.existsSync(path.join(run.reports, name));
  const healthy = () => acm.use({ certificates: [acmCertificate('schedule.example.com')] });

  /**
   * The compiled CLI, but for `passing`, stand-ins that print a passing result and exit 0: for a test that
   * judges what the gate does around those checks (the synth, the deployed template, guard, the settings), not
   * the checks themselves. Each check still runs for real in the tests that judge it.
   */
  let realClis = 0;
  const realCliPassing = (...passing: Array<'cert-check' | 'verify'>): string => {
    const script = path.join(work, `real-cli-${++realClis}.sh`);
    const passed = JSON.stringify({ ok: true, certificates: [], findings: [] });
    fs.writeFileSync(
      script,
      [
        '#!/bin/sh',
        `case "$1" in ${passing.join('|')}) printf '%s' '${passed}'; exit 0 ;; esac`,
        `exec '${process.execPath}' '${compiledCliPath()}' "$@"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    return script;
  };

  test('a healthy certificate, an update that loses nothing and a right endpoint: deployed, verified, exit 0', async () => {
    healthy();
    const run = await gate(good);
    expect(run.stderr).not.toContain('release-gate:');
    expect(run.status).toBe(0);
    // The assembly synthesized is the one guard compares with the deployed template, and the one deployed.
    expect(run.commands).toEqual([SYNTH, GET_TEMPLATE, DEPLOY]);
    expect(run.deployed).toBe(true);
    expect(report(run, 'cert-check.json').ok).toBe(true);
    expect(report(run, 'guard.json')).toMatchObject({
      ok: true,
      before: path.join(run.reports, 'deployed.json'),
      after: 'cdk.out',
      stacks: [{ stackName: 'SecureScheduling', status: 'updated', ok: true, dataHoldingResources: 2 }],
      findings: [],
    });
    expect(report(run, 'verify.json')).toMatchObject({ ok: true, findings: [] });
  });

  test('an update that would replace or remove a resource holding data is not deployed: exit 1, findings printed', async () => {
    const run = await gate(good, {
      SYNTHESIZES: losesData,
      SECURE_SCHEDULING_CLI: realCliPassing('cert-check'),
    });
    expect(run.status).toBe(1);
    expect(run.commands).toEqual([SYNTH, GET_TEMPLATE]);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain(
      'release-gate: error DATA_REPLACED: SecureScheduling: AuditBucket (SecureScheduling/AuditBucket/Resource, AWS::S3::Bucket) would be replaced: BucketName requires replacement',
    );
    expect(run.stderr).toContain(
      'release-gate: error DATA_REMOVED: SecureScheduling: DataKey (SecureScheduling/DataKey/Resource, AWS::KMS::Key) would be removed from the stack and deleted',
    );
    expect(run.stderr).toMatch(/release-gate: guard exited 1: not deploying\n$/);
    expect(report(run, 'guard.json')).toMatchObject({
      ok: false,
      exitCode: 1,
      findings: [
        { id: 'DATA_REPLACED', severity: 'error', logicalId: 'AuditBucket' },
        { id: 'DATA_REMOVED', severity: 'error', logicalId: 'DataKey' },
      ],
    });
    expect(exists(run, 'verify.json')).toBe(false);
  });

  test('a deployed template that cannot be read stops the gate before guard and the deployment: exit 3', async () => {
    const run = await gate(good, {
      DEPLOYED_TEMPLATE: path.join(work, 'no-stack.json'),
      SECURE_SCHEDULING_CLI: realCliPassing('cert-check'),
    });
    expect(run.status).toBe(3);
    expect(run.commands).toEqual([SYNTH, GET_TEMPLATE]);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain(`${NO_STACK} SecureScheduling does not exist`);
    expect(run.stderr).toContain(
      'release-gate: the deployed template of SecureScheduling could not be read: not deploying (on the first deployment, set FIRST_DEPLOYMENT=true)',
    );
    expect(exists(run, 'guard.json')).toBe(false);
  });

  test('a synth that fails stops the gate with its exit code', async () => {
    const run = await gate(good, {
      SYNTH_COMMAND: 'false',
      SECURE_SCHEDULING_CLI: realCliPassing('cert-check'),
    });
    expect(run.status).toBe(1);
    expect(run.commands).toEqual([]);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain('release-gate: synth exited 1: not deploying');
  });

  test('STACK_NAME, ASSEMBLY, SYNTH_COMMAND and DEPLOY_COMMAND replace the defaults', async () => {
    const assembly = writeAssembly(
      path.join(work, 'scheduling.out'),
      'Scheduling',
      template('Scheduling', { topic: 'Scheduling alerts (production)' }),
    );
    const deployed = path.join(work, 'scheduling-deployed.json');
    fs.writeFileSync(deployed, JSON.stringify(template('Scheduling'), null, 4));
    const deploy = 'npx cdk deploy Scheduling --app assembly.out --require-approval never --exclusively';
    const run = await gate(good, {
      STACK_NAME: 'Scheduling',
      ASSEMBLY: 'assembly.out',
      SYNTH_COMMAND: `cp -R ${assembly} assembly.out`,
      DEPLOY_COMMAND: deploy,
      DEPLOYED_TEMPLATE: deployed,
      SECURE_SCHEDULING_CLI: realCliPassing('cert-check', 'verify'),
    });
    expect(run.stderr).not.toContain('release-gate:');
    expect(run.status).toBe(0);
    expect(run.commands).toEqual([
      'aws cloudformation get-template --stack-name Scheduling --query TemplateBody --output json',
      deploy,
    ]);
    expect(report(run, 'guard.json')).toMatchObject({
      ok: true,
      after: 'assembly.out',
      stacks: [{ stackName: 'Scheduling', status: 'updated', dataHoldingResources: 2 }],
    });
  });

  test('an expiring certificate blocks the deployment: exit 1, findings printed', async () => {
    acm.use({ certificates: [acmCertificate('schedule.example.com', { NotAfter: inDays(12.5) })] });
    const run = await gate(good);
    expect(run.status).toBe(1);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain('release-gate: error CERT_EXPIRING: certificate');
    expect(run.stderr).toContain('cert-check exited 1: not deploying');
    expect(run.commands).toEqual([]);
    expect(fs.existsSync(path.join(run.reports, 'verify.json'))).toBe(false);
  });

  test('AWS refusing the question blocks the deployment: exit 3', async () => {
    acm.use({ certificates: [], deny: true });
    const run = await gate(good);
    expect(run.status).toBe(3);
    expect(run.deployed).toBe(false);
    expect(run.stderr).toContain('AccessDeniedException');
    expect(run.commands).toEqual([]);
  });

  test('no certificate yet on a first deployment goes ahead; an endpoint without HSTS fails the release', async () => {
    acm.use({ certificates: [] });
    // No stack yet: its template cannot be read, and guard is not run.
    const run = await gate(noHsts, {
      FIRST_DEPLOYMENT: 'true',
      DEPLOYED_TEMPLATE: path.join(work, 'no-stack.json'),
    });
    expect(run.stdout).toContain('no certificate for schedule.example.com yet');
    expect(run.commands).toEqual([SYNTH, DEPLOY]);
    expect(exists(run, 'guard.json')).toBe(false);
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
    expect(run.commands).toEqual([]);
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

  type Checked = 'cert-check' | 'guard' | 'verify';
  /** A stand-in for the CLI that prints `output` and exits with `status` for the one command named. */
  let standIns = 0;
  const standIn = (command: Checked, output: string, status: number): string => {
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
    ['guard', '', 3, 'release-gate: guard printed nothing in', 'guard exited 3: not deploying'],
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
      const cli = standIn(command as Checked, output, status);
      const run = await gate(good, { SECURE_SCHEDULING_CLI: cli });
      expect(run.status).toBe(status);
      expect(run.deployed).toBe(command === 'verify');
      expect(run.stderr).toContain(line);
      expect(run.stderr).toContain(`release-gate: ${verdict}`);
      expect(run.stderr).not.toMatch(CRASH);
    },
  );
});
