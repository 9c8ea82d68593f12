#!/usr/bin/env node
// Synth-time budget check: CPU time of complete `cdk synth` runs of the default app (every compliance pack
// and report) against a plain hand-written CDK app of the same shape (bench/plain-app.ts), in paired runs.
// CPU time, not wall time: it is what a synth costs, and it hardly moves when the machine is busy.
//
//   node scripts/bench-synth.mjs [--runs N] [--max-ratio X] [--json] [--ours-app "<command>"]
//
// Exit 0 when the ratio of median CPU times is within the budget, 1 when over it, 2 when an app fails to
// synth (its stderr tail is printed) or the arguments are wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenCpuSeconds, median } from './cpu.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
const BASELINE_APP = 'npx tsx bench/plain-app.ts';
const RUN_TIMEOUT_MS = 15 * 60 * 1000;
const USAGE = `usage: node scripts/bench-synth.mjs [--runs N] [--max-ratio X] [--json] [--ours-app "<command>"]
  --runs N            timed runs of each app, alternating, after one warm-up each (default 5)
  --max-ratio X       budget: most the median CPU of ours may be, as a multiple of the baseline's (default 1.15)
  --json              print the result as JSON instead of a table
  --ours-app CMD      app command to measure as "ours" (default: "app" from cdk.json)`;

function parseArgs(argv) {
  const opts = { runs: 5, maxRatio: 1.15, json: false, oursApp: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--runs') opts.runs = Number(value());
    else if (flag === '--max-ratio') opts.maxRatio = Number(value());
    else if (flag === '--ours-app') opts.oursApp = value();
    else if (flag === '--json') opts.json = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usageError(`unknown argument '${flag}'`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usageError('--runs must be a positive integer');
  if (!(opts.maxRatio > 0)) usageError('--max-ratio must be a positive number');
  return opts;
}

function usageError(message) {
  console.error(`bench-synth: ${message}\n${USAGE}`);
  process.exit(2);
}

// Children get no AWS credentials, so a run that needed AWS would fail rather than be timed.
function offlineEnv() {
  const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' };
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    delete env[name];
  }
  return env;
}

class SynthFailure extends Error {
  constructor(app, detail, stderr) {
    super(`${app.label} app failed to synth (${detail})`);
    this.app = app;
    this.detail = detail;
    this.stderrTail = stderr.trimEnd().split('\n').slice(-25).join('\n');
  }
}

/**
 * The Lambda functions of the synthesized templates whose code is a bundled asset, with the size of the
 * bundle: what each function uploads and cold-starts from.
 */
function lambdaBundles(outDir) {
  const bundles = [];
  for (const file of readdirSync(outDir).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(join(outDir, file), 'utf8'));
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      const key = resource.Type === 'AWS::Lambda::Function' ? resource.Properties?.Code?.S3Key : undefined;
      const asset = typeof key === 'string' ? join(outDir, `asset.${key.replace(/\.zip$/, '')}`) : undefined;
      if (asset && existsSync(asset)) {
        const bytes = readdirSync(asset).reduce((sum, f) => sum + statSync(join(asset, f)).size, 0);
        bundles.push({ function: id, bytes });
      }
    }
  }
  return bundles;
}

/** One complete `cdk synth` into a fresh directory; returns its CPU and wall time in seconds. */
function synth(app, workDir, env) {
  const outDir = mkdtempSync(join(workDir, 'out-'));
  try {
    const args = ['synth', '--app', app.command, '--quiet', '--no-notices', '-o', outDir];
    const cpuBefore = childrenCpuSeconds();
    const start = process.hrtime.bigint();
    const run = spawnSync(CDK, args, {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: RUN_TIMEOUT_MS,
    });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const cpuAfter = childrenCpuSeconds();
    if (run.error || run.status !== 0) {
      const detail = run.error ? run.error.message : `exit code ${run.status ?? run.signal}`;
      throw new SynthFailure(app, detail, `${run.stderr ?? ''}${run.stdout ?? ''}`);
    }
    app.bundles ??= lambdaBundles(outDir);
    // Off Linux no CPU time is known: the wall time stands in for it.
    return { cpu: cpuBefore === undefined ? wall : cpuAfter - cpuBefore, wall };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function summarize(app, runs) {
  const cpu = runs.map((r) => r.cpu);
  const wall = runs.map((r) => r.wall);
  return {
    label: app.label,
    command: app.command,
    cpuTimes: cpu,
    wallTimes: wall,
    median: median(cpu),
    min: Math.min(...cpu),
    wallMedian: median(wall),
    bundles: app.bundles ?? [],
  };
}

function printTable(result) {
  const rows = [
    ['app', 'CPU median (s)', 'CPU min (s)', 'wall median (s)'],
    ...[result.ours, result.baseline].map((r) => [
      r.label,
      r.median.toFixed(2),
      r.min.toFixed(2),
      r.wallMedian.toFixed(2),
    ]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(`cdk synth CPU time: ${result.runs} alternating runs of each app after one warm-up`);
  for (const row of rows) {
    console.log(
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   '),
    );
  }
  for (const r of [result.ours, result.baseline]) {
    for (const b of r.bundles) {
      console.log(`lambda bundle: ${r.label}: ${b.function} ${(b.bytes / 1024).toFixed(1)} KiB`);
    }
  }
  const verdict = result.withinBudget ? 'within budget' : 'OVER BUDGET';
  console.log(
    `synth ratio (median CPU, ours / plain): ${result.ratio.toFixed(2)} (budget ${result.maxRatio}): ${verdict}`,
  );
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));
  const ours = {
    label: opts.oursApp ? 'ours (--ours-app)' : 'secure-scheduling',
    command: opts.oursApp ?? cdkJson.app,
  };
  const baseline = { label: 'plain baseline', command: BASELINE_APP };
  const env = offlineEnv();
  if (loadavg()[0] > cpus().length / 2) {
    console.error(
      `bench-synth: load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: timings will be noisy`,
    );
  }
  const workDir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const cleanUp = () => rmSync(workDir, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });

  try {
    const times = new Map([
      [ours, []],
      [baseline, []],
    ]);
    for (let run = 0; run <= opts.runs; run++) {
      for (const app of [ours, baseline]) {
        const seconds = synth(app, workDir, env);
        const what = run === 0 ? 'warm-up' : `run ${run}/${opts.runs}`;
        console.error(
          `bench-synth: ${app.label.padEnd(17)} ${what.padEnd(9)} ${seconds.cpu.toFixed(2)} s CPU, ${seconds.wall.toFixed(2)} s wall`,
        );
        if (run > 0) times.get(app).push(seconds);
      }
    }
    const o = summarize(ours, times.get(ours));
    const b = summarize(baseline, times.get(baseline));
    const ratio = o.median / b.median;
    const result = {
      unit: 'CPU seconds',
      runs: opts.runs,
      maxRatio: opts.maxRatio,
      ours: o,
      baseline: b,
      ratio,
    };
    result.withinBudget = ratio <= opts.maxRatio;
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else printTable(result);
    return result.withinBudget ? 0 : 1;
  } catch (e) {
    if (!(e instanceof SynthFailure)) throw e;
    console.error(
      `bench-synth: ${e.message}; command: ${e.app.command}\n--- output tail ---\n${e.stderrTail}`,
    );
    if (opts.json) {
      const failure = {
        failed: e.app.label,
        command: e.app.command,
        detail: e.detail,
        outputTail: e.stderrTail,
      };
      console.log(JSON.stringify(failure, null, 2));
    }
    return 2;
  } finally {
    cleanUp();
  }
}

process.exitCode = main();
