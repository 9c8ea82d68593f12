import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { guard, GUARD_EXIT_CODES, GUARD_USAGE, GuardResult } from '../../lib/guard/guard-command';
import { testApp } from '../support/app';
import { defaultStackAssembly } from '../support/shipped-stacks';

/** Construct paths in the templates, as `cdk synth` writes them. */
const PATH_METADATA = { 'aws:cdk:enable-path-metadata': true };

/**
 * A cloud assembly directory of the default stack with `settings` over the example's, with construct paths.
 * Synthesized once per test run and shared with test/update-safety.test.ts, which compares variants of the
 * same stack (the default stack and the alert settings below are among them): only read here, never removed.
 */
function defaultAssembly(settings: Record<string, unknown>): string {
  return defaultStackAssembly(Object.keys(settings).length === 0 ? {} : { settings });
}

/** Assemblies written by the tests, removed at the end. */
const written: string[] = [];

/** A cloud assembly of small stacks: each maps a construct id to whether its bucket is retained. */
function smallAssembly(stacks: Record<string, Record<string, 'retain' | 'destroy'>>): string {
  const app = testApp(PATH_METADATA);
  for (const [name, buckets] of Object.entries(stacks)) {
    const stack = new Stack(app, name);
    for (const [id, policy] of Object.entries(buckets)) {
      new s3.Bucket(stack, id, {
        removalPolicy: policy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
    }
    new sqs.Queue(stack, 'Work', { removalPolicy: RemovalPolicy.RETAIN });
  }
  const directory = app.synth().directory;
  written.push(directory);
  return directory;
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await guard(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function runJson(...args: string[]): Promise<{ code: number; result: GuardResult }> {
  const { code, out } = await run(...args, '--json');
  return { code, result: JSON.parse(out) as GuardResult };
}

let work: string;
let deployed: string;
let harmless: string;
let replacesBucket: string;
let deployedTemplate: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'guard-test-'));
  deployed = defaultAssembly({});
  // Other alert addresses and a webhook: the topic's subscriptions and an alarm change, nothing that holds data.
  harmless = defaultAssembly({
    alertEmails: ['security@example.com', 'oncall@example.com'],
    alertHttpsEndpoints: ['https://hooks.example.com/alerts'],
    certificateExpiryAlarmDays: 20,
  });
  // Object Lock off for a trail bucket created with it (the default): CloudFormation replaces the bucket.
  replacesBucket = defaultAssembly({ trailObjectLockEnablement: 'off' });
  deployedTemplate = path.join(deployed, 'SecureScheduling.template.json');
});

