/**
 * The bundled app end to end, run the way `cdk synth` runs it: in a child process, with the environment the CDK
 * CLI gives it, and no AWS credentials, so every synth here also proves that synth is offline. The apps' own
 * synths (the bundled app's, and the non-compliant fixture run without the CLI) share one child process, each
 * with its own environment, stderr and exit code (test/support/app-runs.ts); the fixture's synth through the real
 * CDK CLI runs as the CLI runs it.
 *
 * How the CLI (aws-cdk 2.1148, `execProgram` in node_modules/aws-cdk/lib/index.js) runs an app, and how the
 * app reads it (aws-cdk-lib `App.loadContext`, `cxapi.CONTEXT_ENV`, `cxapi.OUTDIR_ENV`):
 * - `CDK_OUTDIR` is the cloud assembly directory;
 * - `CDK_CONTEXT_JSON` is the JSON of cdk.json's context, then the `-c key=value` values (always strings),
 *   then a few settings of the CLI's own, which win (`CLI_SETTINGS_CONTEXT` below).
 * One of those settings, `@aws-cdk/core:failSynthOnValidationErrors: false`, hands validation to the CLI: an
 * app's `synth()` writes validation-report.json and returns even when a pack found something (a plain app
 * such as test/fixtures/noncompliant-app.ts exits 0), and `cdk synth` then reads the report, prints the
 * findings and exits 1 ("Synthesis finished with errors"). Without it (the app run on its own, or by a CLI
 * that does not send it), `synth()` throws and the app exits 1 itself.
 *
 * How the CLI prints a synth (`CdkToolkit.synth` and `ValidationReportFormatter.formatReports`): first what the
 * app wrote to stderr while it ran, then the validation report, one block per violation sorted by severity
 * (fatal, error, warning, info, then any other), then the template unless `-q`. The compliance verdict is a
 * violation of a severity of its own, so it is printed after every finding; one synth here runs the real CLI.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { APP_CONTEXT } from './support/app';
import { sarifProblems } from './support/sarif';
import { CHECKLIST_ITEMS } from '../lib/compliance/checklist/checklist-items';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const BUNDLED_APP = path.join(ROOT, 'bin', 'secure-scheduling.ts');
const NONCOMPLIANT_APP = path.join(__dirname, 'fixtures', 'noncompliant-app.ts');
const APP_RUNS = path.join(__dirname, 'support', 'app-runs.ts');

/** Context the CDK CLI adds to every synth (`contextFromSettings`), on top of cdk.json and `-c` values. */
const CLI_SETTINGS_CONTEXT: Record<string, unknown> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
  '@aws-cdk/core:failSynthOnValidationErrors': false,
};

/** What the compliance packs report under: each finding once, and the verdict (`addCompliancePacks`). */
const COMPLIANCE_PLUGIN = 'SchedulingCompliance';

/** The cdk-nag packs shipped with cdk-nag; the project's own pack follows them. */
const SHIPPED_PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];
const COMPLIANCE_PACKS = [...SHIPPED_PACKS, 'SchedulingChecklist'];

/** The custom configuration of the `-c config=<file>` run: a certificate instead of a hosted zone. */
const CUSTOM_CONFIG = {
  stackName: 'BookingCustom',
  account: '123456789012',
  region: 'us-east-2',
  availabilityZones: ['us-east-2a', 'us-east-2b'],
  domainName: 'book.example.org',
  certificateArn: 'arn:aws:acm:us-east-2:123456789012:certificate/0f6a2d9e-1b7c-4f3a-9c1e-5d2b8a7e6f40',
  image: 'calcom/cal.com:v5.5.0',
  cpu: 512,
  memoryMiB: 1024,
  desiredCount: 2,
  maxCount: 4,
  natGateways: 1,
  logRetentionDays: 30,
  alertEmails: ['ops@example.org'],
};

/** Who fails synth on a finding: the CDK CLI after reading the report (as `cdk synth` does), or the app. */
type ValidationBy = 'cdk-cli' | 'app';

interface SynthRun {
  readonly exitCode: number | null;
  readonly stderr: string;
  /** Non-empty lines of stderr. */
  readonly stderrLines: string[];
  readonly outdir: string;
}

