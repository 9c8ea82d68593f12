/**
 * `secure-scheduling guard <before> <after>`: the pipeline's check before `cdk deploy` that an update loses no
 * data. Each side is a template JSON file (the deployed one, from `aws cloudformation get-template`) or a cloud
 * assembly directory (`cdk.out`); stacks of two assemblies are compared by stack name. See docs/updates.md.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  Command,
  CommandIo,
  commandHelp,
  parseCommandLine,
  printUsageError,
  PROGRAM,
  usageLine,
  UsageError,
  wantsHelp,
  wantsJson,
} from '../private/command-line';
import {
  CloudFormationTemplate,
  StatefulChange,
  StatefulChangeKind,
  statefulChanges,
} from './stateful-changes';

/** Exit codes of `guard`. */
export const GUARD_EXIT_CODES = {
  /** No data-holding resource would be replaced or removed. */
  OK: 0,
  /** At least one would. */
  FINDINGS: 1,
  /** Bad usage: unknown option, wrong number of arguments, a stack that is not there. */
  USAGE: 2,
  /** A file or directory could not be read, or is not a template or a cloud assembly. */
  UNREADABLE: 3,
} as const;

const GUARD_OPTIONS = {
  stack: {
    type: 'string',
    value: '<name>',
    description: 'Compare this stack only (needed when a template file meets an assembly of several stacks).',
  },
  json: { type: 'boolean', description: 'Print the result as one JSON document on standard output.' },
} as const;

/** `guard` as the CLI runs it: its arguments, its help and its run. */
export const GUARD_COMMAND: Command<typeof GUARD_OPTIONS> = {
  name: 'guard',
  summary:
    'Before a deploy: fails when the update would replace or remove a resource that holds data (database, key, ' +
    'bucket, secret, log group, backup vault, queue, user pool, repository).',
  exitCodes:
    '0 no data-holding resource would be replaced or removed, 1 one would, 2 bad usage, 3 a file could not be read',
  arguments: [
    {
      name: '<before>',
      description:
        'The deployed template (JSON, from `aws cloudformation get-template`) or a cloud assembly.',
    },
    {
      name: '<after>',
      description: 'The cloud assembly about to be deployed (cdk.out), or a template file.',
    },
  ],
  options: GUARD_OPTIONS,
  run: (args, io) => guard(args, io),
};

export const GUARD_USAGE = usageLine(GUARD_COMMAND);

/** The comparison of one stack. */
export interface GuardStackResult {
  readonly stackName: string;
  /** `updated`: in both; `removed`: only before (every resource leaves); `new`: only after (nothing to lose). */
  readonly status: 'updated' | 'removed' | 'new';
  readonly ok: boolean;
  /** Data-holding resources of the stack before. */
  readonly dataHoldingResources: number;
  readonly changes: readonly StatefulChange[];
}

/**
 * The stable id of each kind of finding, as `cert-check` and `verify` have theirs: a pipeline may match on it.
 * An update in place is no finding (it is listed with the stack's changes).
 */
export const GUARD_FINDING_IDS: Readonly<Record<Exclude<StatefulChangeKind, 'updated-in-place'>, string>> = {
  replaced: 'DATA_REPLACED',
  'may-be-replaced': 'DATA_MAY_BE_REPLACED',
  removed: 'DATA_REMOVED',
  moved: 'DATA_MOVED',
  'kept-unmanaged': 'DATA_KEPT_UNMANAGED',
};

/** One finding, in the shape of the other commands' findings: an `error` fails the guard, a `warning` does not. */
export interface GuardFinding {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  /** The stack's name, then what happens to which resource. */
  readonly message: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly resourceType: string;
  /** The properties that cause (or may cause) the replacement. */
  readonly properties: readonly string[];
}

/** What `guard --json` prints (without `error` when the comparison was made). */
export interface GuardResult {
  readonly ok: boolean;
  readonly exitCode: number;
  readonly before?: string;
  readonly after?: string;
  readonly stacks: readonly GuardStackResult[];
  /** Over all stacks: the errors (data would be lost), then the warnings (data kept, no longer managed). */
  readonly findings: readonly GuardFinding[];
  readonly error?: { readonly kind: 'usage' | 'unreadable'; readonly message: string };
}

/** A file or directory that cannot be read as a template or a cloud assembly: exit 3. */
export class UnreadableInputError extends Error {}

/** The templates one side of the comparison holds: one unnamed template, or an assembly's stacks by name. */
interface Side {
  readonly source: string;
  readonly kind: 'template' | 'assembly';
  readonly stacks: ReadonlyMap<string, CloudFormationTemplate>;
}

/** The template name of a side that is a single template file, before a stack name is known. */
const UNNAMED = '';

/**
 * Runs `guard` and returns its exit code: 0 safe, 1 a data-holding resource would be replaced or removed,
 * 2 bad usage, 3 a file could not be read. With `--json`, one JSON document on standard output, errors included.
 */
