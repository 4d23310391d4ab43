import { defineConfig } from 'vitest/config';

// The project's own tests. Assignment suites under assignments/*/tests are not run here directly:
// they need a submission, and the grader runs them (see harness/runner); the grader's own tests
// (fixtures graded with asserted scores) live under harness/ and do run here.
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['node_modules/**', 'assignments/**', 'reports/**', 'fixtures/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
