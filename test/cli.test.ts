/**
 * The `secure-scheduling` command line as a user meets it: help, version, unknown commands and options, one
 * JSON document with `--json`, exit codes, and `report`. Most runs go through bin/cli.ts's own dispatch in
 * this process (`runCommand`); a few run the CLI in a child process, for what only a process shows: its two
 * streams, its exit code, the warnings Node.js and the AWS SDK print, and the version read from package.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMAND_NAMES, packageVersion } from '../bin/cli';
import { CERT_CHECK_COMMAND } from '../lib/certificates/cert-check';
import { VERIFY_COMMAND } from '../lib/certificates/verify';
import { REPORT_COMMAND } from '../lib/compliance/report-command';
import { usageLine } from '../lib/private/command-line';
import { acmCertificate, AcmServer } from './support/acm-server';
import { cliEnvironment, CliRun, compiledCliPath, runCli, runCommand } from './support/cli';
import { OPEN_FINDING } from './support/outcomes';

const ROOT = path.join(__dirname, '..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const COMMANDS = [CERT_CHECK_COMMAND, VERIFY_COMMAND, REPORT_COMMAND];

/** Texts of node:util's parseArgs errors, which no message of ours may pass on. */
const PARSER_TEXT =
  /To specify a positional|argument missing|ERR_PARSE_ARGS|does not take an argument|is ambiguous|Unexpected argument|Unknown option/;

