#!/usr/bin/env node
// Test-suite budget check: the CPU time of the whole jest run against the CPU time of one complete synth of the
// default app (`cdk synth` with cdk.json's app command: every pack and report), measured in the same run, and
// where the suite's time goes, file by file.
//
//   node scripts/bench-tests.mjs [--synth-runs N] [--suite-runs M] [--max-ratio X] [--top K] [--json] [-- <jest args>]
//
// Exit 0 when the suite's CPU is within the budget (a multiple of one synth's), 1 when over it, 2 when the tests
// fail, a synth fails or the arguments are wrong.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenCpuSeconds, median } from './cpu.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
const JEST = join(ROOT, 'node_modules', '.bin', 'jest');
const USAGE = `usage: node scripts/bench-tests.mjs [--synth-runs N] [--suite-runs M] [--max-ratio X] [--top K] [--json] [-- <jest args>]
  --synth-runs N   complete synths of the default app to take the median of (default 3)
  --suite-runs M   runs of the whole test suite to take the median of, alternating with the synths (default 1)
  --max-ratio X    budget: most the suite's CPU may be, in synths of the default app (default 10)
  --top K          files to list, heaviest first (default 15), and as many of the files that
                   a directory's all.test.ts runs
  --json           print the result as JSON instead of tables`;

function parseArgs(argv) {
  const opts = { synthRuns: 3, suiteRuns: 1, maxRatio: 10, top: 15, json: false, jestArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--synth-runs') opts.synthRuns = Number(value());
    else if (flag === '--suite-runs') opts.suiteRuns = Number(value());
    else if (flag === '--max-ratio') opts.maxRatio = Number(value());
    else if (flag === '--top') opts.top = Number(value());
    else if (flag === '--json') opts.json = true;
    else if (flag === '--') {
      opts.jestArgs = argv.slice(i + 1);
      break;
    } else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usageError(`unknown argument '${flag}'`);
  }
  if (!Number.isInteger(opts.synthRuns) || opts.synthRuns < 1)
    usageError('--synth-runs must be a positive integer');
  if (!Number.isInteger(opts.suiteRuns) || opts.suiteRuns < 1)
    usageError('--suite-runs must be a positive integer');
  if (!(opts.maxRatio > 0)) usageError('--max-ratio must be a positive number');
  if (!Number.isInteger(opts.top) || opts.top < 0) usageError('--top must be a whole number');
  return opts;
}

function usageError(message) {
  console.error(`bench-tests: ${message}\n${USAGE}`);
  process.exit(2);
}

function offlineEnv(extra = {}) {
  const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', ...extra };
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    delete env[name];
  }
  return env;
}

/** CPU seconds of one synchronous command, with its exit status and the tail of its output. */
function timedRun(command, args, options) {
  const before = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const after = childrenCpuSeconds();
  if (before === undefined) {
    console.error('bench-tests: CPU times are read from /proc: run this on Linux');
    process.exit(2);
  }
  const tail = `${run.stderr ?? ''}${run.stdout ?? ''}`.trimEnd().split('\n').slice(-25).join('\n');
  return { cpu: after - before, wall, status: run.status, error: run.error, tail };
}

/** CPU seconds of one complete synth of the default app, as a user runs it; exits 2 when it fails. */
function synthOnce(workDir, what) {
  const outDir = mkdtempSync(join(workDir, 'synth-'));
  const run = timedRun(CDK, ['synth', '--quiet', '--no-notices', '-o', outDir], { env: offlineEnv() });
  rmSync(outDir, { recursive: true, force: true });
  if (run.error || run.status !== 0) {
    console.error(`bench-tests: the default app failed to synth\n${run.tail}`);
    process.exit(2);
  }
  console.error(`bench-tests: default synth ${what.padEnd(9)} ${run.cpu.toFixed(2)} s CPU`);
  return run.cpu;
}

/** One run of the whole suite, with its profile written to `profileDir`. */
function suiteOnce(profileDir, jestArgs, what) {
  console.error(`bench-tests: test suite ${what}: running jest`);
  const run = timedRun(JEST, ['--silent', ...jestArgs], {
    env: offlineEnv({ TEST_PROFILE_DIR: profileDir }),
  });
  const failed = Boolean(run.error) || run.status !== 0;
  if (failed) console.error(`bench-tests: the tests failed\n${run.tail}`);
  else
    console.error(
      `bench-tests: test suite ${what}: ${run.cpu.toFixed(1)} s CPU, ${run.wall.toFixed(1)} s wall`,
    );
  return { cpu: run.cpu, wall: run.wall, failed };
}

/** Per-file records written by test/support/profile.js, summed and ranked. */
function profile(dir) {
  const files = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  const sum = (field) => files.reduce((s, f) => s + f[field], 0) / 1000;
  // The same template (stack name and content) synthesized in more than one file is work done twice.
  const seenIn = new Map();
  for (const f of files) {
    for (const t of new Set(f.templates)) seenIn.set(t, [...(seenIn.get(t) ?? []), f.file]);
  }
  const repeated = [...seenIn.entries()]
    .filter(([, where]) => where.length > 1)
    .map(([template, where]) => ({ template, files: where.map((w) => relative(ROOT, w)) }));
  const perFile = files
    .map((f) => ({
      file: relative(ROOT, f.file),
      total: f.totalMs / 1000,
      load: f.loadMs / 1000,
      synth: f.synthMs / 1000,
      synths: f.synths,
      packs: f.packMs / 1000,
      children: f.childMs / 1000,
      childProcesses: f.children,
      rest: (f.totalMs - f.loadMs - f.synthMs - f.childMs - Math.max(0, f.packMs - f.synthMs)) / 1000,
    }))
    .sort((a, b) => b.total - a.total);
  // The files a directory's all.test.ts runs: what loading each cost (the modules it was the first to load) and
  // its hooks and tests, its child processes included.
  const perPart = files
    .flatMap((f) => f.parts ?? [])
    .map((part) => ({ file: part.name, load: part.loadMs / 1000, run: part.runMs / 1000 }))
    .sort((a, b) => b.load + b.run - (a.load + a.run));
  return {
    files: files.length,
    load: sum('loadMs'),
    synth: sum('synthMs'),
    synths: files.reduce((s, f) => s + f.synths, 0),
    packs: sum('packMs'),
    children: sum('childMs'),
    childProcesses: files.reduce((s, f) => s + f.children, 0),
    filesSpawning: files.filter((f) => f.children > 0).length,
    total: sum('totalMs'),
    repeated,
    perFile,
    perPart,
  };
}

