// Removes the run's directory of shared stacks (test/support/global-setup.js).
const { rmSync } = require('node:fs');

module.exports = async () => {
  if (process.env.SHARED_SYNTH_DIR) {
    rmSync(process.env.SHARED_SYNTH_DIR, { recursive: true, force: true });
  }
};
