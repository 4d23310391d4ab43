// The results data model: what grading produces and what every output (results.json, JUnit, gradebook,
// reports) reads. Data flows one way: assignment.yaml -> checks -> SubmissionResult -> outputs. Outputs
// never recompute a score; they render these fields. Its JSON Schema is submission-result-schema.ts (keep
// the two together: a field added here and not there fails type-checking).

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
  /** What the checks flagged for the human grader (a claimed figure the grader measured otherwise, ...). */
  flags?: string[];
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
  /** Draw each row normalised to sum 1 (the counts stay in `matrix`). */
  normalize?: boolean;
}

/** Lines of points over any x (a loss every 10 steps, a gradient norm, a learning rate per step). */
export interface Series {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Log-scale y axis (gradient norms that collapse). */
  logY?: boolean;
  lines: { name: string; x: number[]; y: number[] }[];
}

/** A grid of small images: first-layer weights, feature maps, decision boundaries, predictions with labels. */
export interface ImageGrid {
  title: string;
  /** Images per row of the grid. */
  columns: number;
  cells: {
    label?: string;
    height: number;
    width: number;
    /** 1 (drawn with a diverging or grey scale) or 3 (RGB). */
    channels: number;
    /** Row-major HWC values; drawn scaled from `range` (default: the cell's own min and max). */
    values: number[];
    range?: [number, number];
  }[];
}

/** Grouped bars per category (per-class F1 of several models, per-class accuracy sorted). */
export interface Bars {
  title: string;
  yLabel: string;
  categories: string[];
  groups: { name: string; values: number[] }[];
  /** Order categories by the first group's values. */
  sort?: 'ascending' | 'descending';
}

/** Labelled points (accuracy against parameters); `frontier` marks the Pareto front (x low, y high). */
export interface Scatter {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  frontier?: boolean;
  points: { label: string; x: number; y: number; group?: string }[];
}

/** Which way a leaderboard value is better: 'desc' higher first (accuracy), 'asc' lower first (parameters). */
export type LeaderboardOrder = 'asc' | 'desc';

export interface LeaderboardEntry {
  board: string;
  /** e.g. { accuracy: 0.712, params: 42362 } (accuracy-like values in [0, 1] print as percents in reports) */
  values: Record<string, number>;
  /**
   * The order of each value, by key. A key not listed takes the default for its name
   * (harness/results/leaderboard-order.ts): accuracy-like names 'desc', parameters, loss, error, time and
   * size 'asc', anything else 'desc' (Gradescope's default).
   */
  order?: Record<string, LeaderboardOrder>;
}

/** Evidence the checks collected, for reports; never used to compute a score. */
export interface Artifacts {
  models?: ModelSummary[];
  shapeTable?: ShapeTableRow[];
  curves?: Curve[];
  confusion?: ConfusionMatrix[];
  leaderboard?: LeaderboardEntry[];
  series?: Series[];
  images?: ImageGrid[];
  bars?: Bars[];
  scatter?: Scatter[];
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
  /**
   * The student as named by their submission folder, verbatim: any text a file name can hold (spaces,
   * newlines, escape sequences, Markdown). Data: every output escapes it for its format.
   */
  student: string;
  /**
   * Stable, filesystem-safe and unique name derived from `student` (harness/results/student-id.ts): the
   * student's folder in class outputs (OUT/<id>/), per-student report files, HTML anchors.
   */
  id: string;
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
  /** The per-run seed the checks drew their inputs from (`dlgrade grade --run-seed N` repeats the run). */
  runSeed?: number;
  /**
   * Problems of the assignment itself found while grading (a yaml test without a suite test, a suite test
   * naming no yaml test, partial credit on a test without `partial: true`, ...). For authors, not students.
   */
  warnings?: string[];
}
