import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { BUNDLE_FILE, bundledHandlerCode } from '../../lib/private/bundled-handler';

/** The directory of an asset's code, as the function would deploy it. */
function bundleDirOf(code: ReturnType<typeof bundledHandlerCode>): string {
  return code.path;
}

describe('bundledHandlerCode', () => {
  let work: string;
  let entry: string;
  let helper: string;
  const options = { target: 'node24', externalModules: ['@aws-sdk/*'] };

  beforeAll(() => {
    // Names unique to this run, so no earlier run's cache answers for them.
    work = mkdtempSync(path.join(tmpdir(), 'bundled-handler-'));
    entry = path.join(work, 'handler.ts');
    helper = path.join(work, 'greeting.ts');
    writeFileSync(helper, 'export const greeting = (name: string): string => `hello ${name}`;\n');
    writeFileSync(
      entry,
      [
        "import { SNSClient } from '@aws-sdk/client-sns';",
        "import { greeting } from './greeting';",
        'export const handler = async (event: { name: string }) => ({ message: greeting(event.name), sdk: typeof SNSClient });',
      ].join('\n'),
    );
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('bundles the entry and what it imports into one file, leaving the runtime SDK out', async () => {
    const dir = bundleDirOf(bundledHandlerCode(entry, options));
    const source = readFileSync(path.join(dir, BUNDLE_FILE), 'utf8');
    expect(source).toContain('require("@aws-sdk/client-sns")');
    expect(source).not.toContain('./greeting');
    // The bundle runs: its handler answers with the imported helper.
    const module = { exports: {} as { handler: (e: { name: string }) => Promise<{ message: string }> } };
    const sdkStub = { SNSClient: class {} };
    new Function('module', 'exports', 'require', source)(module, module.exports, () => sdkStub);
    await expect(module.exports.handler({ name: 'ops' })).resolves.toMatchObject({ message: 'hello ops' });
  });

  test('an unchanged source reuses the bundle it built, without building again', () => {
    const first = bundleDirOf(bundledHandlerCode(entry, options));
    const builtAt = statSync(path.join(first, BUNDLE_FILE)).mtimeMs;
    const second = bundleDirOf(bundledHandlerCode(entry, options));
    expect(second).toBe(first);
    expect(statSync(path.join(second, BUNDLE_FILE)).mtimeMs).toBe(builtAt);
  });

  test('a change in an imported file builds a new bundle, in a directory of its own', () => {
    const before = bundleDirOf(bundledHandlerCode(entry, options));
    writeFileSync(helper, 'export const greeting = (name: string): string => `good day ${name}`;\n');
    const after = bundleDirOf(bundledHandlerCode(entry, options));
    expect(after).not.toBe(before);
    expect(readFileSync(path.join(after, BUNDLE_FILE), 'utf8')).toContain('good day');
    expect(readFileSync(path.join(before, BUNDLE_FILE), 'utf8')).not.toContain('good day');
  });

  test('the asset hash follows the bundle: same source, same hash; the function never redeploys for nothing', () => {
    const hashOf = () => {
      const stack = new Stack();
      return bundledHandlerCode(entry, options).bind(stack).s3Location?.objectKey;
    };
    expect(hashOf()).toBe(hashOf());
  });
});
