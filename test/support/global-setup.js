// Before any test file runs: one directory per run where test files share the stacks they only read
// (test/support/shipped-stacks.ts), and a check that every test file runs.
const { existsSync, mkdtempSync, readdirSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');

const TESTS = join(__dirname, '..');

/**
 * Jest runs the files at the top of test/ and each directory's all.test.ts, which runs the other files of its
 * directory (jest.config.js, test/support/test-directory.ts). A test file anywhere else would never run: name it.
 */
function testFilesThatWouldNotRun() {
  const missed = [];
  for (const entry of readdirSync(TESTS, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const directory = join(TESTS, entry.name);
    const hasAll = existsSync(join(directory, 'all.test.ts'));
    const walk = (dir, top) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path, false);
        else if (e.name.endsWith('.test.ts') && !(top && hasAll))
          missed.push(relative(join(TESTS, '..'), path));
      }
    };
    walk(directory, true);
  }
  return missed;
}

module.exports = async () => {
  const missed = testFilesThatWouldNotRun();
  if (missed.length > 0) {
    throw new Error(
      `these test files would never run: ${missed.join(', ')}. Jest runs test/*.test.ts and test/<directory>/all.test.ts, ` +
        'which runs the other *.test.ts files of its directory: move them there, or give their directory an all.test.ts.',
    );
  }
  process.env.SHARED_SYNTH_DIR = mkdtempSync(join(tmpdir(), 'secure-scheduling-stacks-'));
};
