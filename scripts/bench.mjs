#!/usr/bin/env node
// Both performance budgets in one run: the synth ratio (default app against the plain app, CPU) and the test
// ratio (the suite's CPU in synths of the default app). Prints each benchmark's report and exits non-zero
// when either is over its budget or could not be measured.
//
//   npm run bench [-- --runs N]      (--runs is passed to the synth benchmark)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

const benchmarks = [
  ['synth', 'scripts/bench-synth.mjs', args],
  // The suite three times, alternating with synths of the default app: the median of paired runs.
  ['tests', 'scripts/bench-tests.mjs', ['--suite-runs', '3']],
];
const verdicts = [];
let exitCode = 0;
for (const [name, script, scriptArgs] of benchmarks) {
  const run = spawnSync(process.execPath, [script, ...scriptArgs], {
    cwd: ROOT,
    stdio: ['inherit', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout ?? '');
  const ratioLine = (run.stdout ?? '').split('\n').find((l) => / ratio \(/.test(l));
  verdicts.push(ratioLine ?? `${name}: not measured (exit code ${run.status ?? run.signal})`);
  exitCode = Math.max(exitCode, run.status ?? 2);
}
console.log('\nbudgets:');
for (const v of verdicts) console.log(`  ${v}`);
process.exitCode = exitCode;
