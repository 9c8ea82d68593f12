import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { SecureSchedulingStack } from '../../lib/secure-scheduling-stack';

/**
 * The library's app configuration and stack, loaded when a test first builds the default stack: a test of one
 * construct that takes only `testStack` from here does not load (and jest does not evaluate again, per file)
 * every tier of the library.
 */
function library(): typeof import('../../lib/config/app-config') &
  typeof import('../../lib/secure-scheduling-stack') {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
  return {
    ...(require('../../lib/config/app-config') as typeof import('../../lib/config/app-config')),
    ...(require('../../lib/secure-scheduling-stack') as typeof import('../../lib/secure-scheduling-stack')),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const ROOT = path.join(__dirname, '..', '..');

/** The feature flags of the bundled app (cdk.json), so tests synthesize what users deploy. */
export const APP_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'),
).context;

/** The embedded example configuration of the bundled app. */
export const EXAMPLE_CONFIG: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(ROOT, 'config', 'example.json'), 'utf8'),
);

/**
 * A new app with the bundled app's feature flags. aws-cdk-lib's own CloudFormation schema validator is off
 * here: it costs most of an in-process synth and judges aws-cdk-lib's output, not ours. It stays on for every
 * test that synthesizes the bundled app itself (those run the app as users do).
 */
export function testApp(context: Record<string, unknown> = {}): App {
  // Nor the resources' creation stack traces (which the reports read for source locations): each resource would
  // capture one, and under jest every trace is source-mapped. Tests of the source locations turn them on with
  // `{ [CREATION_STACK_TRACES]: false }`.
  return new App({
    context: { ...APP_CONTEXT, [CREATION_STACK_TRACES]: true, ...context },
    builtinCloudFormationValidation: false,
  });
}

/** The context key that turns resources' creation stack traces off (aws-cdk-lib's cx-api). */
export const CREATION_STACK_TRACES = 'aws:cdk:disable-creation-stack-traces';

/** A stack in eu-west-1 with two named zones, for testing one construct on its own. */
export function testStack(app: App = testApp(), id = 'Test'): Stack {
  const stack = new Stack(app, id, { env: { account: '111111111111', region: 'eu-west-1' } });
  // Named zones, so no AWS lookup happens at synth.
  Object.defineProperty(stack, 'availabilityZones', { value: ['eu-west-1a', 'eu-west-1b'] });
  return stack;
}

/** The default stack of the bundled app, built from the example configuration plus `overrides`. */
export function defaultStack(
  overrides: Record<string, unknown> = {},
  app: App = testApp(),
): SecureSchedulingStack {
  const { parseConfig, SecureSchedulingStack, stackPropsFromConfig } = library();
  const config = parseConfig(EXAMPLE_CONFIG, overrides);
  return new SecureSchedulingStack(app, config.stackName, stackPropsFromConfig(config));
}

/** The template of a stack (no compliance packs are registered on test apps unless a test adds them). */
export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** The problems parseConfig reports for the example configuration plus `overrides`. */
export function problemsOf(overrides: Record<string, unknown>): readonly string[] {
  const { ConfigError, parseConfig } = library();
  try {
    parseConfig(EXAMPLE_CONFIG, overrides);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(overrides)}`);
}

/** The one resource of `type` (and matching `props`), as [logical id, definition]. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- templates are untyped JSON
export function only(template: Template, type: string, props?: Record<string, unknown>): [string, any] {
  const found = Object.entries(template.findResources(type, props ? { Properties: props } : undefined));
  expect(found).toHaveLength(1);
  return found[0];
}