afterAll(() => {
  for (const dir of [work, ...written]) {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

describe('guard', () => {
  describe('two cloud assemblies of the default stack', () => {
    test('a change that replaces the trail bucket fails, naming the resource, its construct path and the property', async () => {
      const { code, out } = await run(deployed, replacesBucket);
      expect(code).toBe(GUARD_EXIT_CODES.FINDINGS);
      expect(out).toContain(
        'error   DATA_REPLACED: SecureScheduling: AuditTrailBucketA91FD435 (SecureScheduling/AuditTrail/Bucket/Resource, AWS::S3::Bucket) would be replaced: ObjectLockEnabled requires replacement',
      );
      expect(out).toMatch(/guard: 1 data-holding resource would be replaced or removed/);
    });

    test('a harmless change stays silent and exits 0', async () => {
      const { code, out, err } = await run(deployed, harmless);
      expect(code).toBe(GUARD_EXIT_CODES.OK);
      expect(out).not.toMatch(/error|warning|note/);
      expect(out).toMatch(
        /^secure-scheduling: guard: ok: none of the \d+ data-holding resources of 1 stack would be replaced or removed$/,
      );
      expect(err).toBe('');
    });

    test('--json prints one document with each finding', async () => {
      const { code, result } = await runJson(deployed, replacesBucket);
      expect(code).toBe(1);
      expect(result).toMatchObject({ ok: false, exitCode: 1, before: deployed, after: replacesBucket });
      // The shape of cert-check's and verify's findings: id, severity, message.
      expect(result.findings).toEqual([
        {
          id: 'DATA_REPLACED',
          severity: 'error',
          message: expect.stringMatching(/^SecureScheduling: AuditTrailBucketA91FD435 .* would be replaced/),
          stackName: 'SecureScheduling',
          logicalId: 'AuditTrailBucketA91FD435',
          constructPath: 'SecureScheduling/AuditTrail/Bucket/Resource',
          resourceType: 'AWS::S3::Bucket',
          properties: ['ObjectLockEnabled'],
        },
      ]);
      expect(result.stacks).toEqual([
        expect.objectContaining({
          stackName: 'SecureScheduling',
          status: 'updated',
          ok: false,
          changes: [
            expect.objectContaining({
              kind: 'replaced',
              logicalId: 'AuditTrailBucketA91FD435',
              constructPath: 'SecureScheduling/AuditTrail/Bucket/Resource',
              resourceType: 'AWS::S3::Bucket',
              causes: [{ property: 'ObjectLockEnabled', effect: 'replace' }],
            }),
          ],
        }),
      ]);
    });
  });

  describe('the deployed template against the assembly about to be deployed', () => {
    test('a template file and an assembly of one stack are compared', async () => {
      expect((await run(deployedTemplate, replacesBucket)).code).toBe(1);
      expect((await run(deployedTemplate, harmless)).code).toBe(0);
    });

    test.each([
      ['the template as get-template --query TemplateBody prints it', (t: string) => t],
      ['the template as a JSON string', (t: string) => JSON.stringify(t)],
      [
        'the whole get-template response',
        (t: string) => JSON.stringify({ TemplateBody: t, StagesAvailable: ['Original', 'Processed'] }),
      ],
    ])('reads %s', async (_shape, write) => {
      const file = path.join(work, `deployed-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, write(readFileSync(deployedTemplate, 'utf8')));
      const { code, result } = await runJson(file, replacesBucket);
      expect(code).toBe(1);
      expect(result.stacks[0].changes[0].logicalId).toBe('AuditTrailBucketA91FD435');
    });
  });

  describe('small stacks', () => {
    test('a renamed construct id whose retained bucket leaves while a new one arrives is a loss', async () => {
      const before = smallAssembly({ Files: { Uploads: 'retain' } });
      const after = smallAssembly({ Files: { Attachments: 'retain' } });
      const { code, result } = await runJson(before, after);
      expect(code).toBe(1);
      expect(result.stacks[0].changes).toEqual([
        expect.objectContaining({
          kind: 'moved',
          constructPath: 'Files/Uploads/Resource',
          replacedBy: expect.objectContaining({ constructPath: 'Files/Attachments/Resource' }),
        }),
      ]);
    });

    test('a bucket removed without being retained is a loss; a retained one that leaves is a warning', async () => {
      const before = smallAssembly({ Files: { Scratch: 'destroy', Archive: 'retain' } });
      const after = smallAssembly({ Files: {} });
      const { code, out } = await run(before, after);
      expect(code).toBe(1);
      expect(out).toMatch(
        /^error {3}DATA_REMOVED: Files: Scratch\w+ \(Files\/Scratch\/Resource, AWS::S3::Bucket\) would be removed from the stack and deleted with its objects \(DeletionPolicy Delete\)$/m,
      );
      expect(out).toMatch(
        /^warning DATA_KEPT_UNMANAGED: Files: Archive\w+ .* kept in the account with its objects \(DeletionPolicy Retain\), no longer managed/m,
      );
    });

    test('stacks are compared by name: one that leaves shows what its deletion would lose, a new one has nothing to lose', async () => {
      const before = smallAssembly({ Files: { Uploads: 'retain' }, Old: { Scratch: 'destroy' } });
      const after = smallAssembly({ Files: { Uploads: 'retain' }, Fresh: { Scratch: 'destroy' } });
      const { code, result } = await runJson(before, after);
      expect(code).toBe(1);
      expect(result.stacks.map((s) => [s.stackName, s.status, s.ok])).toEqual([
        ['Files', 'updated', true],
        ['Fresh', 'new', true],
        ['Old', 'removed', false],
      ]);
      expect((await runJson(before, after, '--stack', 'Files')).code).toBe(0);
    });

    test('a template file against an assembly of several stacks needs --stack', async () => {
      const assembly = smallAssembly({ Files: { Uploads: 'retain' }, Other: {} });
      const template = path.join(assembly, 'Files.template.json');
      const { code, err } = await run(template, assembly);
      expect(code).toBe(GUARD_EXIT_CODES.USAGE);
      expect(err).toContain(
        'holds the stacks Files, Other: name the one the template belongs to with --stack <name>',
      );
      expect((await run(template, assembly, '--stack', 'Files')).code).toBe(0);
      expect((await run(template, assembly, '--stack', 'Nope')).err).toContain("has no stack 'Nope'");
    });
  });

  describe('usage', () => {
    test.each([
      [[], 'guard takes two arguments, <before> and <after>, got none'],
      [['only-one.json'], "got 'only-one.json'"],
      [['a.json', 'b.json', 'c.json'], "unexpected argument 'c.json' for guard"],
      [['a.json', 'b.json', '--stak', 'X'], "unknown option '--stak' for guard; did you mean '--stack'?"],
    ])('%j exits 2 with the usage', async (args, message) => {
      const { code, err } = await run(...(args as string[]));
      expect(code).toBe(GUARD_EXIT_CODES.USAGE);
      expect(err).toContain(message);
      expect(err).toContain(GUARD_USAGE);
    });

    test('--json prints one document for a usage error too', async () => {
      const { code, result } = await runJson('only-one.json');
      expect(code).toBe(2);
      expect(result).toMatchObject({ ok: false, error: { kind: 'usage' } });
    });

    test('--help prints the usage, the arguments and the exit codes, and exits 0', async () => {
      const { code, out } = await run('--help');
      expect(code).toBe(0);
      expect(out.split('\n')[0]).toBe(GUARD_USAGE);
      expect(out).toContain('<before>');
      expect(out).toContain('3 a file could not be read');
    });
  });

  describe('unreadable input', () => {
    const cases: Array<[string, () => string, RegExp]> = [
      [
        'a missing file',
        () => path.join(work, 'missing.json'),
        /cannot read '.*missing\.json': no such file or directory/,
      ],
      [
        'a file that is not JSON',
        () => write('not-json.json', 'Resources: {}'),
        /is not a JSON template .*aws cloudformation get-template/,
      ],
      [
        'JSON that is no template',
        () => write('no-resources.json', '{"Outputs": {}}'),
        /is not a CloudFormation template: it has no Resources/,
      ],
      [
        'a directory that is no cloud assembly',
        () => {
          const dir = path.join(work, 'empty-dir');
          mkdirSync(dir, { recursive: true });
          return dir;
        },
        /is not a cloud assembly \(no manifest\.json\)/,
      ],
    ];

    function write(name: string, text: string): string {
      const file = path.join(work, name);
      writeFileSync(file, text);
      return file;
    }

    test.each(cases)('%s exits 3', async (_name, make, message) => {
      const { code, err } = await run(make(), deployed);
      expect(code).toBe(GUARD_EXIT_CODES.UNREADABLE);
      expect(err).toMatch(message);
    });

    test('--json prints one document for an unreadable file too', async () => {
      const { code, result } = await runJson(path.join(work, 'missing.json'), deployed);
      expect(code).toBe(3);
      expect(result).toMatchObject({ ok: false, exitCode: 3, stacks: [], error: { kind: 'unreadable' } });
    });
  });
});