/** The one JSON document a `--json` run printed: the whole of standard output must parse. */
function jsonOf(run: CliRun): Record<string, unknown> {
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('secure-scheduling', () => {
  const acm = new AcmServer();
  let work: string;
  let acmEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await acm.start();
    acmEnv = cliEnvironment({
      AWS_ENDPOINT_URL_ACM: acm.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_REGION: 'eu-west-1',
      AWS_MAX_ATTEMPTS: '1',
    });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-scheduling-cli-'));
  });
  afterAll(async () => {
    await acm.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  describe('help', () => {
    test.each(['--help', '-h', 'help'])(
      '%s lists every command with its usage and summary, exit 0',
      async (flag) => {
        const run = await runCommand([flag]);
        expect(run.status).toBe(0);
        expect(run.stderr).toBe('');
        for (const command of COMMANDS) {
          expect(run.stdout).toContain(usageLine(command).slice('usage: '.length));
          expect(run.stdout).toMatch(new RegExp(`^  ${command.name} +${escape(command.summary)}$`, 'm'));
        }
        expect(run.stdout).toMatch(/^ {2}-V, --version +\S/m);
        expect(run.stdout).toMatch(/^ {2}--json +\S/m);
      },
    );

    const eachCommandHelp = COMMANDS.flatMap((c) => [
      [c.name, '--help'],
      [c.name, '-h'],
    ]);
    test.each(eachCommandHelp)(
      '%s %s prints its usage and one line per argument and option, exit 0',
      async (name, flag) => {
        const command = COMMANDS.find((c) => c.name === name)!;
        const run = await runCommand([name, flag]);
        expect(run.status).toBe(0);
        expect(run.stderr).toBe('');
        const lines = run.stdout.split('\n');
        expect(lines[0]).toBe(usageLine(command));
        expect(lines).toContain(command.summary);
        for (const argument of command.arguments ?? []) {
          expect(run.stdout).toMatch(
            new RegExp(`^  ${escape(argument.name)} +${escape(argument.description)}$`, 'm'),
          );
        }
        for (const [option, spec] of Object.entries(command.options)) {
          const shown = spec.type === 'string' ? `--${option} ${spec.value}` : `--${option}`;
          expect(run.stdout).toMatch(new RegExp(`^  ${escape(shown)} +${escape(spec.description)}$`, 'm'));
        }
        expect(run.stdout).toMatch(/^ {2}-h, --help +Print this help and exit\.$/m);
        expect(run.stdout).toContain(`Exit codes: ${command.exitCodes}.`);
      },
    );

    test('wins over the other arguments: no usage error, no folder named --help, no request', async () => {
      const verify = await runCommand(['verify', 'http://not-https.example.com', '--colour', '--help']);
      expect(verify).toMatchObject({ status: 0, stderr: '' });
      expect(verify.stdout.split('\n')[0]).toBe(usageLine(VERIFY_COMMAND));
      const report = await runCommand(['report', '--help']);
      expect(report).toMatchObject({ status: 0, stderr: '' });
      expect(report.stdout.split('\n')[0]).toBe(usageLine(REPORT_COMMAND));
      acm.use({ certificates: [] });
      const certCheck = await runCommand(['cert-check', '--domain', 'schedule.example.com', '-h'], acmEnv);
      expect(certCheck.status).toBe(0);
      expect(acm.requests).toEqual([]);
    });

    test('`help <command>` is that command’s help; of an unknown one, the unknown command error', async () => {
      expect(await runCommand(['help', 'verify'])).toEqual(await runCommand(['verify', '--help']));
      const unknown = await runCommand(['help', 'verfy']);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr.split('\n')[0]).toMatch(
        /^secure-scheduling: unknown command 'verfy'; .*did you mean 'verify'\?$/,
      );
    });

    test('no arguments: the usage on standard error, exit 2', async () => {
      const run = await runCommand([]);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(
        `secure-scheduling: a command is required; commands: ${COMMAND_NAMES.join(', ')}`,
      );
      for (const command of COMMANDS) {
        expect(run.stderr).toContain(usageLine(command).slice('usage: '.length));
      }
    });
  });

  describe('version', () => {
    test.each(['--version', '-V'])('%s prints the version of package.json, exit 0', async (flag) => {
      expect(await runCommand([flag])).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
    });

    test('is read from the package.json of secure-scheduling above the script, not from another', () => {
      const published = path.join(work, 'app', 'node_modules', 'secure-scheduling');
      fs.mkdirSync(path.join(published, 'dist', 'bin'), { recursive: true });
      fs.writeFileSync(
        path.join(published, 'package.json'),
        '{"name": "secure-scheduling", "version": "4.5.6"}',
      );
      fs.writeFileSync(
        path.join(published, 'dist', 'package.json'),
        '{"name": "something-else", "version": "0.0.1"}',
      );
      expect(packageVersion(path.join(published, 'dist', 'bin'))).toBe('4.5.6');
      expect(packageVersion(path.join(ROOT, 'bin'))).toBe(VERSION);
      expect(() => packageVersion(os.tmpdir())).toThrow('no package.json of secure-scheduling');
    });
  });

  describe('unknown commands and options', () => {
    test('an unknown command is named, with the commands there are, exit 2', async () => {
      expect(COMMAND_NAMES).toEqual(['cert-check', 'verify', 'guard', 'report']);
      const run = await runCommand(['deploy']);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')[0]).toBe(
        `secure-scheduling: unknown command 'deploy'; commands: ${COMMAND_NAMES.join(', ')}`,
      );
      expect(run.stderr).toContain(usageLine(REPORT_COMMAND).slice('usage: '.length));
    });

    test.each([
      ['reprot', 'report'],
      ['verfy', 'verify'],
      ['cert-chek', 'cert-check'],
      ['certcheck', 'cert-check'],
      ['Verify', 'verify'],
    ])('%s: did you mean %s?', async (typed, meant) => {
      const run = await runCommand([typed]);
      expect(run.status).toBe(2);
      expect(run.stderr.split('\n')[0]).toMatch(
        new RegExp(
          `^secure-scheduling: unknown command '${typed}'; commands: .*; did you mean '${meant}'\\?$`,
        ),
      );
    });

    test('suggests nothing for a name close to no command', async () => {
      const run = await runCommand(['banana']);
      expect(run.status).toBe(2);
      expect(run.stderr).not.toContain('did you mean');
    });

    test.each([
      [['verify', 'https://localhost/', '--foo'], "unknown option '--foo' for verify", VERIFY_COMMAND],
      [
        ['cert-check', '--domian', 'schedule.example.com'],
        "unknown option '--domian' for cert-check; did you mean '--domain'?",
        CERT_CHECK_COMMAND,
      ],
      [
        ['cert-check', '--domain', 'a.example.com', '-x'],
        "unknown option '-x' for cert-check",
        CERT_CHECK_COMMAND,
      ],
      [
        ['report', 'cdk.out', '--jsno'],
        "unknown option '--jsno' for report; did you mean '--json'?",
        REPORT_COMMAND,
      ],
      [
        ['verify', 'https://localhost/', '--protected-path'],
        "option '--protected-path' for verify needs a value: --protected-path <path>",
        VERIFY_COMMAND,
      ],
      [
        ['cert-check', '--domain'],
        "option '--domain' for cert-check needs a value: --domain <name>",
        CERT_CHECK_COMMAND,
      ],
      [
        ['verify', 'https://localhost/', '--min-days', '-1'],
        "option '--min-days' for verify needs a value: --min-days <n> (a value starting with '-' is written --min-days=-1)",
        VERIFY_COMMAND,
      ],
      [
        ['cert-check', '--domain', 'a.example.com', '--json=yes'],
        "option '--json' for cert-check takes no value, got '--json=yes'",
        CERT_CHECK_COMMAND,
      ],
      [
        ['cert-check', '--domain', 'a.example.com', 'extra'],
        "unexpected argument 'extra' for cert-check: it takes options only",
        CERT_CHECK_COMMAND,
      ],
      [
        ['report', 'cdk.out', 'more'],
        "unexpected argument 'more' for report: it takes <cloud assembly directory> only",
        REPORT_COMMAND,
      ],
      [['report'], 'a cloud assembly directory is required', REPORT_COMMAND],
    ])('%j: %s, exit 2', async (args, message, command) => {
      const run = await runCommand(args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`secure-scheduling: ${message}`);
      expect(run.stderr).toContain(usageLine(command));
      expect(run.stderr).not.toMatch(PARSER_TEXT);
    });

    test('an unknown option before the command is named too', async () => {
      const run = await runCommand(['--verison']);
      expect(run.status).toBe(2);
      expect(run.stderr.split('\n')[0]).toBe(
        "secure-scheduling: unknown option '--verison'; did you mean '--version'?",
      );
    });
  });

  describe('--json', () => {
    test.each([
      [['--json'], 'a command is required'],
      [['deploy', '--json'], "unknown command 'deploy'"],
      [['--json', 'verify'], 'one https:// URL is required, got 0'],
      [['verify', 'https://localhost/', '--json', '--foo'], "unknown option '--foo' for verify"],
      [['cert-check', '--json', '--domain'], "option '--domain' for cert-check needs a value"],
      [['cert-check', '--json', '--domain', 'not a domain'], '--domain must be a DNS name'],
      [['report', '--json'], 'a cloud assembly directory is required'],
      [['report', path.join(os.tmpdir(), 'no-such-assembly'), '--json'], 'no compliance-outcomes.json in'],
    ])('a usage error of %j is one JSON document on standard output, exit 2', async (args, message) => {
      const run = await runCommand(args);
      expect(run.status).toBe(2);
      const document = jsonOf(run);
      expect(Object.keys(document)).toEqual(['ok', 'error', 'usage']);
      expect(document).toEqual({
        ok: false,
        error: { kind: 'usage', message: expect.stringContaining(message) },
        usage: expect.stringMatching(/^usage: secure-scheduling /),
      });
      // Standard error still tells a person, in the same words.
      expect(run.stderr).toContain(`secure-scheduling: ${(document.error as { message: string }).message}`);
    });

    test('help and version are one JSON document too', async () => {
      const help = await runCommand(['verify', '--help', '--json']);
      expect(help.status).toBe(0);
      expect(jsonOf(help)).toEqual({
        ok: true,
        usage: expect.stringMatching(/^usage: secure-scheduling verify /),
      });
      const version = await runCommand(['--json', '--version']);
      expect(version.status).toBe(0);
      expect(jsonOf(version)).toEqual({ ok: true, version: VERSION });
    });

    test('before the command it is passed on: the result is JSON', async () => {
      acm.use({ certificates: [acmCertificate('schedule.example.com')] });
      const run = await runCommand(['--json', 'cert-check', '--domain', 'schedule.example.com'], acmEnv);
      expect(run.status).toBe(0);
      expect(jsonOf(run)).toMatchObject({ ok: true, findings: [] });
    });

    test('when AWS cannot be asked, the JSON is as before: exit 3', async () => {
      acm.use({ certificates: [], deny: true });
      const run = await runCommand(['cert-check', '--domain', 'schedule.example.com', '--json'], acmEnv);
      expect(run.status).toBe(3);
      expect(jsonOf(run)).toEqual({
        ok: false,
        certificates: [],
        findings: [],
        error: expect.stringContaining('AccessDeniedException'),
      });
    });
  });

  describe('report', () => {
    let assembly: string;

    beforeAll(() => {
      assembly = fs.mkdtempSync(path.join(work, 'assembly-'));
      fs.writeFileSync(
        path.join(assembly, 'compliance-outcomes.json'),
        JSON.stringify({ outcomes: [OPEN_FINDING] }),
      );
    });

    test('renders every report again from the recorded outcomes and exits 1 on an open finding', async () => {
      const run = await runCommand(['report', assembly]);
      expect(run.status).toBe(1);
      expect(
        run.stdout
          .trim()
          .split('\n')
          .map((f) => path.basename(f)),
      ).toEqual([
        'compliance-outcomes.json',
        'compliance-outcomes.csv',
        'compliance.sarif',
        'compliance-summary.md',
        'compliance-summary.html',
      ]);
      expect(run.stderr).toContain('1 findings are neither fixed nor acknowledged');
      expect(fs.readFileSync(path.join(assembly, 'compliance-summary.md'), 'utf8')).toContain('synth failed');
      expect(
        JSON.parse(fs.readFileSync(path.join(assembly, 'compliance.sarif'), 'utf8')).runs[0].results,
      ).toHaveLength(1);
    });

    test('with --json, the outcome and the files written as one JSON document', async () => {
      const run = await runCommand(['report', '--json', assembly]);
      expect(run.status).toBe(1);
      expect(jsonOf(run)).toEqual({
        ok: false,
        outcomes: 1,
        open: 1,
        files: expect.arrayContaining([path.join(assembly, 'compliance.sarif')]),
      });
    });

    test('exits 2 when the directory holds no outcomes, or not an outcome report', async () => {
      const missing = await runCommand(['report', path.join(assembly, 'nowhere')]);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain('no compliance-outcomes.json');
      const other = fs.mkdtempSync(path.join(work, 'other-'));
      fs.writeFileSync(path.join(other, 'compliance-outcomes.json'), '{"results": []}');
      const wrong = await runCommand(['report', other]);
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain('is not an outcome report (no "outcomes" list)');
    });
  });

  describe('as a shell runs it, in a child process', () => {
    test('cert-check --help: the help on standard output, nothing on standard error, exit 0', async () => {
      const run = await runCli(['cert-check', '--help']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(usageLine(CERT_CHECK_COMMAND));
    });

    test('a check that calls AWS prints no warning: the SDK’s notice on the Node.js version is not for the user', async () => {
      // The AWS SDK warns on Node.js 20 at the first client it makes; the environment has no setting of ours.
      acm.use({ certificates: [acmCertificate('schedule.example.com')] });
      const run = await runCli(['cert-check', '--domain', 'schedule.example.com'], acmEnv);
      expect(acm.requests.map((r) => r.operation)).toContain('ListCertificates');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('secure-scheduling: certificate for schedule.example.com: ok');
    });

    test('a usage error with --json: one JSON document on standard output, the message on standard error, exit 2', async () => {
      const run = await runCli(['verify', '--json']);
      expect(run.status).toBe(2);
      expect(jsonOf(run)).toMatchObject({ ok: false, error: { kind: 'usage' } });
      expect(run.stderr).toContain('secure-scheduling: one https:// URL is required, got 0');
      expect(run.stderr).not.toMatch(/Warning|at .*\(.*:\d+:\d+\)/);
    });

    test('--version from the compiled script in a published package: its own package.json', async () => {
      const published = path.join(work, 'published', 'node_modules', 'secure-scheduling');
      fs.mkdirSync(path.join(published, 'dist', 'bin'), { recursive: true });
      fs.writeFileSync(
        path.join(published, 'package.json'),
        '{"name": "secure-scheduling", "version": "9.8.7"}',
      );
      const script = path.join(published, 'dist', 'bin', 'cli.js');
      fs.copyFileSync(compiledCliPath(), script);
      const run = spawnSync(process.execPath, [script, '-V'], { encoding: 'utf8', env: cliEnvironment() });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        status: 0,
        stdout: '9.8.7\n',
        stderr: '',
      });
    });

    test('--version through the TypeScript loader, as `npm run cli` runs it in this repository', () => {
      const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
      const run = spawnSync(tsx, [path.join(ROOT, 'bin', 'cli.ts'), '--version'], {
        encoding: 'utf8',
        env: cliEnvironment(),
        timeout: 60_000,
      });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        status: 0,
        stdout: `${VERSION}\n`,
        stderr: '',
      });
    });
  });
});

/** `text` as a regular expression that matches it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