export async function guard(args: string[], io: CommandIo): Promise<number> {
  const json = wantsJson(args);
  if (wantsHelp(args)) {
    io.out(commandHelp(GUARD_COMMAND));
    return GUARD_EXIT_CODES.OK;
  }
  let before: Side;
  let after: Side;
  let stackName: string | undefined;
  try {
    const { values, positionals } = parseCommandLine(GUARD_COMMAND, args);
    if (positionals.length !== 2) {
      throw new UsageError(
        `guard takes two arguments, <before> and <after>, got ${positionals.length === 0 ? 'none' : `'${positionals.join("' '")}'`}`,
      );
    }
    stackName = values.stack;
    before = await readSide(positionals[0]);
    after = await readSide(positionals[1]);
  } catch (error) {
    if (error instanceof UsageError) {
      return printUsageError(error.message, GUARD_USAGE, json, io);
    }
    if (error instanceof UnreadableInputError) {
      return printUnreadable(error.message, json, io);
    }
    throw error;
  }

  let stacks: GuardStackResult[];
  try {
    stacks = compareSides(before, after, stackName);
  } catch (error) {
    if (error instanceof UsageError) {
      return printUsageError(error.message, GUARD_USAGE, json, io);
    }
    throw error;
  }
  const findings = findingsOf(stacks);
  const ok = findings.every((f) => f.severity !== 'error');
  const result: GuardResult = {
    ok,
    exitCode: ok ? GUARD_EXIT_CODES.OK : GUARD_EXIT_CODES.FINDINGS,
    before: before.source,
    after: after.source,
    stacks,
    findings,
  };
  if (json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    printForPeople(result, io);
  }
  return result.exitCode;
}

/** The findings of every stack: errors first. */
function findingsOf(stacks: readonly GuardStackResult[]): GuardFinding[] {
  const findings = stacks.flatMap((stack) =>
    stack.changes.flatMap((change): GuardFinding[] =>
      change.kind === 'updated-in-place'
        ? []
        : [
            {
              id: GUARD_FINDING_IDS[change.kind],
              severity: change.blocking ? 'error' : 'warning',
              message: `${stack.stackName === UNNAMED ? '' : `${stack.stackName}: `}${change.message}`,
              stackName: stack.stackName,
              logicalId: change.logicalId,
              ...(change.constructPath === undefined ? {} : { constructPath: change.constructPath }),
              resourceType: change.resourceType,
              properties: change.causes.filter((c) => c.effect !== 'in-place').map((c) => c.property),
            },
          ],
    ),
  );
  return [
    ...findings.filter((f) => f.severity === 'error'),
    ...findings.filter((f) => f.severity !== 'error'),
  ];
}

/** Pairs the stacks of the two sides and compares each pair. */
function compareSides(before: Side, after: Side, stackName: string | undefined): GuardStackResult[] {
  if (before.kind === 'template' || after.kind === 'template') {
    const assembly = [before, after].find((side) => side.kind === 'assembly');
    const name = stackName ?? (assembly ? onlyStackName(assembly) : UNNAMED);
    return [compare(name, pick(before, name), pick(after, name))];
  }
  const names = [...new Set([...before.stacks.keys(), ...after.stacks.keys()])].sort();
  if (stackName !== undefined && !names.includes(stackName)) {
    throw new UsageError(`--stack '${stackName}' is in neither assembly; their stacks: ${names.join(', ')}`);
  }
  return (stackName === undefined ? names : [stackName]).map((name) =>
    compare(name, before.stacks.get(name), after.stacks.get(name)),
  );
}

/** The name of the only stack of an assembly that is compared with a template file. */
function onlyStackName(assembly: Side): string {
  const names = [...assembly.stacks.keys()].sort();
  if (names.length !== 1) {
    throw new UsageError(
      `${assembly.source} holds ${names.length === 0 ? 'no stack' : `the stacks ${names.join(', ')}`}: name the one the template belongs to with --stack <name>`,
    );
  }
  return names[0];
}

/** The template of stack `name` on one side (a template file stands for whichever stack is compared). */
function pick(side: Side, name: string): CloudFormationTemplate | undefined {
  if (side.kind === 'template') return side.stacks.get(UNNAMED);
  const template = side.stacks.get(name);
  if (template === undefined) {
    throw new UsageError(
      `${side.source} has no stack '${name}'; its stacks: ${[...side.stacks.keys()].sort().join(', ') || 'none'}`,
    );
  }
  return template;
}