interface ValidationReport {
  readonly pluginReports: Array<{
    readonly pluginName: string;
    readonly conclusion: 'success' | 'failure';
    readonly violations: Array<{
      readonly ruleName: string;
      readonly description: string;
      readonly severity: string;
      readonly customSeverity?: string;
      readonly violatingConstructs: Array<{ readonly constructPath: string }>;
    }>;
  }>;
}

let workDir: string;

/**
 * The environment of a child process: this one without credentials, profile or region of the machine, without
 * CDK settings of the parent, and without NODE_ENV=test from jest (which makes aws-cdk-lib treat the app as an
 * in-memory test app and throw differently); plus `env`.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_') && key !== 'NODE_ENV') {
      clean[key] = value;
    }
  }
  return {
    ...clean,
    AWS_CONFIG_FILE: path.join(workDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  };
}

/** Runs `command` in its own process group, so a hung synth can be stopped with every process under it. */
function spawnChild(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ exitCode: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stderr });
    });
  });
}

function synthRun(exitCode: number | null, stderr: string, outdir: string): SynthRun {
  const stderrLines = stderr.split('\n').filter((line) => line.trim() !== '');
  return { exitCode, stderr, stderrLines, outdir };
}

/** One synth of an app as `cdk synth -c key=value ...` starts it: its assembly directory and its environment. */
interface AppSynth {
  readonly outdir: string;
  readonly env: Record<string, string>;
  /** The app's entry file. @default the bundled app */
  readonly entry?: string;
}

function appSynth(
  name: string,
  cliContext: Record<string, string> = {},
  validationBy: ValidationBy = 'cdk-cli',
  schemaValidation = true,
): AppSynth {
  const outdir = path.join(workDir, name);
  fs.mkdirSync(outdir);
  return {
    outdir,
    env: {
      CDK_OUTDIR: outdir,
      // aws-cdk-lib's CloudFormation schema validator is on as for users, except where a test judges the packs only.
      ...(schemaValidation ? {} : { CDK_VALIDATION: 'false' }),
      CDK_CONTEXT_JSON: JSON.stringify({
        ...APP_CONTEXT,
        ...cliContext,
        ...(validationBy === 'cdk-cli' ? CLI_SETTINGS_CONTEXT : {}),
      }),
    },
  };
}

/**
 * Synthesizes the bundled app once for each of `synths`, one after another in one child process
 * (test/support/app-runs.ts): each run has its own environment, stderr and exit code, as a process of its own
 * would, but the TypeScript loader, the modules and the schema validator's engine are started once.
 * `--liftoff-only` keeps V8 from compiling the validator's WebAssembly a second time in the background with its
 * optimizing compiler, which a run this short never gains from: the same validation for less CPU.
 */
async function bundledAppSynths<K extends string>(synths: Record<K, AppSynth>): Promise<Record<K, SynthRun>> {
  const names = Object.keys(synths) as K[];
  const runsFile = path.join(workDir, 'app-runs.json');
  const resultsFile = path.join(workDir, 'app-runs.results.json');
  fs.writeFileSync(
    runsFile,
    JSON.stringify(names.map((n) => ({ entry: synths[n].entry ?? BUNDLED_APP, env: synths[n].env }))),
  );
  const child = await spawnChild(
    process.execPath,
    ['--liftoff-only', '--import', 'tsx', APP_RUNS, runsFile, resultsFile],
    childEnv({}),
    240_000,
  );
  if (child.exitCode !== 0 || !fs.existsSync(resultsFile)) {
    throw new Error(`${APP_RUNS} exited with ${child.exitCode}:\n${child.stderr}`);
  }
  const results = readJson<Array<{ exitCode: number; stderr: string }>>(resultsFile);
  return Object.fromEntries(
    names.map((n, i) => [n, synthRun(results[i].exitCode, results[i].stderr, synths[n].outdir)]),
  ) as Record<K, SynthRun>;
}

/**
 * Synthesizes `entry` with the real CDK CLI, `cdk synth -q --app <entry> -o <dir>`, as a user runs it: offline,
 * with no AWS credentials, no notices, no telemetry and no version check.
 */
