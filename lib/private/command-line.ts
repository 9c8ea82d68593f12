/**
 * The command-line conventions every `secure-scheduling` command shares, in one place: how its arguments are
 * read, how its help is laid out, how a usage problem is told and with which exit code. node:util's
 * `parseArgs` splits the arguments; the messages are ours and name the option and the command, never the
 * parser's own text.
 */
import { parseArgs } from 'node:util';

/** Exit codes of every command. */
export const EXIT_CODES = {
  /** Healthy: no error finding. */
  OK: 0,
  /** At least one error finding. */
  FINDINGS: 1,
  /** Bad usage: unknown command or option, missing or malformed value. */
  USAGE: 2,
  /** AWS or the endpoint could not be asked: credentials, access denied, throttled past retries, unreachable. */
  UNAVAILABLE: 3,
} as const;

/** Where a command writes: injectable so the commands can be run in-process. */
export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const PROCESS_IO: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A usage problem: the command exits 2 with the message and its usage line. */
export class UsageError extends Error {}

/** The name every message and usage line starts with. */
export const PROGRAM = 'secure-scheduling';

/** One option of a command, as its help describes it. */
export interface CommandOption {
  readonly type: 'string' | 'boolean';
  /** What the value stands for in the usage line, e.g. `<name>`. Only for `string` options. */
  readonly value?: string;
  /** May be given more than once; the values are collected in order. */
  readonly multiple?: boolean;
  /** Must be given: shown without brackets in the usage line (the command itself checks that it is there). */
  readonly required?: boolean;
  /** One line for the help. */
  readonly description: string;
}

/** A positional argument, in order. */
export interface CommandArgument {
  /** As the usage line shows it, e.g. `<https-url>`. */
  readonly name: string;
  readonly description: string;
}

/** What a command takes: enough to parse its arguments and to print its usage line and its help. */
export interface CommandSpec<O extends Record<string, CommandOption> = Record<string, CommandOption>> {
  readonly name: string;
  /** One sentence: what the command is for. */
  readonly summary: string;
  /** What its exit codes mean, e.g. `0 healthy, 1 findings, 2 bad usage`. */
  readonly exitCodes: string;
  readonly arguments?: readonly CommandArgument[];
  readonly options: O;
}

/** A command the CLI can run. */
export interface Command<
  O extends Record<string, CommandOption> = Record<string, CommandOption>,
> extends CommandSpec<O> {
  /** Runs the command and returns its exit code. */
  readonly run: (args: string[], io: CommandIo) => Promise<number>;
}

type OptionValue<T extends CommandOption> = T extends { type: 'boolean' }
  ? boolean
  : T extends { multiple: true }
    ? string[]
    : string;

/** The options given, by name, typed as the spec declares them. */
export type OptionValues<O extends Record<string, CommandOption>> = { [K in keyof O]?: OptionValue<O[K]> };

/** The help options, which every command takes (the CLI answers them before the command runs). */
export const HELP_FLAGS: readonly string[] = ['--help', '-h'];

/** The arguments before `--`: after it, everything is a positional argument, even `--json`. */
function optionPart(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  return end < 0 ? args : args.slice(0, end);
}

/** Whether `--json` is anywhere among the options: then every outcome, usage errors too, is printed as JSON. */
export function wantsJson(args: readonly string[]): boolean {
  return optionPart(args).includes('--json');
}

/** Whether `--help` or `-h` is among the options. */
export function wantsHelp(args: readonly string[]): boolean {
  return optionPart(args).some((a) => HELP_FLAGS.includes(a));
}

/**
 * Reads a command's arguments against its spec. Throws `UsageError` for an unknown option (with the closest
 * known one), a missing value, a value given to a flag, or more positional arguments than the command takes.
 */
