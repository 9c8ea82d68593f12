// One directory per test run where test files share the stacks they only read (test/support/shipped-stacks.ts).
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  process.env.SHARED_SYNTH_DIR = mkdtempSync(join(tmpdir(), 'secure-scheduling-stacks-'));
};
