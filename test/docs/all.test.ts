// Every test file of this directory, in one module registry (test/support/test-directory.ts).
import { runTestsOf } from '../support/test-directory';

runTestsOf(__dirname);
