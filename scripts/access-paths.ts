/**
 * Prints the access-path matrix: every request the stack relies on at run time (path, principal → action →
 * resource), the policy engine's decision with its deciding statement, and each negative twin's decision.
 * docs/access-paths.md explains the matrix.
 *
 *   npm run access-paths                           # the default app (config/example.json), synthesized here
 *   npm run -s access-paths -- --json              # the same, as JSON (-s keeps npm's banner off stdout)
 *   npm run access-paths -- cdk.out/X.template.json --account 111111111111 --region eu-west-1 [--stack-name X]
 *   npm run access-paths -- --write-docs           # rewrites the generated table of docs/access-paths.md
 *
 * Exits 1 when a path is denied, a negative twin allowed, or anything could not be evaluated.
 *
 * A development tool: it imports @cloud-copilot/iam-simulate, a devDependency (AGPL) that is never shipped,
 * through test/support/access-paths.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  accessPathMatrix,
  CfnTemplate,
  formatMatrix,
  Matrix,
  matrixFailures,
  StackEnvironment,
} from '../test/support/access-paths';
import {
  DOCS_FILE,
  EXAMPLE_ACCOUNT,
  renderDocsBlock,
  stackEnvironment,
  withDocsBlock,
} from '../test/support/access-paths/stacks';
import { defaultStack, testApp } from '../test/support/app';

interface Options {
  readonly json: boolean;
  readonly writeDocs: boolean;
  readonly templates: readonly string[];
  readonly account: string;
  readonly region: string;
  readonly stackName?: string;
}

function parseArgs(args: readonly string[]): Options {
  const templates: string[] = [];
  let json = false;
  let writeDocs = false;
  let account = EXAMPLE_ACCOUNT;
  let region = 'eu-west-1';
  let stackName: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') json = true;
    else if (arg === '--write-docs') writeDocs = true;
    else if (arg === '--account') account = args[++i];
    else if (arg === '--region') region = args[++i];
    else if (arg === '--stack-name') stackName = args[++i];
    else if (arg.startsWith('--')) {
      throw new Error(
        `unknown option ${arg} (allowed: --json, --write-docs, --account, --region, --stack-name)`,
      );
    } else templates.push(arg);
  }
  if (writeDocs && templates.length > 0) {
    throw new Error('--write-docs documents the default app: give no template');
  }
  return { json, writeDocs, templates, account, region, stackName };
}

/** The stacks to evaluate: the given templates, or the default app synthesized in-process. */
function stacks(o: Options): { name: string; template: CfnTemplate; env: StackEnvironment }[] {
  if (o.templates.length > 0) {
    return o.templates.map((file) => ({
      name: file,
      template: JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate,
      // CloudFormation names what it generates after the stack: the stack name makes those names concrete.
      env: {
        account: o.account,
        region: o.region,
        stackName: o.stackName ?? path.basename(file).replace(/\.template\.json$|\.json$/, ''),
      },
    }));
  }
  const stack = defaultStack({}, testApp());
  const template = (stack.node.root as App).synth().getStackArtifact(stack.artifactId)
    .template as CfnTemplate;
  return [{ name: `default app (${stack.stackName})`, template, env: stackEnvironment(stack, o.account) }];
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const results: { name: string; matrix: Matrix }[] = [];
  for (const s of stacks(o))
    results.push({ name: s.name, matrix: await accessPathMatrix(s.template, s.env) });

  if (o.json) {
    const out = results.map(({ name, matrix }) => ({
      stack: name,
      evaluationMs: matrix.evaluationMs,
      counts: matrix.counts,
      paths: matrix.rows.map((r) => ({
        kind: r.path.kind,
        path: r.path.description,
        principal: r.path.request.principal,
        action: r.path.request.action,
        resource: r.path.request.resource,
        context: r.path.request.context,
        decision: r.verdict.decision,
        deciding: r.verdict.deciding,
        standIn: r.verdict.standIn,
        twins: r.twins.map((t) => ({
          label: t.label,
          decision: t.verdict.decision,
          deciding: t.verdict.deciding,
        })),
        proven: r.proven,
        contextSource: r.path.contextSource,
      })),
    }));
    console.log(JSON.stringify(out, null, 2));
  } else {
    for (const { name, matrix } of results) {
      console.log(`# ${name}: ${matrix.rows.length} paths, evaluated in ${matrix.evaluationMs} ms\n`);
      console.log(formatMatrix(matrix.rows));
      console.log('');
    }
  }
  if (o.writeDocs) {
    writeFileSync(
      DOCS_FILE,
      withDocsBlock(readFileSync(DOCS_FILE, 'utf8'), renderDocsBlock(results[0].matrix)),
    );
    console.error(`access-paths: wrote the generated table of ${path.relative(process.cwd(), DOCS_FILE)}`);
  }
  const failures = results.flatMap(({ name, matrix }) =>
    matrixFailures(matrix.rows).map((f) => `${name}: ${f}`),
  );
  for (const f of failures) console.error(`access-paths: ${f}`);
  const total = results.reduce((n, r) => n + r.matrix.rows.length, 0);
  console.error(
    failures.length === 0
      ? `access-paths: all ${total} paths allowed, every negative twin denied`
      : `access-paths: ${failures.length} failures in ${total} paths (listed above)`,
  );
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`access-paths: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
