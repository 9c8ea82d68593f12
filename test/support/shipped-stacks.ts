/**
 * The stacks the project ships, synthesized once for a whole test run and shared by every test file that only
 * reads their templates: the bundled app's default stack, its Aurora variant and the documented examples.
 *
 * Jest runs each file in a fresh module registry, so a stack built in one file is built again in the next. Here
 * the first file that asks for a stack synthesizes it and leaves its templates in the run's directory
 * (`SHARED_SYNTH_DIR`, made by test/support/global-setup.js); the other files read them. A file that asks while
 * another synthesizes waits for it. Run outside that setup, each call synthesizes in this process.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { App, AppProps } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { APP_CONTEXT, defaultStack, testApp } from './app';

/** One synthesized stack: its template and where it deploys (account or region absent when the stack leaves it open). */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly account?: string;
  readonly region?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- templates are untyped JSON
  readonly template: Record<string, any>;
}

/** Test apps of the examples: the feature flags of cdk.json, no schema validator (as every test app). */
const EXAMPLE_PROPS: AppProps = { context: APP_CONTEXT, builtinCloudFormationValidation: false };

const EXAMPLES = path.join(__dirname, '..', '..', 'docs', 'examples');

/** The documented examples, `docs/examples/<file>.ts`, each of which exports `buildApp(props)`: found, not listed. */
export const EXAMPLE_APPS: readonly string[] = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .map((f) => `docs/examples/${f}`);

/** The apps the project ships, by the name tests print: the bundled app's two engines, then each example. */
export const SHIPPED_APPS: readonly string[] = ['the default stack', 'the Aurora variant', ...EXAMPLE_APPS];

export type ShippedApp = string;

function buildShippedApp(name: ShippedApp): App {
  if (name === 'the default stack') return defaultStack({}, testApp()).node.root as App;
  if (name === 'the Aurora variant') {
    return defaultStack({ databaseEngine: 'aurora-serverless-v2', breakGlass: true }, testApp()).node
      .root as App;
  }
  if (!EXAMPLE_APPS.includes(name)) throw new Error(`not a shipped app: ${name}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- examples are found at run time
  const example = require(path.join(EXAMPLES, path.basename(name))) as {
    buildApp?: (props?: AppProps) => App;
  };
  if (typeof example.buildApp !== 'function') throw new Error(`${name} does not export buildApp()`);
  return example.buildApp(EXAMPLE_PROPS);
}

/** How long a file waits for another to finish synthesizing a stack before it synthesizes it itself. */
const WAIT_MS = 180_000;

const inThisProcess = new Map<ShippedApp, SynthesizedStack[]>();

/** The stacks of the shipped app `name`, synthesized once per test run. */
export function shippedStacks(name: ShippedApp): SynthesizedStack[] {
  let stacks = inThisProcess.get(name);
  if (stacks === undefined) {
    const dir = process.env.SHARED_SYNTH_DIR;
    stacks = dir ? shared(dir, name) : synthesize(name);
    inThisProcess.set(name, stacks);
  }
  return stacks;
}

function synthesize(name: ShippedApp): SynthesizedStack[] {
  const assembly = buildShippedApp(name).synth();
  return assembly.stacks.map((artifact) => ({
    stackName: artifact.stackName,
    ...(artifact.environment.account === cxapi.UNKNOWN_ACCOUNT
      ? {}
      : { account: artifact.environment.account }),
    ...(artifact.environment.region === cxapi.UNKNOWN_REGION ? {} : { region: artifact.environment.region }),
    template: artifact.template,
  }));
}

function shared(dir: string, name: ShippedApp): SynthesizedStack[] {
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.json`);
  const lock = `${file}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (existsSync(file)) {
      return JSON.parse(readFileSync(file, 'utf8')) as SynthesizedStack[];
    }
    let mine: number | undefined;
    try {
      mine = openSync(lock, 'wx');
    } catch {
      // Another file is synthesizing it.
    }
    if (mine !== undefined || Date.now() > deadline) {
      const stacks = synthesize(name);
      // Written beside and renamed: a reader never sees half a file.
      writeFileSync(`${file}.${process.pid}`, JSON.stringify(stacks));
      renameSync(`${file}.${process.pid}`, file);
      if (mine !== undefined) closeSync(mine);
      return stacks;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}