async function cliSynth(name: string, entry: string): Promise<SynthRun> {
  const outdir = path.join(workDir, name);
  const env = childEnv({
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    // The fixture is judged by the packs; the schema validator's half of a synth would add nothing to it.
    CDK_VALIDATION: 'false',
  });
  const args = ['synth', '-q', '--no-notices', '--app', `${TSX} ${entry}`, '-o', outdir];
  const { exitCode, stderr } = await spawnChild(CDK, args, env, 100_000);
  return synthRun(exitCode, stderr, outdir);
}

/**
 * The violations of a validation report in the order the CDK CLI prints them: by severity (fatal, error,
 * warning, info, then any other, as `SEVERITY_ORDER` of its `ValidationReportFormatter`), in report order within
 * one severity.
 */
function inPrintOrder(
  report: ValidationReport,
): Array<ValidationReport['pluginReports'][number]['violations'][number]> {
  const order = ['fatal', 'error', 'warning', 'info'];
  const rank = (severity: string) => (order.includes(severity) ? order.indexOf(severity) : order.length);
  return report.pluginReports
    .flatMap((r) => r.violations)
    .map((v, i) => ({ v, i }))
    .sort((a, b) => rank(a.v.severity) - rank(b.v.severity) || a.i - b.i)
    .map(({ v }) => v);
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function reportOf(run: SynthRun): ValidationReport {
  return readJson<ValidationReport>(path.join(run.outdir, 'validation-report.json'));
}

/** `plugin: rule, rule` for each failing plugin report, so a failure shows what was found. */
function failingReports(run: SynthRun): string[] {
  return reportOf(run)
    .pluginReports.filter((r) => r.conclusion === 'failure')
    .map((r) => `${r.pluginName}: ${r.violations.map((v) => v.ruleName).join(', ')}`);
}

function templateOf(run: SynthRun, stackName: string): Template {
  return Template.fromJSON(readJson(path.join(run.outdir, `${stackName}.template.json`)));
}

const STACK_TRACE = /^\s+at |node:internal|triggerUncaughtException/m;

type RunName =
  'example' | 'badCpu' | 'customConfig' | 'badRegion' | 'nonCompliant' | 'nonCompliantValidatedByApp';

let runs: Record<RunName, SynthRun>;
let customConfigFile: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-scheduling-app-test-'));
  customConfigFile = path.join(workDir, 'custom.json');
  fs.writeFileSync(customConfigFile, JSON.stringify(CUSTOM_CONFIG, undefined, 2));
  // Two at a time (synth is CPU-bound and CI has two cores): the apps' own synths in one process, and the
  // fixture's synth through the real CDK CLI.
  const [bundled, nonCompliant] = await Promise.all([
    bundledAppSynths({
      example: appSynth('example'),
      // The schema validator judged the example's synth above; this one checks what the settings file changes.
      customConfig: appSynth('custom-config', { config: customConfigFile }, 'cdk-cli', false),
      badCpu: appSynth('bad-cpu', { cpu: '300' }),
      badRegion: appSynth('bad-region', { region: 'moon-1' }),
      // Run on its own (no CDK CLI), the fixture's app throws from synth and does not catch it: the run records
      // the exit code and stderr its process would end with (test/support/app-runs.ts).
      nonCompliantValidatedByApp: {
        ...appSynth('noncompliant-validated-by-app', {}, 'app', false),
        entry: NONCOMPLIANT_APP,
      },
    }),
    (async () => ({
      // The fixture is judged by the packs, through the real CDK CLI: what a user sees of a failing synth.
      nonCompliant: await cliSynth('noncompliant', path.relative(ROOT, NONCOMPLIANT_APP)),
    }))(),
  ]);
  runs = { ...bundled, ...nonCompliant };
}, 300_000);

