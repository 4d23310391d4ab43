// vitest config for grading runs (spawned by run-suites.ts; never the project's own `npm test`).
// Runs the assignment's tests/public suites, plus tests/hidden when DLGRADE_SCOPE=all, one file at a time
// in a forked worker, and reports through outcome-reporter.ts only (the grader prints its own summary).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { TestSequencer, TestSpecification } from 'vitest/node';
import OutcomeReporter from './outcome-reporter.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const assignmentDir = process.env.DLGRADE_ASSIGNMENT_DIR;
if (!assignmentDir) throw new Error('DLGRADE_ASSIGNMENT_DIR is not set (run through dlgrade grade / dlgrade check)');
const scope = process.env.DLGRADE_SCOPE ?? 'visible';
const testTimeout = Number(process.env.DLGRADE_TEST_TIMEOUT_MS ?? 120_000);

// Files in a fixed order, public before hidden, then by path: vitest's default order follows its cache of
// past durations, and which tests a total time-out cuts off must not depend on a previous run.
class FixedOrder implements TestSequencer {
  shard(files: TestSpecification[]): TestSpecification[] {
    return files;
  }
  sort(files: TestSpecification[]): TestSpecification[] {
    const key = (f: TestSpecification) => `${f.moduleId.includes('/tests/public/') ? 0 : 1}${f.moduleId}`;
    return [...files].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
}

export default defineConfig({
  root,
  test: {
    dir: assignmentDir,
    include: scope === 'all' ? ['tests/public/**/*.test.ts', 'tests/hidden/**/*.test.ts'] : ['tests/public/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // Process isolation: the worker runs only grader code (the submission is in its own sandbox), so test files
    // may share it, and with it the submission's warm sandbox (saves a ~0.7 s start per file).
    isolate: process.env.DLGRADE_ISOLATION !== 'process',
    testTimeout,
    hookTimeout: testTimeout,
    teardownTimeout: 10_000,
    passWithNoTests: true,
    watch: false,
    // One attempt: a flaky pass must not be retried into a grade.
    retry: 0,
    sequence: { sequencer: FixedOrder, shuffle: false },
    reporters: [new OutcomeReporter({ assignmentDir }), ...(process.env.DLGRADE_VERBOSE ? ['default' as const] : [])],
    // Installed as a package (a student's folder), dlgrade is TypeScript under node_modules: transform it
    // like the suites instead of handing .ts files to Node.
    server: { deps: { inline: [/[\\/]dlgrade[\\/]/] } },
  },
});