export function parseCommandLine<O extends Record<string, CommandOption>>(
  spec: CommandSpec<O>,
  args: readonly string[],
): { values: OptionValues<O>; positionals: string[] } {
  const options: Record<string, CommandOption> = spec.options;
  // Not strict: the tokens are checked below, so that each message names the option and the command.
  const { tokens } = parseArgs({
    args: [...args],
    options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') {
      continue;
    }
    const option = Object.prototype.hasOwnProperty.call(options, token.name)
      ? options[token.name]
      : undefined;
    if (option === undefined) {
      const known = Object.keys(options).map((name) => `--${name}`);
      throw new UsageError(
        `unknown option '${token.rawName}' for ${spec.name}${didYouMean(token.rawName, known)}`,
      );
    }
    if (option.type === 'boolean') {
      if (token.value !== undefined) {
        throw new UsageError(
          `option '${token.rawName}' for ${spec.name} takes no value, got '${token.rawName}=${token.value}'`,
        );
      }
      values[token.name] = true;
      continue;
    }
    // The parser takes the next argument as the value even when it is another option (`--ca --json`).
    if (
      token.value === undefined ||
      (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-'))
    ) {
      throw new UsageError(
        `option '${token.rawName}' for ${spec.name} needs a value: ${token.rawName} ${option.value ?? '<value>'}` +
          (token.value === undefined
            ? ''
            : ` (a value starting with '-' is written ${token.rawName}=${token.value})`),
      );
    }
    values[token.name] = option.multiple
      ? [...((values[token.name] as string[]) ?? []), token.value]
      : token.value;
  }
  const taken = spec.arguments?.length ?? 0;
  if (positionals.length > taken) {
    throw new UsageError(
      `unexpected argument '${positionals[taken]}' for ${spec.name}` +
        (taken === 0
          ? ': it takes options only'
          : `: it takes ${spec.arguments!.map((a) => a.name).join(' ')} only`),
    );
  }
  return { values: values as OptionValues<O>, positionals };
}

/** The one-line usage of a command, e.g. `usage: secure-scheduling verify <https-url> [--ca <pem file>]...`. */
export function usageLine(spec: CommandSpec): string {
  const parts = [PROGRAM, spec.name, ...(spec.arguments ?? []).map((a) => a.name)];
  for (const [name, option] of Object.entries(spec.options)) {
    const text = option.type === 'string' ? `--${name} ${option.value ?? '<value>'}` : `--${name}`;
    parts.push(`${option.required ? text : `[${text}]`}${option.multiple ? '...' : ''}`);
  }
  return `usage: ${parts.join(' ')}`;
}

/** What `<command> --help` prints: the usage line, what the command is for, one line per argument and option. */
export function commandHelp(spec: CommandSpec): string {
  const rows: Array<[string, string]> = [
    ...(spec.arguments ?? []).map((a): [string, string] => [a.name, a.description]),
    ...Object.entries(spec.options).map(([name, o]): [string, string] => [
      o.type === 'string' ? `--${name} ${o.value ?? '<value>'}` : `--${name}`,
      o.description,
    ]),
    ['-h, --help', 'Print this help and exit.'],
  ];
  return [
    usageLine(spec),
    '',
    spec.summary,
    '',
    ...alignedRows(rows),
    '',
    `Exit codes: ${spec.exitCodes}.`,
  ].join('\n');
}

/** Two columns, the second aligned. */
export function alignedRows(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

/**
 * Prints a usage problem and returns exit code 2: on standard error the message and the usage, and with
 * `--json` also one JSON document on standard output, so a pipeline reading it always has one to read.
 */
export function printUsageError(message: string, usage: string, json: boolean, io: CommandIo): number {
  if (json) {
    io.out(JSON.stringify({ ok: false, error: { kind: 'usage', message }, usage }, null, 2));
  }
  io.err(`${PROGRAM}: ${message}\n${usage}`);
  return EXIT_CODES.USAGE;
}

/** `; did you mean 'report'?` when one of `known` is close to what was typed, else nothing. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const close = known
    .map((name) => ({ name, distance: editDistance(typed.toLowerCase(), name.toLowerCase()) }))
    .filter(({ name, distance }) => distance <= Math.max(1, Math.floor(name.length / 3)))
    .sort((a, b) => a.distance - b.distance);
  return close.length > 0 ? `; did you mean '${close[0].name}'?` : '';
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