afterAll(() => {
  if (workDir) {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
});

describe('bundled app (bin/secure-scheduling.ts)', () => {
  describe('with the example configuration', () => {
    test('exits 0 and writes the stack template', () => {
      expect({ exitCode: runs.example.exitCode, stderr: runs.example.stderr }).toMatchObject({ exitCode: 0 });
      const template = templateOf(runs.example, 'SecureScheduling');
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
      template.resourceCountIs('AWS::WAFv2::WebACL', 1);
      template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'schedule.example.com.',
        HostedZoneId: 'Z0123456789EXAMPLEZONE',
      });
    });

    test('the validation report has no failing plugin report', () => {
      expect(failingReports(runs.example)).toEqual([]);
    });

    test('the validation report has no unacknowledged finding of any severity', () => {
      // cdk.json sets `@aws-cdk/core:strictCfnValidateErrors`: where the app validates on its own (no CDK CLI),
      // even a warning (such as CloudFormation Validate's W3010 on named zones) stops synth. The verdict, of a
      // severity of its own, is no finding.
      const findings = reportOf(runs.example).pluginReports.flatMap((r) =>
        r.violations
          .filter((v) => v.severity !== 'custom')
          .map((v) => `${r.pluginName}: ${v.ruleName} (${v.severity})`),
      );
      expect(findings).toEqual([]);
    });

    test('all five compliance packs ran, none has an open finding, and the verdict is what the CLI prints last', () => {
      const report = reportOf(runs.example);
      // The packs report through one plugin, each finding once: none of them has a report of its own.
      expect(report.pluginReports.filter((r) => COMPLIANCE_PACKS.includes(r.pluginName))).toEqual([]);
      const last = inPrintOrder(report).at(-1);
      expect(last).toMatchObject({ ruleName: 'Verdict', severity: 'custom', customSeverity: 'VERDICT' });
      const lines = (last?.description ?? '').split('\n');
      expect(lines[0]).toMatch(
        new RegExp(
          `^secure-scheduling compliance: ${COMPLIANCE_PACKS.join(', ')} judged \\d+ rule × resource outcomes; \\d+ findings acknowledged, each with its reason$`,
        ),
      );
      // One verdict per checklist item: the embedded example meets all ten.
      expect(lines.slice(2, 12)).toEqual(
        ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10'].map((item) =>
          expect.stringMatching(new RegExp(`^  ${item} met(, with acknowledgements)?$`)),
        ),
      );
      const outdir = runs.example.outdir;
      expect(lines.slice(12)).toEqual([
        `  compliance summary for reviewers: ${path.join(outdir, 'compliance-summary.html')} (also ${path.join(outdir, 'compliance-summary.md')})`,
        `  every rule × resource outcome: ${path.join(outdir, 'compliance-outcomes.json')}, ${path.join(outdir, 'compliance-outcomes.csv')}; SARIF for code scanning: ${path.join(outdir, 'compliance.sarif')}`,
        '  0 open findings: every finding is fixed or acknowledged with a reason',
      ]);
    });

    test('the app says where the templates and reports are, before the verdict the packs print', () => {
      expect(runs.example.stderrLines).toEqual([
        'secure-scheduling: configuration from the embedded example (config/example.json); stack SecureScheduling in eu-west-1',
        `secure-scheduling: templates and compliance reports in ${runs.example.outdir} (for reviewers: ${path.join(runs.example.outdir, 'compliance-summary.html')}); the verdict on each checklist item comes last`,
      ]);
    });

    test('every acknowledged finding carries its reason, for rules of all four shipped packs', () => {
      const metadata = readJson<Record<string, Array<{ type: string; data?: Record<string, unknown> }>>>(
        path.join(runs.example.outdir, 'SecureScheduling.metadata.json'),
      );
      const acknowledged = Object.values(metadata)
        .flat()
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.entries(entry.data ?? {}));
      for (const [ruleId, reason] of acknowledged) {
        expect({ ruleId, reason }).toEqual({ ruleId, reason: expect.stringMatching(/\S{3,}/) });
      }
      const packs = new Set(
        acknowledged.map(([ruleId]) => SHIPPED_PACKS.find((p) => ruleId.includes(`::${p}-`))),
      );
      expect([...packs].filter(Boolean).sort()).toEqual([...SHIPPED_PACKS].sort());
    });

    test('writes every rule × resource outcome into the assembly, the acknowledged ones with their reasons', () => {
      const report = readJson<{
        totals: Record<string, Record<string, number>>;
        outcomes: Array<Record<string, unknown>>;
      }>(path.join(runs.example.outdir, 'compliance-outcomes.json'));
      expect(Object.keys(report.totals).sort()).toEqual([...COMPLIANCE_PACKS].sort());
      expect(report.outcomes.some((o) => o.status === 'non-compliant')).toBe(false);
      expect(report.outcomes).toContainEqual(
        expect.objectContaining({
          ruleId: 'AwsSolutions-EC23',
          status: 'acknowledged',
          acknowledgement: expect.objectContaining({
            reason: expect.stringMatching(/^\[C3\] This is the public entry point/),
          }),
        }),
      );
      const csv = fs
        .readFileSync(path.join(runs.example.outdir, 'compliance-outcomes.csv'), 'utf8')
        .split('\r\n');
      expect(csv[0]).toBe('pack,ruleId,level,resourcePath,status,finding,acknowledgedAt,reason');
      expect(csv.length - 2).toBe(report.outcomes.length);
      const sarif = readJson<{
        version: string;
        runs: Array<{ results: Array<{ suppressions?: unknown[] }> }>;
      }>(path.join(runs.example.outdir, 'compliance.sarif'));
      expect(sarifProblems(sarif)).toEqual([]);
      // Every finding of the default stack is acknowledged, so every SARIF result is suppressed with a reason.
      expect(sarif.runs[0].results.length).toBe(
        report.outcomes.filter((o) => o.status === 'acknowledged').length,
      );
      expect(sarif.runs[0].results.every((r) => r.suppressions?.length === 1)).toBe(true);
      const summary = fs.readFileSync(path.join(runs.example.outdir, 'compliance-summary.md'), 'utf8');
      expect(summary).toContain('passed or was acknowledged with a reason: synth succeeded.');
      expect(summary).toContain('## C10: Keep activity logs');
    });

    test('SARIF results point at the line of the library that made each resource', () => {
      type Result = {
        ruleId: string;
        locations: Array<{
          physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
          logicalLocations: Array<{ name?: string; fullyQualifiedName: string }>;
        }>;
        properties: Record<string, string>;
      };
      const sarif = readJson<{ runs: Array<{ results: Result[] }> }>(
        path.join(runs.example.outdir, 'compliance.sarif'),
      );
      const results = sarif.runs[0].results;
      const inSource = results.filter((r) =>
        /^lib\/.*\.ts$/.test(r.locations[0].physicalLocation.artifactLocation.uri),
      );
      // A few resources are made deep in aws-cdk-lib (rules of security groups): those point at the template.
      expect(inSource.length).toBeGreaterThan(results.length / 2);
      for (const r of results) {
        const { artifactLocation, region } = r.locations[0].physicalLocation;
        expect({ uri: artifactLocation.uri, line: region?.startLine }).toEqual({
          uri: expect.stringMatching(/^lib\/.*\.ts$|^file:\/\/.*\/SecureScheduling\.template\.json$/),
          line: expect.any(Number),
        });
        expect(r.properties).toMatchObject({ stack: 'SecureScheduling', region: 'eu-west-1' });
      }
      const ec23 = results.find((r) => r.ruleId === 'AwsSolutions-EC23');
      expect(ec23?.locations[0].physicalLocation.artifactLocation.uri).toBe(
        'lib/ingress/tls-load-balancer.ts',
      );
      const source = fs.readFileSync(path.join(ROOT, 'lib/ingress/tls-load-balancer.ts'), 'utf8').split('\n')[
        (ec23?.locations[0].physicalLocation.region?.startLine ?? 0) - 1
      ];
      expect(source).toContain('new ec2.SecurityGroup(');
    });

    test("the reviewers' summary draws the stack's architecture: all four tiers, with the checklist items judged", () => {
      const html = fs.readFileSync(path.join(runs.example.outdir, 'compliance-summary.html'), 'utf8');
      expect(html).toContain('<figcaption>Architecture of SecureScheduling</figcaption>');
      for (const tier of ['Edge tier', 'App tier', 'Data tier', 'Audit tier']) {
        expect(html).toContain(`>${tier}</text>`);
      }
      for (const item of ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10']) {
        expect(html).toMatch(new RegExp(`<a href="#${item}" class="badge (passed|acknowledged)">`));
      }
      expect(html).not.toContain('class="badge open"');
    });

    test('needs no AWS lookup (the assembly asks for no missing context)', () => {
      const manifest = readJson<{ missing?: unknown[] }>(path.join(runs.example.outdir, 'manifest.json'));
      expect(manifest.missing ?? []).toEqual([]);
    });
  });

  describe('with a bad setting on the command line', () => {
    test.each<[string, () => SynthRun, RegExp[]]>([
      [
        '-c cpu=300',
        () => runs.badCpu,
        [/^secure-scheduling: SecureScheduling\/App: setting `cpu` .*got 300$/],
      ],
      [
        '-c region=moon-1',
        () => runs.badRegion,
        // Zones are judged only against a valid region, so a bad region is one problem, not two.
        [/^secure-scheduling: setting `region` .*got "moon-1"$/],
      ],
    ])(
      '%s exits 1 with one line per problem naming the setting, and no stack trace',
      (_case, run, expected) => {
        const { exitCode, stderr, stderrLines, outdir } = run();
        expect({ exitCode, stderr }).toMatchObject({ exitCode: 1 });
        expect(stderr).not.toMatch(STACK_TRACE);
        // Besides the problems, the app may already have said which configuration it read.
        const problems = stderrLines.filter((line) => !/^secure-scheduling: configuration from /.test(line));
        expect(problems).toHaveLength(expected.length);
        problems.forEach((line, i) => expect(line).toMatch(expected[i]));
        expect(fs.existsSync(path.join(outdir, 'SecureScheduling.template.json'))).toBe(false);
      },
    );
  });

  describe('with -c config=<file> naming a certificate instead of a hosted zone', () => {
    let template: Template;

    beforeAll(() => {
      template = templateOf(runs.customConfig, CUSTOM_CONFIG.stackName);
    });

    test('synthesizes the stack named in the file, in its account and region', () => {
      expect({ exitCode: runs.customConfig.exitCode, stderr: runs.customConfig.stderr }).toMatchObject({
        exitCode: 0,
      });
      expect(runs.customConfig.stderrLines[0]).toBe(
        `secure-scheduling: configuration from ${customConfigFile}; stack BookingCustom in us-east-2`,
      );
      const manifest = readJson<{ artifacts: Record<string, { environment?: string }> }>(
        path.join(runs.customConfig.outdir, 'manifest.json'),
      );
      expect(manifest.artifacts.BookingCustom.environment).toBe('aws://123456789012/us-east-2');
      expect(failingReports(runs.customConfig)).toEqual([]);
    });

    test('the HTTPS listener uses the certificate of the file', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: CUSTOM_CONFIG.certificateArn }],
      });
      template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    });

    test('creates no Route 53 record', () => {
      template.resourceCountIs('AWS::Route53::RecordSet', 0);
    });

    test('applies the sizes of the file', () => {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '1024' });
    });
  });
});