function compare(
  stackName: string,
  before: CloudFormationTemplate | undefined,
  after: CloudFormationTemplate | undefined,
): GuardStackResult {
  if (before === undefined) {
    return { stackName, status: 'new', ok: true, dataHoldingResources: 0, changes: [] };
  }
  // A stack that leaves the assembly is deleted at the next `cdk deploy` only if asked to; compared with an
  // empty template, it shows what its deletion would lose.
  const report = statefulChanges(before, after ?? { Resources: {} });
  return {
    stackName,
    status: after === undefined ? 'removed' : 'updated',
    ok: report.ok,
    dataHoldingResources: report.dataHoldingResources,
    changes: report.changes,
  };
}

/** Reads one side: a cloud assembly directory, or a template JSON file. */
async function readSide(source: string): Promise<Side> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(source)).isDirectory();
  } catch (error) {
    throw new UnreadableInputError(`cannot read '${source}': ${reason(error)}`);
  }
  if (isDirectory) {
    return { source, kind: 'assembly', stacks: await readAssembly(source) };
  }
  return { source, kind: 'template', stacks: new Map([[UNNAMED, await readTemplate(source)]]) };
}

/** One artifact of a cloud assembly's manifest, as far as the guard reads it. */
interface ManifestArtifact {
  readonly type?: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly directoryName?: string;
  };
}

/** The stacks of a cloud assembly by stack name, nested assemblies (stages) included. */
async function readAssembly(directory: string): Promise<Map<string, CloudFormationTemplate>> {
  const manifestFile = path.join(directory, 'manifest.json');
  let manifest: { artifacts?: Record<string, ManifestArtifact> };
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as typeof manifest;
  } catch (error) {
    const entries: string[] = await readdir(directory).catch(() => []);
    throw new UnreadableInputError(
      entries.includes('manifest.json')
        ? `cannot read the cloud assembly manifest ${manifestFile}: ${reason(error)}`
        : `'${directory}' is not a cloud assembly (no manifest.json): run \`npx cdk synth\` first, or give a template file`,
    );
  }
  const stacks = new Map<string, CloudFormationTemplate>();
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const name = artifact.properties.stackName ?? artifactId;
      if (stacks.has(name)) {
        throw new UsageError(
          `${directory} holds two stacks named '${name}' (other environments): compare their template files instead`,
        );
      }
      stacks.set(name, await readTemplate(path.join(directory, artifact.properties.templateFile)));
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      for (const [name, template] of await readAssembly(
        path.join(directory, artifact.properties.directoryName),
      )) {
        if (stacks.has(name)) {
          throw new UsageError(
            `${directory} holds two stacks named '${name}': compare their template files instead`,
          );
        }
        stacks.set(name, template);
      }
    }
  }
  return stacks;
}

/**
 * Reads a template file: the template itself, the template as a JSON string (some `get-template` outputs), or
 * the whole `get-template` response (its `TemplateBody`).
 */
async function readTemplate(file: string): Promise<CloudFormationTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UnreadableInputError(`cannot read '${file}': ${reason(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (isRecord(value) && value.TemplateBody !== undefined && value.Resources === undefined) {
      value = value.TemplateBody;
    }
    if (typeof value === 'string') {
      value = JSON.parse(value);
    }
  } catch (error) {
    throw new UnreadableInputError(
      `'${file}' is not a JSON template (${reason(error)}); save the deployed one with \`aws cloudformation get-template --stack-name <name> --query TemplateBody --output json\``,
    );
  }
  if (!isRecord(value) || !isRecord(value.Resources)) {
    throw new UnreadableInputError(`'${file}' is not a CloudFormation template: it has no Resources`);
  }
  return value as CloudFormationTemplate;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message ?? String(error);
}

function printUnreadable(message: string, json: boolean, io: CommandIo): number {
  if (json) {
    const result: GuardResult = {
      ok: false,
      exitCode: GUARD_EXIT_CODES.UNREADABLE,
      stacks: [],
      findings: [],
      error: { kind: 'unreadable', message },
    };
    io.out(JSON.stringify(result, null, 2));
  }
  io.err(`${PROGRAM}: ${message}`);
  return GUARD_EXIT_CODES.UNREADABLE;
}

function printForPeople(result: GuardResult, io: CommandIo): void {
  for (const stack of result.stacks.filter((s) => s.status === 'removed')) {
    io.out(
      `note    ${stack.stackName} is not in ${result.after}: its findings are what deleting it would do`,
    );
  }
  for (const f of result.findings) {
    io.out(`${f.severity === 'error' ? 'error  ' : 'warning'} ${f.id}: ${f.message}`);
  }
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const checked = result.stacks.reduce((n, s) => n + s.dataHoldingResources, 0);
  const stackCount = result.stacks.filter((s) => s.status !== 'new').length;
  io.out(
    result.ok
      ? `${PROGRAM}: guard: ok: none of the ${checked} data-holding resources of ${stackCount} stack${stackCount === 1 ? '' : 's'} would be replaced or removed`
      : `${PROGRAM}: guard: ${errors} data-holding resource${errors === 1 ? '' : 's'} would be replaced or removed: do not deploy this update as it is (see docs/updates.md)`,
  );
}
