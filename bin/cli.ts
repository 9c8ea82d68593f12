#!/usr/bin/env node
/**
 * Command-line tools of secure-scheduling (`npx secure-scheduling`; in this repository `npm run cli --`).
 *
 *   secure-scheduling cert-check --domain <name> [--region <r>] [--arn <arn>] [--min-days <n>] [--json]
 *   secure-scheduling verify <https-url> [--ca <pem>] [--min-days <n>] [--http-port <port>]
 *                     [--load-balancer-host <name>] [--protected-path <path>]... [--json]
 *   secure-scheduling report <cloud assembly directory> [--json]
 *   secure-scheduling [<command>] --help | --version
 *
 * `cert-check` (before a deploy) and `verify` (after it) check the certificate in ACM and the live endpoint;
 * see docs/certificates.md. `report` renders the compliance reports again from the outcomes a synth recorded
 * in `<dir>/compliance-outcomes.json`. Exit codes: 0 ok, 1 findings, 2 bad usage, 3 AWS or the endpoint
 * could not be asked. With `--json` anywhere on the line, every outcome, usage errors included, is one JSON
 * document on standard output.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  alignedRows,
  Command,
  commandHelp,
  CommandIo,
  didYouMean,
  EXIT_CODES,
  HELP_FLAGS,
  PROCESS_IO,
  printUsageError,
  PROGRAM,
  usageLine,
  wantsHelp,
  wantsJson,
} from '../lib/private/command-line';

/** A command of the CLI, loaded on demand: each needs only its own dependencies, none needs them all. */
interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Command>;
}

/** Every command, one entry each, in the order the help lists them. */
const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'cert-check',
    load: async () => (await import('../lib/certificates/cert-check')).CERT_CHECK_COMMAND,
  },
  {
    name: 'verify',
    load: async () => (await import('../lib/certificates/verify')).VERIFY_COMMAND,
  },
  {
    name: 'guard',
    load: async () => (await import('../lib/guard/guard-command')).GUARD_COMMAND,
  },
  {
    name: 'report',
    load: async () => (await import('../lib/compliance/report-command')).REPORT_COMMAND,
  },
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map((c) => c.name);

const VERSION_FLAGS: readonly string[] = ['--version', '-V'];

/** The options the CLI itself takes before a command. */
const GLOBAL_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['-h, --help', "Print this help; after a command, that command's help."],
  ['-V, --version', 'Print the version of secure-scheduling.'],
  ['--json', 'Print every outcome, usage errors included, as one JSON document on standard output.'],
];

/** The usage line of every command, as printed with a usage error. */
async function usage(): Promise<string> {
  const lines = (await Promise.all(COMMANDS.map((c) => c.load()))).map((c) =>
    usageLine(c).slice('usage: '.length),
  );
  lines.push(`${PROGRAM} [<command>] --help | --version`);
  return lines.map((line, i) => `${i === 0 ? 'usage: ' : '       '}${line}`).join('\n');
}

/** What `secure-scheduling --help` prints. */
async function help(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  return [
    await usage(),
    '',
    'commands:',
    ...alignedRows(commands.map((c) => [c.name, c.summary])),
    '',
    'options:',
    ...alignedRows(GLOBAL_OPTIONS),
    '',
    `Run '${PROGRAM} <command> --help' for the options of a command.`,
    'Exit codes: 0 ok, 1 findings, 2 bad usage, 3 AWS or the endpoint could not be asked.',
  ].join('\n');
}

/**
 * The version in the package.json of secure-scheduling, read at run time: the first one above this file, which
 * is `bin/` in the repository (run through tsx) and `dist/bin/` in the published package.
 */
export function packageVersion(from: string = __dirname): string {
  for (let directory = from; ; directory = path.dirname(directory)) {
    const file = path.join(directory, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PROGRAM && manifest.version !== undefined) {
        return manifest.version;
      }
    }
    if (path.dirname(directory) === directory) {
      throw new Error(`no package.json of ${PROGRAM} in ${from} or above it`);
    }
  }
}

/** Prints help or the version: text, or with `--json` one JSON document. */
function printInformation(key: 'usage' | 'version', text: string, json: boolean, io: CommandIo): number {
  io.out(json ? JSON.stringify({ ok: true, [key]: text }, null, 2) : text);
  return EXIT_CODES.OK;
}

/** An unknown or missing command: the message with every command's usage. */
async function commandError(message: string, json: boolean, io: CommandIo): Promise<number> {
  return printUsageError(message, await usage(), json, io);
}

/**
 * Runs the command line `argv` (the arguments after the program's name) and returns the exit code. Everything
 * a command prints goes through `io`.
 */
export async function runCommandLine(argv: readonly string[], io: CommandIo): Promise<number> {
  const json = wantsJson(argv);
  let index = 0;
  // Options before the command: the CLI's own, and --json, which is passed on to the command.
  for (; index < argv.length && argv[index].startsWith('-'); index++) {
    const option = argv[index];
    if (VERSION_FLAGS.includes(option)) {
      return printInformation('version', packageVersion(), json, io);
    }
    if (HELP_FLAGS.includes(option)) {
      return printInformation('usage', await help(), json, io);
    }
    if (option !== '--json') {
      const known = GLOBAL_OPTIONS.flatMap(([names]) => names.split(', '));
      return commandError(`unknown option '${option}'${didYouMean(option, known)}`, json, io);
    }
  }
  const [name, ...args] = argv.slice(index);
  const commandList = `commands: ${COMMAND_NAMES.join(', ')}`;
  if (name === undefined) {
    return commandError(`a command is required; ${commandList}`, json, io);
  }
  // `help <command>` is `<command> --help`; `help` alone is `--help`.
  const helpOnly = name === 'help';
  const wanted = helpOnly ? args.find((a) => !a.startsWith('-')) : name;
  if (helpOnly && wanted === undefined) {
    return printInformation('usage', await help(), json, io);
  }
  const entry = COMMANDS.find((c) => c.name === wanted);
  if (entry === undefined) {
    return commandError(
      `unknown command '${wanted}'; ${commandList}${didYouMean(wanted!, COMMAND_NAMES)}`,
      json,
      io,
    );
  }
  const command = await entry.load();
  if (helpOnly || wantsHelp(args)) {
    return printInformation('usage', commandHelp(command), json, io);
  }
  return command.run(json && !wantsJson(args) ? ['--json', ...args] : args, io);
}

/**
 * Settings the CLI gives its process unless the environment has them. The AWS SDK warns on every run under
 * Node.js 20 that its releases from 2027 need Node.js 22: a notice for whoever picks the Node.js version,
 * which the user of a command cannot act on; this is its documented switch (aws/aws-sdk-js-v3#7983). A
 * value the environment already has is kept.
 */
export const CLI_ENVIRONMENT_DEFAULTS: Readonly<Record<string, string>> = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

if (require.main === module) {
  for (const [name, value] of Object.entries(CLI_ENVIRONMENT_DEFAULTS)) {
    process.env[name] ??= value;
  }
  const argv = process.argv.slice(2);
  runCommandLine(argv, PROCESS_IO).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A fault of the command itself: still one JSON document for a pipeline that asked for one.
      if (wantsJson(argv)) {
        PROCESS_IO.out(
          JSON.stringify(
            { ok: false, error: { kind: 'internal', message: String((error as Error).message ?? error) } },
            null,
            2,
          ),
        );
      }
      PROCESS_IO.err(`${PROGRAM}: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = EXIT_CODES.USAGE;
    },
  );
}
