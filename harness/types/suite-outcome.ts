// The file the grading reporter writes (DLGRADE_OUTCOMES_FILE) and the grader reads: what each vitest test
// did, before any scoring. Written by the trusted vitest main process (harness/runner/outcome-reporter.ts),
// never by the submission; scored by harness/results/score.ts.
import type { DlgradeMeta } from './dlgrade-meta.ts';

export interface OutcomeError {
  name: string;
  message: string;
  /** ProbeError kind when the error came from a probe call (missing-export, threw, timeout, crash, ...). */
  probeKind?: string;
  /** vitest's assertion diff, when an expect() failed. */
  diff?: string;
  /** Top frame inside the assignment's suite (file:line), to tell authors where the check lives. */
  at?: string;
}

export interface TestOutcome {
  /** Suite file relative to the assignment folder, e.g. "tests/public/mlp.test.ts". */
  file: string;
  /** The test's own title ("A.params.mnist: ..."), and with its describe blocks ("buildMlp > B.params: ..."). */
  title: string;
  fullName: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  durationMs: number;
  errors: OutcomeError[];
  meta?: DlgradeMeta;
}

export interface ModuleFailure {
  file: string;
  errors: OutcomeError[];
}

export interface SuitesOutcome {
  version: 1;
  /** false while the run is under way (the reporter rewrites the file after every test). */
  complete: boolean;
  reason?: 'passed' | 'interrupted' | 'failed';
  tests: TestOutcome[];
  /** Suite files that failed as a whole (import error, beforeAll threw). */
  moduleErrors: ModuleFailure[];
  unhandledErrors: OutcomeError[];
}
