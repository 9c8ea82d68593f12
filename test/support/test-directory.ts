import { readdirSync } from 'node:fs';
import * as path from 'node:path';

/** The one file of a directory that jest runs. */
const ALL = 'all.test.ts';

/** Where a file's CPU goes, when `npm run bench:tests` profiles the suite (test/support/profile.js). */
interface PartProfile {
  loading(): void;
  loaded(): void;
  started(): void;
  finished(): void;
}

function profiler(): { part(name: string): PartProfile } | undefined {
  return (globalThis as Record<symbol, { part(name: string): PartProfile } | undefined>)[
    Symbol.for('secure-scheduling.test-profile')
  ];
}

/**
 * Runs every other `*.test.ts` file of a directory of tests (one tier of the library, the certificate commands,
 * the compliance reports...) inside the directory's `all.test.ts`, the one file of the directory jest runs
 * (jest.config.js), each under a `describe` named after the file.
 *
 * Jest gives each test file a module registry of its own: every file loads and evaluates aws-cdk-lib, cdk-nag and
 * the library again, about a second of CPU a file. The files of one directory share this file's registry instead,
 * so those modules are loaded once per directory. Each file keeps its own module scope, and its `beforeAll` and
 * `afterAll` hooks run around its own tests only (the `describe` they are registered in). The files are found,
 * not listed, so a new file in the directory runs without being named here.
 *
 * One file's tests alone: `npx jest test/<directory>/all.test.ts -t '<file name>'`.
 */
export function runTestsOf(directory: string): void {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.test.ts') && file !== ALL)
    .sort();
  if (files.length === 0) throw new Error(`no *.test.ts file in ${directory}`);
  for (const file of files) {
    const name = `${path.basename(directory)}/${file}`;
    describe(name, () => {
      // Registered around the file's own hooks, which run in the order they are declared.
      const profile = profiler()?.part(`test/${name}`);
      if (profile) beforeAll(() => profile.started());
      profile?.loading();
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- registers the file's tests in this describe
      require(path.join(directory, file));
      profile?.loaded();
      if (profile) afterAll(() => profile.finished());
    });
  }
}
