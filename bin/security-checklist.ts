#!/usr/bin/env node
/**
 * Writes docs/security-checklist.md from the rule metadata and what the checklist pack finds on the default
 * stack of the bundled app (the embedded example configuration and the feature flags of cdk.json).
 *
 *   npm run docs:checklist
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  parseConfig,
  recordingPack,
  RuleOutcomeLog,
  SchedulingChecklistChecks,
  SecureSchedulingStack,
  securityChecklistMarkdown,
  stackPropsFromConfig,
} from '../lib';

const ROOT = path.join(__dirname, '..');
const read = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

const config = parseConfig(read('config/example.json'));
const stack = new SecureSchedulingStack(
  new App({ context: read('cdk.json').context }),
  config.stackName,
  stackPropsFromConfig(config),
);
const log = new RuleOutcomeLog();
recordingPack(SchedulingChecklistChecks, log).validateScope(stack);
const target = path.join(ROOT, 'docs', 'security-checklist.md');
writeFileSync(target, securityChecklistMarkdown(log.outcomes));
console.log(target);
