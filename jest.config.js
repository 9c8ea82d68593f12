/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking runs once in `npm run typecheck`; ts-jest only transpiles here.
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  // Synthesis is CPU-bound; two workers match the two cores CI has.
  maxWorkers: 2,
  testTimeout: 120000,
};
