import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
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

/**
 * The code of a Lambda function: `entry` (TypeScript or JavaScript) and what it imports, bundled into one
 * minified file by esbuild's API in this process. Never Docker and never a child `npx` (which costs more than
 * the bundling itself at every synth), so synth stays offline and quick. esbuild's output is deterministic, so
 * the same source gives the same asset hash and an unchanged handler never redeploys.
 */
export function bundledHandlerCode(entry: string, options: BundledHandlerOptions): lambda.AssetCode {
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
    write: false as const,
    logLevel: 'silent' as const,
  };
  const code = buildSync({ ...settings, outfile: BUNDLE_FILE }).outputFiles[0].contents;
  // A directory per bundle content: concurrent synths of different code never share one, and the same code
  // lands in the same place.
  const hash = createHash('sha256').update(code).digest('hex');
  const dir = path.join(tmpdir(), 'secure-scheduling-bundles', hash.slice(0, 32));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, BUNDLE_FILE), code);
  return lambda.Code.fromAsset(dir);
}
