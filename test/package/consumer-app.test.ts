/**
 * The library as a platform team adopts it: packed with `npm pack`, unpacked into a new CDK app's
 * node_modules as npm lays a package out, next to exactly the dependencies and peers its package.json declares
 * (linked from this repository's install, at the versions it pins), and the README's snippet run there by plain
 * `node` as the app. Its synth must find everything it needs in the installed package and its declared
 * dependencies: a module it loads but does not declare fails to resolve. The Lambda handlers are bundled with
 * esbuild at synth (never Docker), and the compliance packs judge the result.
 *
 * Cost: about one synth of the default stack without aws-cdk-lib's schema validator (in-process `app.synth()`,
 * no CDK CLI). An offline `npm ci` of the whole tree would cost as much again, for no check the links do not
 * make. The package's JavaScript is emitted file by file with the compiler options of tsconfig.build.json (what
 * `npm run build` emits for each file, without the type-check that `npm run typecheck` does and without the
 * declarations a JavaScript app does not read).
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { OUTCOME_REPORT_FILES } from '../../lib';

const ROOT = path.join(__dirname, '..', '..');
const MANIFEST = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageManifest;

/**
 * What a consumer's synth must leave in its cloud assembly. aws-cdk-lib writes validation-report.json whenever
 * validation plugins are registered.
 */
const COMPLIANCE_REPORT_FILES: readonly string[] = [
  'validation-report.json',
  ...Object.values(OUTCOME_REPORT_FILES),
];

/** The handlers the library bundles at synth, as the package ships them. */
const SHIPPED_HANDLERS = [
  'dist/lib/certificates/monitor-handler.js',
  'dist/lib/data/app-role-handler.js',
  'dist/lib/data/restore-validation-handler.js',
  'dist/lib/audit/object-lock-handler.js',
];
/** The handlers the README's app bundles: all but Object Lock in place, an opt-in for trail buckets made before. */
const README_APP_HANDLERS = SHIPPED_HANDLERS.filter((h) => !h.includes('object-lock'));

interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly main: string;
  readonly types: string;
  readonly bin: Record<string, string>;
  readonly exports: Record<string, unknown>;
  readonly files: string[];
  readonly scripts: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
}

/** The build's compiler options, with its output directory moved to `outDir`. */
function buildConfig(outDir?: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (parsed === undefined) {
    throw new Error('tsconfig.build.json could not be read');
  }
  return outDir === undefined ? parsed : { ...parsed, options: { ...parsed.options, outDir } };
}

/** Where the build writes the outputs of `source` (a path relative to the repository), relative to the root. */
function outputsOf(config: ts.ParsedCommandLine, source: string): string[] {
  return ts
    .getOutputFileNames(config, path.join(ROOT, source), false)
    .map((file) => path.relative(ROOT, file).split(path.sep).join('/'));
}

/** Emits the JavaScript of every file of the build into `outDir`, laid out as `npm run build` lays it out. */
function emitJavaScript(outDir: string): void {
  const config = buildConfig(outDir);
  for (const file of config.fileNames) {
    const js = ts.getOutputFileNames(config, file, false).find((f) => f.endsWith('.js'));
    if (js === undefined) {
      throw new Error(`the build emits no JavaScript for ${file}`);
    }
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: config.options,
      fileName: file,
    });
    mkdirSync(path.dirname(js), { recursive: true });
    writeFileSync(js, outputText);
  }
}

/** Runs `command` and returns its result; throws with its output when it fails. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    ...options,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** `npm pack --json`'s list of the files a package holds. */
function packedFiles(packJson: string): string[] {
  return (JSON.parse(packJson) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
}

/** The README's library snippet ("Using the constructs in your own CDK app"), as CommonJS for plain node. */
function readmeSnippet(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the constructs'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) {
    throw new Error("README.md has no ```ts snippet under 'Using the constructs'");
  }
  return code.replace(
    /^import \{([^}]+)\} from '([^']+)';$/gm,
    (_all, names: string, module: string) => `const {${names}} = require('${module}');`,
  );
}

/**
 * Loaded before the app: records every command the app starts (spawn, exec and fork, by name), written to
 * SPAWN_LOG when the process ends.
 */
const SPAWN_RECORDER = `const childProcess = require('node:child_process');
const { writeFileSync } = require('node:fs');
const started = [];
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  const original = childProcess[name];
  childProcess[name] = function (command, ...rest) {
    started.push([command, ...(Array.isArray(rest[0]) ? rest[0] : [])].join(' '));
    return original.call(this, command, ...rest);
  };
}
process.on('exit', () => writeFileSync(process.env.SPAWN_LOG, JSON.stringify(started)));
`;

