#!/usr/bin/env node
/**
 * The bundled app: one SecureSchedulingStack, configured from a JSON file and/or CDK context, checked by the
 * compliance packs at every synth. The packs write the reports into the cloud assembly and end the synth's
 * output with the verdict on each checklist item (`addCompliancePacks`).
 *
 *   npx cdk synth -q                                # the embedded example configuration
 *   npx cdk synth -q -c config=deploy/prod.json     # your settings file
 *   npx cdk synth -q -c domainName=book.example.org # any setting, on the command line
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
// The modules the app uses, not the library's index: a synth need not load the CLI's commands (the update guard
// with cloudformation-diff) nor the reviewers' document generators.
import { addCompliancePacks } from '../lib/compliance/compliance-packs';
import { OUTCOME_REPORT_FILES } from '../lib/compliance/outcome-reports';
import { inSettingTerms, parseConfig, stackPropsFromConfig } from '../lib/config/app-config';
import { SecureSchedulingError } from '../lib/errors';
import { SecureSchedulingStack } from '../lib/secure-scheduling-stack';

const EXAMPLE_CONFIG = path.join(__dirname, '..', 'config', 'example.json');

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SecureSchedulingError('INVALID_CONFIG', [
      `setting \`config\` must name a readable JSON file, got '${file}' (${(e as Error).message})`,
    ]);
  }
}

/** A directory as the CDK prints its own: relative to the working directory, unless it is outside it. */
function displayPath(directory: string): string {
  const relative = path.relative(process.cwd(), directory);
  return relative === ''
    ? '.'
    : relative.startsWith('..') || path.isAbsolute(relative)
      ? directory
      : relative;
}

function main(): void {
  const app = new App();
  const configFile = app.node.tryGetContext('config') as string | undefined;
  const fromFile = readJson(configFile ?? EXAMPLE_CONFIG);
  // All context, so that a misspelt `-c` key is reported rather than silently ignored.
  const fromContext: Record<string, unknown> = app.node.getAllContext();
  const config = parseConfig(fromFile, fromContext);

  console.error(
    `secure-scheduling: configuration from ${configFile ?? 'the embedded example (config/example.json)'}; stack ${config.stackName} in ${config.region}`,
  );
  new SecureSchedulingStack(app, config.stackName, stackPropsFromConfig(config));
  addCompliancePacks(app);
  // Said before synth: the verdict the packs print during synth is the last thing a synth shows.
  const outdir = displayPath(app.outdir);
  console.error(
    `secure-scheduling: templates and compliance reports in ${outdir} (for reviewers: ${path.join(outdir, OUTCOME_REPORT_FILES.html)}); the verdict on each checklist item comes last`,
  );
  app.synth();
}

try {
  main();
} catch (e) {
  if (e instanceof SecureSchedulingError) {
    for (const problem of e.problems) {
      console.error(
        `secure-scheduling: ${e.constructPath ? `${e.constructPath}: ` : ''}${inSettingTerms(problem)}`,
      );
    }
    process.exit(1);
  }
  if (e instanceof Error && e.name === 'ValidationFailed') {
    // Run on its own, the app fails synth itself: the findings and the verdict that ends with their count were
    // printed above, and are the last lines a pipeline log shows.
    process.exit(1);
  }
  throw e;
}
