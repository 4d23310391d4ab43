import { defineConfig } from 'vitest/config';

// The project's own tests. Assignment suites under assignments/*/tests are not run here directly:
// they need a submission, and the grader runs them (tests/assignments.test.ts grades every assignment's
// reference, starter and fixtures); unit tests of an assignment's own maths (assignments/<id>/*.test.ts) do.
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'tests/**/*.test.ts', 'assignments/*/*.test.ts'],
    exclude: ['node_modules/**', 'assignments/*/tests/**', 'reports/**', 'fixtures/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