function printReport(result, top) {
  const p = result.profile;
  const pct = (x) => `${((100 * x) / p.total).toFixed(0)}%`;
  const of =
    result.suiteRuns > 1
      ? ` (median of ${result.suiteRuns}: ${result.jestCpus.map((c) => c.toFixed(1)).join(', ')})`
      : '';
  console.log(
    `test suite: ${result.jestCpu.toFixed(1)} s CPU${of}, ${result.jestWall.toFixed(1)} s wall, ${p.files} files`,
  );
  if (result.suiteRuns > 1) console.log('where the CPU went, in the first run:');
  console.log(`  module loading and transpiling  ${p.load.toFixed(1)} s  ${pct(p.load)}`);
  console.log(`  in-process synths (${p.synths})        ${p.synth.toFixed(1)} s  ${pct(p.synth)}`);
  console.log(`  compliance packs                ${p.packs.toFixed(1)} s  (inside or outside a synth)`);
  console.log(
    `  child processes (${p.childProcesses}, from ${p.filesSpawning} files)  ${p.children.toFixed(1)} s  ${pct(p.children)}`,
  );
  const rest = p.total - p.load - p.synth - p.children;
  console.log(`  constructs, assertions, servers ${rest.toFixed(1)} s  ${pct(rest)}`);
  console.log(`  jest itself (workers, reporters) ${(result.jestCpus[0] - p.total).toFixed(1)} s`);
  if (p.repeated.length > 0) {
    console.log(`templates synthesized in more than one file: ${p.repeated.length}`);
    for (const r of p.repeated.slice(0, 10)) console.log(`  ${r.template}: ${r.files.join(', ')}`);
  }
  console.log(`heaviest files (CPU s: total = load + synth + children + rest; packs within synth):`);
  for (const f of p.perFile.slice(0, top)) {
    console.log(
      `  ${f.total.toFixed(1).padStart(5)}  load ${f.load.toFixed(1)}  synth ${f.synth.toFixed(1)} (${f.synths})  packs ${f.packs.toFixed(1)}  children ${f.children.toFixed(1)} (${f.childProcesses})  ${f.file}`,
    );
  }
  if (p.perPart.length > 0) {
    console.log(`heaviest files within a directory's all.test.ts (CPU s: load + hooks and tests):`);
    for (const f of p.perPart.slice(0, top)) {
      console.log(
        `  ${(f.load + f.run).toFixed(1).padStart(5)}  load ${f.load.toFixed(1)}  run ${f.run.toFixed(1)}  ${f.file}`,
      );
    }
  }
  const verdict = !result.testsPassed
    ? 'NOT MEASURED: tests failed'
    : result.withinBudget
      ? 'within budget'
      : 'OVER BUDGET';
  console.log(
    `one default synth: ${result.synthCpu.toFixed(2)} s CPU (median of ${result.synthRuns}: ${result.synthCpus.map((c) => c.toFixed(2)).join(', ')})`,
  );
  console.log(
    `test ratio (suite CPU / one synth's CPU): ${result.ratio.toFixed(1)} (budget ${result.maxRatio}): ${verdict}`,
  );
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const workDir = mkdtempSync(join(tmpdir(), 'bench-tests-'));
  try {
    // Synths and suite runs alternate, so that a slow moment of the machine hits both: warm-up, then synth 1,
    // suite 1, synth 2, suite 2, ... The profile is that of the first suite run.
    synthOnce(workDir, 'warm-up');
    const synths = [];
    const suites = [];
    const profileDir = mkdtempSync(join(workDir, 'profile-'));
    for (let i = 0; i < Math.max(opts.synthRuns, opts.suiteRuns); i++) {
      if (i < opts.synthRuns) synths.push(synthOnce(workDir, `run ${i + 1}/${opts.synthRuns}`));
      if (i < opts.suiteRuns) {
        const dir = i === 0 ? profileDir : mkdtempSync(join(workDir, 'profile-'));
        const suite = suiteOnce(dir, opts.jestArgs, `run ${i + 1}/${opts.suiteRuns}`);
        suites.push(suite);
        // A failing suite is not a measurement of the passing one: no more runs.
        if (suite.failed) break;
      }
    }
    const failed = suites.some((r) => r.failed);
    const synth = median(synths);
    const jestCpu = median(suites.map((r) => r.cpu));
    const result = {
      unit: 'CPU seconds',
      synthCpu: synth,
      synthRuns: opts.synthRuns,
      synthCpus: synths,
      jestCpu,
      jestWall: median(suites.map((r) => r.wall)),
      suiteRuns: suites.length,
      jestCpus: suites.map((r) => r.cpu),
      ratio: jestCpu / synth,
      maxRatio: opts.maxRatio,
      profile: profile(profileDir),
    };
    result.withinBudget = result.ratio <= opts.maxRatio;
    result.testsPassed = !failed;
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else printReport(result, opts.top);
    if (failed) return 2;
    return result.withinBudget ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

process.exitCode = main();
