// JSON Schema (draft-07) of a SubmissionResult as dlgrade.json stores it: the one reader
// (harness/results/read-result.ts) and the one writer (harness/results/write-outputs.ts) check every result
// against it. Written once, next to the types; the type assertions at the end fail type-checking when a
// field is added to or removed from a type in submission-result.ts and not here (or an enum drifts).
// Artifacts are built by assignment suites (task.meta), so their objects may carry extra fields; the
// result's own objects may not.
import type {
  Artifacts,
  Bars,
  ImageGrid,
  Scatter,
  Series,
  ConfusionMatrix,
  Curve,
  ExerciseScore,
  LayerRow,
  LeaderboardEntry,
  LeaderboardOrder,
  ManualItem,
  ModelSummary,
  RunStatus,
  ShapeTableRow,
  SubmissionResult,
  TestResult,
  TestStatus,
  Visibility,
} from './submission-result.ts';

/**
 * A student id (SubmissionResult.id): lower-case letters, digits, `_` and `-` (no dot, so never a class
 * file such as summary.md), or a slug (dots allowed) + `~` + 12 hex digits of a hash. Always a safe
 * single path segment.
 */
export const STUDENT_ID_PATTERN = '^(?:[a-z0-9][a-z0-9_-]{0,63}|[a-z0-9][a-z0-9._-]{0,39}~[0-9a-f]{12})$';

const VISIBILITIES = ['visible', 'hidden', 'after_due_date', 'after_published'] as const;
const TEST_STATUSES = ['passed', 'failed', 'timeout', 'crash', 'oom', 'skipped', 'error'] as const;
const RUN_STATUSES = ['ok', 'timeout', 'crash', 'oom', 'import-error', 'missing', 'error'] as const;
const LEADERBOARD_ORDERS = ['asc', 'desc'] as const;

const text = { type: 'string' } as const;
const points = { type: 'number', minimum: 0 } as const;
const count = { type: 'integer', minimum: 0 } as const;
const strings = { type: 'array', items: text } as const;
const numbers = { type: 'array', items: { type: 'number' } } as const;

const exerciseScore = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'score', 'maxScore', 'manualMaxScore'],
  properties: { id: text, title: text, score: points, maxScore: points, manualMaxScore: points },
} as const;

const testResult = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'exercise', 'score', 'maxScore', 'visibility', 'status', 'output', 'durationMs'],
  properties: {
    id: text,
    name: text,
    exercise: text,
    score: points,
    maxScore: points,
    visibility: { enum: VISIBILITIES },
    status: { enum: TEST_STATUSES },
    output: text,
    durationMs: { type: 'number', minimum: 0 },
    tags: strings,
  },
} as const;

const manualItem = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'exercise', 'title', 'maxScore'],
  properties: { id: text, exercise: text, title: text, maxScore: points, answer: text, score: points, flags: strings },
} as const;

const layerRow = {
  type: 'object',
  required: ['name', 'kind', 'outputShape', 'params', 'trainable'],
  properties: {
    name: text,
    kind: text,
    outputShape: { type: 'array', items: { type: ['number', 'null'] } },
    params: count,
    trainable: count,
    expectedParams: count,
  },
} as const;

const modelSummary = {
  type: 'object',
  required: ['title', 'layers', 'totalParams', 'trainableParams'],
  properties: { title: text, layers: { type: 'array', items: layerRow }, totalParams: count, trainableParams: count, expectedTotal: count },
} as const;

const shapeTableRow = {
  type: 'object',
  required: ['layer', 'expected', 'correct'],
  properties: { layer: text, expected: text, submitted: text, correct: { type: 'boolean' } },
} as const;

const curve = {
  type: 'object',
  required: ['title'],
  properties: { title: text, trainLoss: numbers, valLoss: numbers, trainAcc: numbers, valAcc: numbers, bestEpoch: count, stoppedEpoch: count },
} as const;

const confusionMatrix = {
  type: 'object',
  required: ['title', 'classNames', 'matrix'],
  properties: { title: text, classNames: strings, matrix: { type: 'array', items: numbers }, normalize: { type: 'boolean' } },
} as const;

const series = {
  type: 'object',
  required: ['title', 'xLabel', 'yLabel', 'lines'],
  properties: {
    title: text,
    xLabel: text,
    yLabel: text,
    logY: { type: 'boolean' },
    lines: { type: 'array', items: { type: 'object', required: ['name', 'x', 'y'], properties: { name: text, x: numbers, y: numbers } } },
  },
} as const;

