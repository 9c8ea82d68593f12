// Where a test file's CPU goes, recorded when `npm run bench:tests` runs jest with TEST_PROFILE_DIR set
// (jest.config.js loads this file only then). Per test file it writes one JSON record:
//   load      CPU from the start of the file to its first hook: module loading and transpiling
//   synth     in-process synths (construct tree, prepare, serialization, validation plugins), with their count
//             and a hash of each stack template, so the same stack synthesized in several files shows up
//   packs     compliance packs (cdk-nag's validate and validateScope) inside or outside a synth
//   children  CPU of child processes (CLI runs, child synths, esbuild through npx), with their count
//   rest      everything else: building constructs, template assertions, local servers
//   parts     for a directory's all.test.ts (test/support/test-directory.ts), each file it runs: the CPU of loading
//             it (the modules it is the first to load) and of its hooks and tests, its child processes included
// CPU is read from /proc (Linux): the process's own time, and the time of the children it has waited for.
const { createHash } = require('node:crypto');
const childProcess = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU milliseconds of this process ([self, waited-for children]), from /proc/self/stat. */
function cpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based, man 5 proc).
  const at = (n) => Number(fields[n - 3]);
  return [(at(14) + at(15)) * TICK_MS, (at(16) + at(17)) * TICK_MS];
}

const [startSelf, startChildren] = cpu();
const record = {
  file: expect.getState().testPath,
  loadMs: 0,
  synthMs: 0,
  synths: 0,
  templates: [],
  packMs: 0,
  childMs: 0,
  children: 0,
  totalMs: 0,
  parts: [],
};

// The files a directory's all.test.ts runs report here (test/support/test-directory.ts).
globalThis[Symbol.for('secure-scheduling.test-profile')] = {
  part(name) {
    const part = { name, loadMs: 0, runMs: 0 };
    record.parts.push(part);
    let mark;
    const total = () => cpu().reduce((a, b) => a + b, 0);
    return {
      loading: () => (mark = cpu()[0]),
      loaded: () => (part.loadMs = cpu()[0] - mark),
      started: () => (mark = total()),
      finished: () => (part.runMs = total() - mark),
    };
  },
};

// Time spent inside `fn` of `owner`, added to `record[field]`, not counting nested calls twice.
function timed(owner, name, field, onCall) {
  const original = owner[name];
  let depth = 0;
  owner[name] = function (...args) {
    const counts = onCall ? onCall(this, args) : true;
    if (depth > 0 || !counts) return original.apply(this, args);
    depth++;
    const before = cpu()[0];
    try {
      return original.apply(this, args);
    } finally {
      depth--;
      record[field] += cpu()[0] - before;
    }
  };
}

const { Stage } = require('aws-cdk-lib');
const originalSynth = Stage.prototype.synth;
Stage.prototype.synth = function (options) {
  // A stage synthesizes once; later calls return the same assembly unless forced.
  const fresh = !this.assembly || (options && options.force);
  if (!fresh) return originalSynth.call(this, options);
  const before = cpu()[0];
  const assembly = originalSynth.call(this, options);
  record.synthMs += cpu()[0] - before;
  record.synths++;
  for (const stack of assembly.stacks) {
    const hash = createHash('sha256').update(JSON.stringify(stack.template)).digest('hex').slice(0, 12);
    record.templates.push(`${stack.stackName}:${hash}`);
  }
  return assembly;
};

const { NagPack } = require('cdk-nag');
timed(NagPack.prototype, 'validate', 'packMs');
timed(NagPack.prototype, 'validateScope', 'packMs');

for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
  const original = childProcess[name];
  childProcess[name] = function (...args) {
    record.children++;
    return original.apply(this, args);
  };
}

beforeAll(() => {
  record.loadMs = cpu()[0] - startSelf;
});

afterAll(() => {
  const [self, children] = cpu();
  record.childMs = children - startChildren;
  record.totalMs = self - startSelf + record.childMs;
  const name = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`;
  writeFileSync(join(process.env.TEST_PROFILE_DIR, name), JSON.stringify(record));
});
