import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** How a Lambda handler is bundled: for the Node.js runtime the function runs on. */
export interface BundledHandlerOptions {
  /** esbuild target, matching the function's runtime, e.g. `node24`. */
  readonly target: string;
  /** Modules the runtime provides, left out of the bundle, e.g. `@aws-sdk/*`. */
  readonly externalModules: readonly string[];
}

/** The file name of the bundle; the function's handler is `index.<export>`. */
export const BUNDLE_FILE = 'index.js';

/** Where bundles and what they were built from are kept between synths. */
const CACHE_DIR = path.join(tmpdir(), 'secure-scheduling-bundles');

/** What a cached bundle was built from: each input file (relative to the working directory) and its hash. */
interface BundleRecord {
  readonly inputs: Record<string, string>;
  readonly bundleDir: string;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * The code of a Lambda function: `entry` (TypeScript or JavaScript) and what it imports, bundled into one
 * minified file by esbuild's API in this process. Never Docker and never a child `npx` (which costs more than
 * the bundling itself at every synth), so synth stays offline and quick. esbuild's output is deterministic, so
 * the same source gives the same asset hash and an unchanged handler never redeploys. A bundle is built again
 * only when a file it was built from changed (each input's content is compared with what it was).
 */
export function bundledHandlerCode(entry: string, options: BundledHandlerOptions): lambda.AssetCode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read without loading esbuild itself
  const esbuildVersion = (require('esbuild/package.json') as { version: string }).version;
  const settings = {
    entryPoints: [entry],
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: options.target,
    external: [...options.externalModules],
    minify: true,
    sourcemap: false,
    legalComments: 'none' as const,
    logLevel: 'silent' as const,
  };
  const recordFile = path.join(
    CACHE_DIR,
    `${sha256(JSON.stringify({ esbuildVersion, cwd: process.cwd(), settings }))}.json`,
  );
  const cached = cachedBundle(recordFile);
  if (cached !== undefined) {
    return lambda.Code.fromAsset(cached);
  }

  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a bundle is built
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const result = buildSync({ ...settings, outfile: BUNDLE_FILE, write: false, metafile: true });
  const code = result.outputFiles[0].contents;
  // A directory per bundle content: concurrent synths of different code never share one, and the same code
  // lands in the same place.
  const bundleDir = path.join(CACHE_DIR, sha256(code).slice(0, 32));
  mkdirSync(bundleDir, { recursive: true });
  writeFileSync(path.join(bundleDir, BUNDLE_FILE), code);
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs).map((file) => [file, sha256(readFileSync(file))]),
  );
  const record: BundleRecord = { inputs, bundleDir };
  // Written beside and renamed, so a synth running at the same time never reads half a record.
  writeFileSync(`${recordFile}.${process.pid}`, JSON.stringify(record));
  renameSync(`${recordFile}.${process.pid}`, recordFile);
  return lambda.Code.fromAsset(bundleDir);
}

/** The directory of the bundle `recordFile` describes, if it is there and every input is as it was. */
function cachedBundle(recordFile: string): string | undefined {
  let record: BundleRecord;
  try {
    record = JSON.parse(readFileSync(recordFile, 'utf8')) as BundleRecord;
  } catch {
    return undefined;
  }
  if (!existsSync(path.join(record.bundleDir, BUNDLE_FILE))) {
    return undefined;
  }
  for (const [file, hash] of Object.entries(record.inputs)) {
    if (!existsSync(file) || sha256(readFileSync(file)) !== hash) {
      return undefined;
    }
  }
  return record.bundleDir;
}