const imageGrid = {
  type: 'object',
  required: ['title', 'columns', 'cells'],
  properties: {
    title: text,
    columns: count,
    cells: {
      type: 'array',
      items: {
        type: 'object',
        required: ['height', 'width', 'channels', 'values'],
        properties: { label: text, height: count, width: count, channels: count, values: numbers, range: numbers },
      },
    },
  },
} as const;

const bars = {
  type: 'object',
  required: ['title', 'yLabel', 'categories', 'groups'],
  properties: {
    title: text,
    yLabel: text,
    categories: strings,
    groups: { type: 'array', items: { type: 'object', required: ['name', 'values'], properties: { name: text, values: numbers } } },
    sort: { enum: ['ascending', 'descending'] },
  },
} as const;

const scatter = {
  type: 'object',
  required: ['title', 'xLabel', 'yLabel', 'points'],
  properties: {
    title: text,
    xLabel: text,
    yLabel: text,
    logX: { type: 'boolean' },
    frontier: { type: 'boolean' },
    points: { type: 'array', items: { type: 'object', required: ['label', 'x', 'y'], properties: { label: text, x: { type: 'number' }, y: { type: 'number' }, group: text } } },
  },
} as const;

const leaderboardEntry = {
  type: 'object',
  required: ['board', 'values'],
  properties: {
    board: text,
    values: { type: 'object', additionalProperties: { type: 'number' } },
    order: { type: 'object', additionalProperties: { enum: LEADERBOARD_ORDERS } },
  },
} as const;

const artifacts = {
  type: 'object',
  additionalProperties: false,
  properties: {
    models: { type: 'array', items: modelSummary },
    shapeTable: { type: 'array', items: shapeTableRow },
    curves: { type: 'array', items: curve },
    confusion: { type: 'array', items: confusionMatrix },
    leaderboard: { type: 'array', items: leaderboardEntry },
    series: { type: 'array', items: series },
    images: { type: 'array', items: imageGrid },
    bars: { type: 'array', items: bars },
    scatter: { type: 'array', items: scatter },
  },
} as const;

export const submissionResultSchema = {
  $id: 'https://dlgrade/submission-result.schema.json',
  type: 'object',
  additionalProperties: false,
  required: ['assignment', 'student', 'id', 'engine', 'status', 'score', 'maxScore', 'exercises', 'tests', 'manual', 'artifacts', 'startedAt', 'durationMs', 'scope'],
  properties: {
    assignment: text,
    assignmentTitle: text,
    course: text,
    student: text,
    id: { type: 'string', pattern: STUDENT_ID_PATTERN },
    engine: text,
    status: { enum: RUN_STATUSES },
    statusMessage: text,
    score: points,
    maxScore: points,
    exercises: { type: 'array', items: exerciseScore },
    tests: { type: 'array', items: testResult },
    manual: { type: 'array', items: manualItem },
    artifacts,
    startedAt: text,
    durationMs: { type: 'number', minimum: 0 },
    scope: { enum: ['visible', 'all'] },
    runSeed: { type: 'integer', minimum: 0 },
    warnings: strings,
  },
} as const;

// ---------------------------------------------------------------------------------------------------------
// Compile-time agreement of the schema with the types: same property names, same required ones, same enums.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
type Agrees<T, S extends { properties: object }> = Same<keyof S['properties'], keyof T> extends true
  ? Same<S extends { required: readonly (infer R)[] } ? R : never, RequiredKeys<T>>
  : false;

const agreement: [
  Agrees<SubmissionResult, typeof submissionResultSchema>,
  Agrees<ExerciseScore, typeof exerciseScore>,
  Agrees<TestResult, typeof testResult>,
  Agrees<ManualItem, typeof manualItem>,
  Agrees<Artifacts, typeof artifacts>,
  Agrees<LayerRow, typeof layerRow>,
  Agrees<ModelSummary, typeof modelSummary>,
  Agrees<ShapeTableRow, typeof shapeTableRow>,
  Agrees<Curve, typeof curve>,
  Agrees<ConfusionMatrix, typeof confusionMatrix>,
  Agrees<LeaderboardEntry, typeof leaderboardEntry>,
  Agrees<Series, typeof series>,
  Agrees<ImageGrid, typeof imageGrid>,
  Agrees<Bars, typeof bars>,
  Agrees<Scatter, typeof scatter>,
  Same<(typeof VISIBILITIES)[number], Visibility>,
  Same<(typeof TEST_STATUSES)[number], TestStatus>,
  Same<(typeof RUN_STATUSES)[number], RunStatus>,
  Same<(typeof LEADERBOARD_ORDERS)[number], LeaderboardOrder>,
  Same<(typeof submissionResultSchema.properties.scope.enum)[number], SubmissionResult['scope']>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void agreement;
