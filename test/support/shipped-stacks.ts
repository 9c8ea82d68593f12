/**
 * What several test files synthesize and only read, synthesized once for a whole test run: the stacks the
 * project ships (the bundled app's default stack, its Aurora variant and the documented examples), and cloud
 * assemblies of the default stack with some settings changed (the update-safety and guard tests compare them).
 *
 * Jest runs each file in a fresh module registry, so a stack built in one file is built again in the next. Here
 * the first file that asks for a stack synthesizes it and leaves its templates in the run's directory
 * (`SHARED_SYNTH_DIR`, made by test/support/global-setup.js); the other files read them. A file that asks while
 * another synthesizes waits for it. Run outside that setup, each call synthesizes in this process.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { App, AppProps } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { APP_CONTEXT, CREATION_STACK_TRACES, defaultStack, EXAMPLE_CONFIG, testApp } from './app';
import {
  parseConfig,
  SecureSchedulingStack,
  SecureSchedulingStackProps,
  stackPropsFromConfig,
} from '../../lib';
import { CloudFormationTemplate } from '../../lib/guard/stateful-changes';

/** One synthesized stack: its template and where it deploys (account or region absent when the stack leaves it open). */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly account?: string;
  readonly region?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- templates are untyped JSON
  readonly template: Record<string, any>;
}

/** Test apps of the examples: the feature flags of cdk.json, no schema validator (as every test app). */
const EXAMPLE_PROPS: AppProps = {
  context: { ...APP_CONTEXT, [CREATION_STACK_TRACES]: true },
  builtinCloudFormationValidation: false,
};

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

const inThisProcess = new Map<ShippedApp, SynthesizedStack[]>();

/** The stacks of the shipped app `name`, synthesized once per test run. */
export function shippedStacks(name: ShippedApp): SynthesizedStack[] {
  let stacks = inThisProcess.get(name);
  if (stacks === undefined) {
    const dir = process.env.SHARED_SYNTH_DIR;
    if (dir) {
      const file = path.join(dir, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.json`);
      onceInRun(file, (partial) => writeFileSync(partial, JSON.stringify(synthesize(name))));
      stacks = JSON.parse(readFileSync(file, 'utf8')) as SynthesizedStack[];
    } else {
      stacks = synthesize(name);
    }
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

/**
 * A version of the default stack's settings: the example configuration's, less the settings `without`, plus
 * `settings`, plus stack props that are no setting of the bundled app.
 */
export interface DefaultStackVariant {
  readonly settings?: Record<string, unknown>;
  readonly without?: readonly string[];
  readonly props?: Partial<SecureSchedulingStackProps>;
}

const assemblies = new Map<string, string>();

/**
 * The cloud assembly directory of the default stack in `variant` (the default stack itself when none), as
 * `cdk synth` writes it: with construct paths in the template's metadata. Synthesized once per test run for
 * every file that asks for the same variant; read it, never change or remove it.
 */
export function defaultStackAssembly(variant: DefaultStackVariant = {}): string {
  const key = canonicalJson(variant);
  let directory = assemblies.get(key);
  if (directory === undefined) {
    const dir = process.env.SHARED_SYNTH_DIR;
    if (dir) {
      const name = createHash('sha256').update(key).digest('hex').slice(0, 16);
      directory = path.join(dir, `default-stack-${name}.out`);
      onceInRun(directory, (partial) => {
        const synthesized = synthesizeVariant(variant);
        try {
          renameSync(synthesized, partial);
        } catch {
          // Another file system: copied instead.
          cpSync(synthesized, partial, { recursive: true });
          rmSync(synthesized, { recursive: true, force: true });
        }
      });
    } else {
      directory = synthesizeVariant(variant);
    }
    assemblies.set(key, directory);
  }
  return directory;
}

/** JSON with the keys of every object sorted: the same variant, however its settings are ordered, is one key. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The template of the default stack in `variant` (see `defaultStackAssembly`). */
export function defaultStackTemplate(variant: DefaultStackVariant = {}): CloudFormationTemplate {
  const directory = defaultStackAssembly(variant);
  const manifest = JSON.parse(readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const [stack] = Object.values(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
  return JSON.parse(
    readFileSync(path.join(directory, stack.properties!.templateFile!), 'utf8'),
  ) as CloudFormationTemplate;
}

/** Synthesizes the default stack in `variant` and returns its cloud assembly directory. */
function synthesizeVariant(variant: DefaultStackVariant): string {
  const app = testApp({ 'aws:cdk:enable-path-metadata': true });
  const example = Object.fromEntries(
    Object.entries(EXAMPLE_CONFIG).filter(([name]) => !(variant.without ?? []).includes(name)),
  );
  const config = parseConfig(example, variant.settings ?? {});
  new SecureSchedulingStack(app, config.stackName, { ...stackPropsFromConfig(config), ...variant.props });
  return app.synth().directory;
}

/** How long a file waits for another to finish synthesizing something before it synthesizes it itself. */
const WAIT_MS = 180_000;

/**
 * Makes `target` once per test run: the first file to ask runs `make` (which writes `partial`, renamed to
 * `target` when done, so that a reader never sees half of it); a file that asks meanwhile waits for it.
 */
function onceInRun(target: string, make: (partial: string) => void): void {
  const lock = `${target}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (existsSync(target)) return;
    let mine: number | undefined;
    try {
      mine = openSync(lock, 'wx');
    } catch {
      // Another file is synthesizing it.
    }
    if (mine !== undefined || Date.now() > deadline) {
      const partial = `${target}.${process.pid}`;
      make(partial);
      try {
        renameSync(partial, target);
      } catch (e) {
        // Past the deadline, both may have made it: the first one stays.
        if (!existsSync(target)) throw e;
        rmSync(partial, { recursive: true, force: true });
      }
      if (mine !== undefined) closeSync(mine);
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}