describe('the packed library in a new CDK app', () => {
  let work: string;
  let packed: string[];
  /** What `npm pack` takes from this repository itself, as `files` selects it (dist only if built here). */
  let selected: string[];
  let consumer: string;
  let outdir: string;
  let started: string[];
  let dockerCalls: string;
  let bundleInputs: string[];

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'secure-scheduling-consumer-'));
    selected = packedFiles(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT }));

    // The package: its files as `files` selects them, with the build's JavaScript.
    const stage = path.join(work, 'package');
    mkdirSync(stage);
    emitJavaScript(path.join(stage, 'dist'));
    for (const file of ['package.json', 'README.md', 'LICENSE', 'docs']) {
      if (existsSync(path.join(ROOT, file))) {
        cpSync(path.join(ROOT, file), path.join(stage, file), { recursive: true });
      }
    }
    // The build ran above; `prepack` would run it again from sources the stage does not hold.
    packed = packedFiles(
      run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: stage }),
    );
    const tarball = path.join(work, `${MANIFEST.name}-${MANIFEST.version}.tgz`);

    // The app: the tarball and the peers at this repository's versions, installed from the npm cache only.
    consumer = path.join(work, 'app');
    mkdirSync(consumer);
    const dependencies: Record<string, string> = {
      [MANIFEST.name]: `file:${path.relative(consumer, tarball)}`,
      ...Object.fromEntries(
        Object.keys(MANIFEST.peerDependencies).map((p) => [p, MANIFEST.devDependencies[p]]),
      ),
    };
    writeFileSync(
      path.join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies }, null, 2),
    );
    // The package where npm puts it, with the `bin` link npm makes.
    const modules = path.join(consumer, 'node_modules');
    mkdirSync(path.join(modules, '.bin'), { recursive: true });
    const unpacked = path.join(work, 'unpacked');
    mkdirSync(unpacked);
    run('tar', ['-xzf', tarball, '-C', unpacked], { cwd: work });
    renameSync(path.join(unpacked, 'package'), path.join(modules, MANIFEST.name));
    for (const [command, file] of Object.entries(MANIFEST.bin)) {
      const target = path.join('..', MANIFEST.name, file);
      symlinkSync(target, path.join(modules, '.bin', command));
      chmodSync(path.join(modules, MANIFEST.name, file), 0o755);
    }
    // Its declared dependencies and peers, and nothing else: Node resolves theirs from where they are installed.
    for (const name of [...Object.keys(MANIFEST.dependencies), ...Object.keys(MANIFEST.peerDependencies)]) {
      mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
    }

    // The README's snippet is the app, synthesized in-process. A `docker` first on the PATH records any call.
    writeFileSync(path.join(consumer, 'app.js'), `${readmeSnippet()}\napp.synth();\n`);
    writeFileSync(path.join(consumer, 'record-spawns.js'), SPAWN_RECORDER);
    const fakeBin = path.join(work, 'bin');
    mkdirSync(fakeBin);
    writeFileSync(path.join(fakeBin, 'docker'), '#!/bin/sh\necho "docker $*" >> "$DOCKER_LOG"\nexit 1\n');
    chmodSync(path.join(fakeBin, 'docker'), 0o755);
    outdir = path.join(consumer, 'cdk.out');
    const temp = path.join(work, 'tmp');
    mkdirSync(temp);
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
    );
    run(process.execPath, ['--require', './record-spawns.js', 'app.js'], {
      cwd: consumer,
      env: {
        ...env,
        PATH: `${fakeBin}${path.delimiter}${process.env.PATH}`,
        CDK_OUTDIR: outdir,
        // The library keeps its bundles in the temporary directory: a fresh one, so this synth bundles.
        TMPDIR: temp,
        DOCKER_LOG: path.join(work, 'docker-calls.log'),
        SPAWN_LOG: path.join(work, 'spawned.json'),
        AWS_EC2_METADATA_DISABLED: 'true',
        // aws-cdk-lib's CloudFormation schema validator judges aws-cdk-lib's output, the same stack's as the bundled
        // app's synth in test/app.test.ts, which runs it; it costs more than the rest of this synth and finds
        // nothing about how the package is laid out.
        CDK_VALIDATION: 'false',
      },
    });
    started = JSON.parse(readFileSync(path.join(work, 'spawned.json'), 'utf8')) as string[];
    dockerCalls = existsSync(path.join(work, 'docker-calls.log'))
      ? readFileSync(path.join(work, 'docker-calls.log'), 'utf8')
      : '';
    const bundles = path.join(temp, 'secure-scheduling-bundles');
    bundleInputs = readdirSync(bundles)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) =>
        Object.keys((JSON.parse(readFileSync(path.join(bundles, f), 'utf8')) as { inputs: object }).inputs),
      );
  }, 600_000);

  afterAll(() => {
    if (work !== undefined) {
      rmSync(work, { recursive: true, force: true });
    }
  });

  describe('the package', () => {
    test('holds the library, the CLI, the handlers it bundles at synth, the docs and the README', () => {
      const expected = [
        ...outputsOf(buildConfig(), 'lib/index.ts').filter((f) => f.endsWith('.js')),
        ...outputsOf(buildConfig(), 'bin/cli.ts').filter((f) => f.endsWith('.js')),
        ...SHIPPED_HANDLERS,
        'README.md',
        'package.json',
        'docs/compliance.md',
        'docs/reference/constructs.md',
        'docs/reference/settings.md',
      ];
      expect(expected.filter((f) => !packed.includes(f))).toEqual([]);
    });

    test('holds no sources, tests, scripts or source maps', () => {
      expect(selected).toEqual(expect.arrayContaining(['README.md', 'package.json', 'docs/compliance.md']));
      expect(
        [...selected, ...packed].filter(
          (f) => /^(lib|bin|test|scripts|bench|config)\//.test(f) || /\.(map|tsbuildinfo)$/.test(f),
        ),
      ).toEqual([]);
    });

    test("its entry points are the build's outputs of lib/index.ts and bin/cli.ts", () => {
      const index = outputsOf(buildConfig(), 'lib/index.ts');
      expect(index).toEqual(expect.arrayContaining([MANIFEST.main, MANIFEST.types]));
      expect(MANIFEST.exports['.']).toEqual({ types: `./${MANIFEST.types}`, default: `./${MANIFEST.main}` });
      expect(Object.values(MANIFEST.bin)).toEqual([
        outputsOf(buildConfig(), 'bin/cli.ts').find((f) => f.endsWith('.js')),
      ]);
    });

    test('is built when packed, from a clean output directory, without source maps', () => {
      expect(MANIFEST.scripts.prepack).toBe('npm run clean && npm run build');
      expect(MANIFEST.scripts.build).toBe('tsc -p tsconfig.build.json');
      expect(outputsOf(buildConfig(), 'lib/index.ts').filter((f) => f.endsWith('.map'))).toEqual([]);
    });
  });

  describe("the README's app, installed from the package", () => {
    test('synthesizes its stack', () => {
      const template = JSON.parse(readFileSync(path.join(outdir, 'Scheduling.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string }>;
      };
      expect(Object.keys(template.Resources).length).toBeGreaterThan(100);
    });

    test('bundles the shipped handlers with esbuild, in process, and never calls Docker', () => {
      expect(started.filter((command) => /(^|\/)docker\b/.test(command))).toEqual([]);
      expect(dockerCalls).toBe('');
      const shipped = README_APP_HANDLERS.map((handler) => `node_modules/${MANIFEST.name}/${handler}`);
      expect(shipped.filter((handler) => !bundleInputs.includes(handler))).toEqual([]);
      // pg, a dependency the package declares, is bundled into the database role step (resolved through the
      // app's node_modules link to where it is installed).
      expect(bundleInputs.some((input) => /(^|\/)node_modules\/pg\/lib\//.test(input))).toBe(true);
    });

    test('ships each bundled function as one minified index.js', () => {
      const template = JSON.parse(readFileSync(path.join(outdir, 'Scheduling.template.json'), 'utf8')) as {
        Resources: Record<
          string,
          { Type: string; Properties: { Handler?: string; Code?: { S3Key?: unknown } } }
        >;
      };
      const bundled = Object.values(template.Resources).filter(
        (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler',
      );
      expect(bundled.length).toBe(README_APP_HANDLERS.length);
      for (const fn of bundled) {
        const asset = path.join(outdir, `asset.${String(fn.Properties.Code?.S3Key).replace(/\.zip$/, '')}`);
        expect(readdirSync(asset)).toEqual(['index.js']);
      }
    });

    test('the compliance reports are written into the cloud assembly', () => {
      expect(COMPLIANCE_REPORT_FILES.filter((file) => !existsSync(path.join(outdir, file)))).toEqual([]);
      // Synth passed the compliance packs: nothing open.
      const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { pluginName: string; conclusion: string }[];
      };
      expect(report.pluginReports.filter((r) => r.conclusion !== 'success')).toEqual([]);
    });

    test("the package's command runs from the app", () => {
      const version = run(path.join(consumer, 'node_modules', '.bin', 'secure-scheduling'), ['--version'], {
        cwd: consumer,
      });
      expect(version.trim()).toBe(MANIFEST.version);
    });
  });
});
