/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // The files at the top of test/, and one file per directory below it, `all.test.ts`, which runs the others of
  // its directory in one module registry (test/support/test-directory.ts): jest loads aws-cdk-lib, cdk-nag and
  // the library once per test file it runs. One file's tests: `npx jest test/audit/all.test.ts -t alert-topic`.
  testMatch: ['<rootDir>/test/*.test.ts', '<rootDir>/test/*/all.test.ts'],
  transform: {
    // Type-checking runs once in `npm run typecheck`; tests only need the types stripped.
    '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js',
  },
  // Synthesis is CPU-bound; two workers match the two cores CI has.
  maxWorkers: 2,
  testTimeout: 120000,
  // A directory per run where files share the shipped stacks they only read (test/support/shipped-stacks.ts).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // `npm run bench:tests` sets TEST_PROFILE_DIR to learn where each file's CPU goes.
  setupFilesAfterEnv: process.env.TEST_PROFILE_DIR ? ['<rootDir>/test/support/profile.js'] : [],
};