describe('compliance packs registered with addCompliancePacks (test/fixtures/noncompliant-app.ts)', () => {
  test('run by the CDK CLI: the app returns, and `cdk synth` stops on the report, which fails on the bucket', () => {
    const { exitCode, stderr, stderrLines } = runs.nonCompliant;
    expect({ exitCode, stderr }).toMatchObject({ exitCode: 1 });
    expect(stderrLines).toContain('noncompliant-app: synth returned');
    expect(stderrLines.at(-1)).toBe('Synthesis finished with errors');
    const report = reportOf(runs.nonCompliant);
    const compliance = report.pluginReports.find((r) => r.pluginName === COMPLIANCE_PLUGIN);
    expect(compliance?.conclusion).toBe('failure');
    // A bucket without TLS enforcement fails every shipped pack: one finding, under the first pack's rule id.
    expect(compliance?.violations).toContainEqual(
      expect.objectContaining({
        ruleName: 'AwsSolutions::AwsSolutions-S10',
        severity: 'error',
        description: expect.stringContaining(
          `${SHIPPED_PACKS.join(', ')}: S3BucketSSLRequestsOnly at NonCompliant/PlainHttpBucket/Resource: `,
        ),
        violatingConstructs: [
          expect.objectContaining({ constructPath: 'NonCompliant/PlainHttpBucket/Resource' }),
        ],
      }),
    );
    expect(report.pluginReports.filter((r) => COMPLIANCE_PACKS.includes(r.pluginName))).toEqual([]);
  });

  test('run by the CDK CLI: each finding is printed once, with the packs that raised it and where it was made', () => {
    const { stderrLines } = runs.nonCompliant;
    const blocks = stderrLines.filter((line) => /^ERROR /.test(line));
    expect(blocks.filter((line) => line.includes('S3BucketSSLRequestsOnly'))).toEqual([
      expect.stringMatching(
        /^ERROR AwsSolutions, HIPAA\.Security, NIST\.800\.53\.R5, PCI\.DSS\.321: S3BucketSSLRequestsOnly at NonCompliant\/PlainHttpBucket\/Resource: /,
      ),
    ]);
    // Each block names its resource once, after the line of the app that made it.
    const resources = stderrLines.filter((line) =>
      line.startsWith('   NonCompliant/PlainHttpBucket/Resource'),
    );
    expect(resources).toHaveLength(blocks.length);
    expect(stderrLines.filter((line) => line === 'test/fixtures/noncompliant-app.ts:14:1')).toHaveLength(
      blocks.length,
    );
  });

  test('run by the CDK CLI: the last lines are the verdict on each item, the reports, and the count', () => {
    const { stderrLines, outdir } = runs.nonCompliant;
    const verdict = stderrLines.findIndex((line) =>
      line.startsWith('VERDICT secure-scheduling compliance: '),
    );
    expect(verdict).toBeGreaterThan(stderrLines.map((line) => /^ERROR /.test(line)).lastIndexOf(true));
    const blocks = stderrLines.filter((line) => /^ERROR /.test(line)).length;
    expect(stderrLines.slice(verdict + 2, verdict + 12).map((line) => line.trim().split(' ')[0])).toEqual(
      Object.keys(CHECKLIST_ITEMS),
    );
    expect(stderrLines.slice(verdict + 12)).toEqual([
      `  compliance summary for reviewers: ${path.join(outdir, 'compliance-summary.html')} (also ${path.join(outdir, 'compliance-summary.md')})`,
      `  every rule × resource outcome: ${path.join(outdir, 'compliance-outcomes.json')}, ${path.join(outdir, 'compliance-outcomes.csv')}; SARIF for code scanning: ${path.join(outdir, 'compliance.sarif')}`,
      `  ${blocks} open findings in 1 resource, each listed above: synth fails until each is fixed or acknowledged with a reason (${COMPLIANCE_PLUGIN})`,
      // The CLI's own closing of a block, then of the synth.
      `   Acknowledge with '${COMPLIANCE_PLUGIN}::Verdict'`,
      'Synthesis finished with errors',
    ]);
    for (const file of ['compliance-summary.html', 'compliance-outcomes.json', 'compliance.sarif']) {
      expect(fs.existsSync(path.join(outdir, file))).toBe(true);
    }
  });

  test('run on its own: the app fails synth with exit code 1, naming the rule, and prints the verdict', () => {
    const { exitCode, stderr } = runs.nonCompliantValidatedByApp;
    expect({ exitCode, stderr }).toMatchObject({ exitCode: 1 });
    expect(stderr).toContain("Acknowledge with 'AwsSolutions::AwsSolutions-S10'");
    expect(stderr).toContain('Validation failed');
    expect(stderr).toMatch(/^ {2}\d+ open findings in 1 resource, each listed above: /m);
    expect(stderr).not.toContain('noncompliant-app: synth returned');
    expect(failingReports(runs.nonCompliantValidatedByApp)).toContainEqual(
      expect.stringMatching(/^SchedulingCompliance: .*AwsSolutions::AwsSolutions-S10/),
    );
  });
});
