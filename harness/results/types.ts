// The results data model: what grading produces and what every output (results.json, JUnit, gradebook,
// reports) reads. Data flows one way: assignment.yaml -> checks -> SubmissionResult -> outputs. Outputs
// never recompute a score; they render these fields.

export type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published';

/** How a test ended. `error` is a harness problem, `timeout`/`crash`/`oom` are the submission's. */
export type TestStatus = 'passed' | 'failed' | 'timeout' | 'crash' | 'oom' | 'skipped' | 'error';

/** Why a whole submission did not run normally (gradebook status column). */
export type RunStatus = 'ok' | 'timeout' | 'crash' | 'oom' | 'import-error' | 'missing' | 'error';

export interface TestResult {
  /** Stable id from assignment.yaml, e.g. "A.params.mnist". */
  id: string;
  /** Human title, e.g. "FC classifier on MNIST has 535,818 parameters". */
  name: string;
  /** Exercise id from assignment.yaml, e.g. "A". */
  exercise: string;
  score: number;
  maxScore: number;
  visibility: Visibility;
  status: TestStatus;
  /** What was expected, what came, where to look. Empty when passed. */
  output: string;
  durationMs: number;
  /** Free-form tags (e.g. "shapes", "params", "convergence") used by reports to group failures. */
  tags?: string[];
}

/** An answer a human grades (reading questions, written analysis): carried through, not auto-graded. */
export interface ManualItem {
  id: string;
  exercise: string;
  title: string;
  maxScore: number;
  /** The student's answer, as found in the submission (text), or undefined when missing. */
  answer?: string;
  /** Filled in by a grader later; undefined until then. */
  score?: number;
}

export interface LayerRow {
  name: string;
  kind: string;
  outputShape: (number | null)[];
  params: number;
  trainable: number;
  /** Expected parameters where the assignment states them. */
  expectedParams?: number;
}

export interface ModelSummary {
  title: string;
  layers: LayerRow[];
  totalParams: number;
  trainableParams: number;
  expectedTotal?: number;
}

export interface ShapeTableRow {
  layer: string;
  expected: string;
  submitted?: string;
  correct: boolean;
}

export interface Curve {
  title: string;
  /** Per epoch; absent series are omitted. */
  trainLoss?: number[];
  valLoss?: number[];
  trainAcc?: number[];
  valAcc?: number[];
  /** Epoch (0-based) early stopping chose, where relevant. */
  bestEpoch?: number;
  stoppedEpoch?: number;
}

export interface ConfusionMatrix {
  title: string;
  classNames: string[];
  /** matrix[true][pred] */
  matrix: number[][];
}

export interface LeaderboardEntry {
  board: string;
  /** e.g. { params: 42362, accuracy: 0.71 } */
  values: Record<string, number>;
}

/** Evidence the checks collected, for reports; never used to compute a score. */
export interface Artifacts {
  models?: ModelSummary[];
  shapeTable?: ShapeTableRow[];
  curves?: Curve[];
  confusion?: ConfusionMatrix[];
  leaderboard?: LeaderboardEntry[];
}

export interface ExerciseScore {
  id: string;
  title: string;
  score: number;
  maxScore: number;
  /** Points that a human still has to grade in this exercise (manual items). */
  manualMaxScore: number;
}

export interface SubmissionResult {
  assignment: string;
  /** Assignment title and course from assignment.yaml, for reports' headers. */
  assignmentTitle?: string;
  course?: string;
  student: string;
  /** Engine line, e.g. "tfjs 4.22.0 wasm (simd, 1 thread, dlgrade kernels)". */
  engine: string;
  status: RunStatus;
  /** Message for a non-ok status (timeout after 120 s, crash output tail, ...). */
  statusMessage?: string;
  score: number;
  maxScore: number;
  exercises: ExerciseScore[];
  tests: TestResult[];
  manual: ManualItem[];
  artifacts: Artifacts;
  startedAt: string;
  durationMs: number;
  /** Which tests were run: visible only (student check) or all (grading). */
  scope: 'visible' | 'all';
  /**
   * Problems of the assignment itself found while grading (a yaml test without a suite test, a suite test
   * naming no yaml test, partial credit on a test without `partial: true`, ...). For authors, not students.
   */
  warnings?: string[];
}
