// The assignment model as loaded from assignments/<id>/assignment.yaml (after schema and consistency checks).
// Field names here are the yaml's own; docs/authoring.md documents each one.

/** Who sees a test's outcome: students (visible), nobody until graded (hidden), or after the deadline. */
export type TestVisibility = 'visible' | 'hidden' | 'after_due_date';

/** A pass mark written next to the reference solution's own figure, so reports can show both. */
export interface Threshold {
  /** What is measured, e.g. "val_accuracy" or "final_loss". */
  metric: string;
  /** Pass when the measured value is >= min (exactly one of min / max). */
  min?: number;
  /** Pass when the measured value is <= max. */
  max?: number;
  /** The reference solution's own figure under the same budget and seed. */
  reference: number;
  /** How far the bound sits from the reference (informational; reports print it). */
  margin: number;
}

export interface TestSpec {
  /** Stable id, "<exercise>.<name>[.<more>]", e.g. "A.params.mnist". Vitest titles start with "<id>: ". */
  id: string;
  title: string;
  points: number;
  visibility: TestVisibility;
  /** When true, the suite may award a fraction of the points through partialCredit(). */
  partial: boolean;
  tags: string[];
  /** Wall-clock limit of one probe call made while this test runs (default: limits.timeoutMs). */
  timeoutMs?: number;
  threshold?: Threshold;
}

/** Where a manual item's answer is found in the submission folder. */
export interface AnswerLocation {
  /** File relative to the submission folder (default: the assignment's `answers`, i.e. answers.md). */
  file: string;
  /** Markdown heading whose section holds the answer (default: the item id). */
  heading: string;
}

export interface ManualSpec {
  id: string;
  title: string;
  points: number;
  answer: AnswerLocation;
}

export interface ExerciseSpec {
  id: string;
  title: string;
  /** Points of the exercise: the sum of its tests' and manual items' points. */
  points: number;
  tests: TestSpec[];
  manual: ManualSpec[];
}

export interface Limits {
  /** Wall-clock limit of one probe call (the submission's code), in ms. */
  timeoutMs: number;
  /** Wall-clock limit of one vitest test (default: the largest per-test/per-call limit, plus slack). */
  testTimeoutMs?: number;
  /** Wall-clock limit of the whole suite run for one submission. */
  totalTimeoutMs: number;
  /** Memory limit of the process that runs the submission (process isolation only). */
  memoryMb: number;
  /** Largest file a submission folder may hold, in MB (node_modules and .git aside; default 2). */
  submissionFileMb?: number;
  /** Largest total size of a submission folder's files, in MB (default 50). */
  submissionTotalMb?: number;
  /** Most files a submission folder may hold (default 2,000). */
  submissionFiles?: number;
}

export interface Assignment {
  id: string;
  title: string;
  course: string;
  /** The seed document it is ported from, e.g. "002". */
  seed?: string;
  /** Submission entry candidates, first that exists wins (default: index.ts, src/index.ts). */
  entry: string[];
  /** Default file (relative to the submission) holding manual answers. */
  answers: string;
  limits: Limits;
  /** Named seeds the suites use (e.g. { default: 42, split: 1234 }). */
  seeds: Record<string, number>;
  exercises: ExerciseSpec[];
  /** Absolute folder of the assignment and absolute path of its yaml (filled by the loader). */
  dir: string;
  file: string;
}
