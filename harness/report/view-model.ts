// From SubmissionResults to what the templates print. Everything here is presentation of stored fields:
// scores are copied, never recomputed; class aggregates (pass rates, means, histograms, failure counts) are
// counts and averages of the stored per-student figures. Numbers leave here formatted, so templates hold
// no logic beyond loops and conditionals. Charts are SVG strings from charts.ts. Text from students (names,
// messages, answers, the engine line their process reported) leaves here with control characters shown
// escaped (displayName, visibleText); Handlebars escapes the markup. Anchors use the safe student id.
import { formatDuration, formatPercent, formatPoints, formatTimestamp } from '../results/format.ts';
import { displayName, visibleText } from '../results/safe-text.ts';
import type {
  Curve,
  LayerRow,
  LeaderboardOrder,
  ManualItem,
  ModelSummary,
  RunStatus,
  SubmissionResult,
  TestResult,
  TestStatus,
  Visibility,
} from '../types/submission-result.ts';
import { barsView, confusionView, frontCaption, imagesView, scatterView, seriesView } from './evidence-view.ts';
import {
  curveChart,
  exerciseMeanChart,
  histogramChart,
  passRateChart,
  type HistogramBin,
} from './charts.ts';
import { mean, median } from './stats.ts';
import { MAX_LABELLED, classFigures } from './class-evidence.ts';
import { frontOf, scatterChart } from './scatter-chart.ts';
import { rankingKey, valueOrder } from '../results/leaderboard-order.ts';

/** Who reads the report: students do not see the messages of hidden tests. */
export type Audience = 'instructor' | 'student';

export interface ViewOptions {
  audience: Audience;
  /** Shown in the header; defaults to the assignment ids. */
  title?: string;
  /** Fixed for reproducible output in tests; defaults to now. */
  generatedAt?: Date;
}

const nf = new Intl.NumberFormat('en-US');
const pct = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
/** Messages and answers: several lines allowed, nothing invisible. */
const text = (s: string): string => visibleText(s).trim();

function shape(s: (number | null)[]): string {
  return `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

const STATUS_LABEL: Record<TestStatus, string> = {
  passed: 'passed',
  failed: 'failed',
  timeout: 'timed out',
  crash: 'crashed',
  oom: 'out of memory',
  skipped: 'skipped',
  error: 'harness error',
};

const RUN_STATUS_LABEL: Record<RunStatus, string> = {
  ok: 'ran normally',
  timeout: 'timed out',
  crash: 'crashed',
  oom: 'out of memory',
  'import-error': 'did not import',
  missing: 'no submission',
  error: 'harness error',
};

const VISIBILITY_LABEL: Record<Visibility, string> = {
  visible: 'visible',
  hidden: 'hidden',
  after_due_date: 'after due date',
  after_published: 'after publishing',
};

// ---------------------------------------------------------------------------------------------------------
// Student

export interface TestView {
  id: string;
  name: string;
  status: TestStatus;
  statusLabel: string;
  passed: boolean;
  score: string;
  maxScore: string;
  visibility: string;
  hidden: boolean;
  duration: string;
  /** Failure message or notes; empty when there is none (or it is withheld). */
  output: string;
  withheld: boolean;
}

export interface ExerciseView {
  id: string;
  title: string;
  score: string;
  maxScore: string;
  percent: string;
  manualMaxScore: string;
  hasManual: boolean;
  tests: TestView[];
}

export interface LayerView {
  name: string;
  kind: string;
  outputShape: string;
  params: string;
  trainable: string;
  expected: string;
  wrong: boolean;
}

export interface ModelView {
  title: string;
  layers: LayerView[];
  totalParams: string;
  trainableParams: string;
  expectedTotal: string;
  hasExpected: boolean;
  totalWrong: boolean;
  wrongLayers: number;
}

export interface ShapeRowView {
  layer: string;
  expected: string;
  submitted: string;
  correct: boolean;
}

export interface ChartView {
  title: string;
  svg: string;
  caption: string;
}

export interface ManualView {
  id: string;
  title: string;
  maxScore: string;
  answer: string;
  hasAnswer: boolean;
  graded: boolean;
  score: string;
  /** What the checks flagged for the human grader; empty for the student audience. */
  flags: string[];
}

export interface StudentView {
  student: string;
  assignment: string;
  /** "Title · COURSE" from assignment.yaml when the result carries it. */
  assignmentTitle: string;
  anchor: string;
  status: RunStatus;
  statusLabel: string;
  ok: boolean;
  statusMessage: string;
  engine: string;
  /** The per-run seed ('' when the result has none): `dlgrade grade --run-seed` repeats the run. */
  runSeed: string;
  startedAt: string;
  duration: string;
  scope: string;
  score: string;
  maxScore: string;
  percent: string;
  manualMaxScore: string;
  hasManual: boolean;
  exercises: ExerciseView[];
  failedCount: number;
  testCount: number;
  models: ModelView[];
  shapeTable: ShapeRowView[];
  shapeWrong: number;
  hasShapeTable: boolean;
  curves: ChartView[];
  /** Lines over any x (series artifacts), drawn with the training curves. */
  series: ChartView[];
  hasCurves: boolean;
  confusion: ChartView[];
  bars: ChartView[];
  scatter: ChartView[];
  images: ChartView[];
  leaderboard: { board: string; values: string }[];
  manual: ManualView[];
  /** Manual items with flags for the grader (instructor audience only), e.g. "B.write-up (2)". */
  flagged: string;
}

function testView(t: TestResult, audience: Audience): TestView {
  const withheld = audience === 'student' && t.visibility === 'hidden' && t.output.trim() !== '';
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    statusLabel: STATUS_LABEL[t.status] ?? t.status,
    passed: t.status === 'passed',
    score: formatPoints(t.score),
    maxScore: formatPoints(t.maxScore),
    visibility: VISIBILITY_LABEL[t.visibility] ?? t.visibility,
    hidden: t.visibility !== 'visible',
    duration: formatDuration(t.durationMs),
    output: withheld ? '' : text(t.output),
    withheld,
  };
}

function layerView(l: LayerRow): LayerView {
  const wrong = l.expectedParams !== undefined && l.expectedParams !== l.trainable;
  return {
    name: l.name,
    kind: l.kind,
    outputShape: shape(l.outputShape),
    params: nf.format(l.params),
    trainable: nf.format(l.trainable),
    expected: l.expectedParams === undefined ? '' : nf.format(l.expectedParams),
    wrong,
  };
}

function modelView(m: ModelSummary): ModelView {
  const layers = m.layers.map(layerView);
  return {
    title: m.title,
    layers,
    totalParams: nf.format(m.totalParams),
    trainableParams: nf.format(m.trainableParams),
    expectedTotal: m.expectedTotal === undefined ? '' : nf.format(m.expectedTotal),
    hasExpected: m.expectedTotal !== undefined,
    totalWrong: m.expectedTotal !== undefined && m.expectedTotal !== m.trainableParams,
    wrongLayers: layers.filter((l) => l.wrong).length,
  };
}

async function curveView(c: Curve): Promise<ChartView> {
  const marks: { epoch: number; label: string }[] = [];
  const captions: string[] = [];
  const epochs = Math.max(c.trainLoss?.length ?? 0, c.valLoss?.length ?? 0, c.trainAcc?.length ?? 0, c.valAcc?.length ?? 0);
  captions.push(`${epochs} epoch${epochs === 1 ? '' : 's'}`);
  if (c.bestEpoch !== undefined) {
    marks.push({ epoch: c.bestEpoch + 1, label: 'best' });
    captions.push(`best epoch ${c.bestEpoch + 1}`);
  }
  if (c.stoppedEpoch !== undefined) {
    captions.push(`early stopping after epoch ${c.stoppedEpoch + 1}`);
    if (c.stoppedEpoch !== c.bestEpoch && c.stoppedEpoch + 1 < epochs) marks.push({ epoch: c.stoppedEpoch + 1, label: 'stop' });
  } else if (c.bestEpoch === undefined && (c.valLoss?.length ?? 0) > 0) {
    captions.push('no early stopping recorded');
  }
  return { title: c.title, svg: await curveChart(c, marks), caption: captions.join(' · ') };
}

function formatValue(key: string, v: number): string {
  if (/acc|rate|f1|precision|recall/i.test(key) && v >= 0 && v <= 1) return `${(v * 100).toFixed(1)}%`;
  return Number.isInteger(v) ? nf.format(v) : String(Math.round(v * 10000) / 10000);
}

function titleOf(r: Pick<SubmissionResult, 'assignmentTitle' | 'course'>): string {
  return [r.assignmentTitle, r.course].filter(Boolean).join(' · ');
}

/** HTML id of a student's page: from the student id, which is unique and safe (the assignment id is too). */
function anchorOf(assignment: string, id: string): string {
  return `s-${assignment}-${id}`.replace(/[^A-Za-z0-9_~.-]/g, '_');
}

export async function buildStudentView(r: SubmissionResult, opts: Pick<ViewOptions, 'audience'>): Promise<StudentView> {
  const tests = r.tests.map((t) => testView(t, opts.audience));
  // Exercises in the stored order; tests of an exercise the result does not list still show, under their id.
  const exerciseIds = [...r.exercises.map((e) => e.id)];
  for (const t of r.tests) if (!exerciseIds.includes(t.exercise)) exerciseIds.push(t.exercise);
  const exercises: ExerciseView[] = exerciseIds.map((id) => {
    const e = r.exercises.find((x) => x.id === id);
    return {
      id,
      title: e?.title ?? '',
      score: e ? formatPoints(e.score) : '',
      maxScore: e ? formatPoints(e.maxScore) : '',
      percent: e && e.maxScore > 0 ? formatPercent(e.score, e.maxScore) : '—',
      manualMaxScore: e ? formatPoints(e.manualMaxScore) : '0',
      hasManual: (e?.manualMaxScore ?? 0) > 0,
      tests: tests.filter((_, i) => r.tests[i]!.exercise === id),
    };
  });
  const a = r.artifacts ?? {};
  const shapeTable = (a.shapeTable ?? []).map((s) => ({ layer: s.layer, expected: s.expected, submitted: s.submitted ?? '—', correct: s.correct }));
  const [curves, series, confusion, bars, scatter] = await Promise.all([
    Promise.all((a.curves ?? []).map(curveView)),
    Promise.all((a.series ?? []).map(seriesView)),
    Promise.all((a.confusion ?? []).map(confusionView)),
    Promise.all((a.bars ?? []).map(barsView)),
    Promise.all((a.scatter ?? []).map(scatterView)),
  ]);
  // Flags are for the human grader: a student's own report does not show them.
  const flagsOf = (m: ManualItem): string[] => (opts.audience === 'instructor' ? (m.flags ?? []).map(text).filter(Boolean) : []);
  const flagged = r.manual.filter((m) => flagsOf(m).length > 0).map((m) => `${m.id} (${flagsOf(m).length})`);
  const manualMax = r.exercises.reduce((s, e) => s + e.manualMaxScore, 0);
  return {
    student: displayName(r.student),
    assignment: r.assignment,
    assignmentTitle: titleOf(r),
    anchor: anchorOf(r.assignment, r.id),
    status: r.status,
    statusLabel: RUN_STATUS_LABEL[r.status] ?? r.status,
    ok: r.status === 'ok',
    statusMessage: text(r.statusMessage ?? ''),
    engine: visibleText(r.engine, { oneLine: true }),
    runSeed: r.runSeed === undefined ? '' : String(r.runSeed),
    startedAt: formatTimestamp(r.startedAt),
    duration: formatDuration(r.durationMs),
    scope: r.scope === 'all' ? 'all tests (visible and hidden)' : 'visible tests only',
    score: formatPoints(r.score),
    maxScore: formatPoints(r.maxScore),
    percent: formatPercent(r.score, r.maxScore),
    manualMaxScore: formatPoints(manualMax),
    hasManual: r.manual.length > 0,
    exercises,
    failedCount: r.tests.filter((t) => t.status !== 'passed').length,
    testCount: r.tests.length,
    models: (a.models ?? []).map(modelView),
    shapeTable,
    shapeWrong: shapeTable.filter((s) => !s.correct).length,
    hasShapeTable: shapeTable.length > 0,
    curves,
    series,
    hasCurves: curves.length + series.length > 0,
    confusion,
    bars,
    scatter,
    images: (a.images ?? []).map(imagesView),
    leaderboard: (a.leaderboard ?? []).map((l) => ({
      board: l.board,
      values: Object.entries(l.values).map(([k, v]) => `${k} ${formatValue(k, v)}`).join(' · '),
    })),
    manual: r.manual.map((m) => ({
      id: m.id,
      title: m.title,
      maxScore: formatPoints(m.maxScore),
      answer: text(m.answer ?? ''),
      hasAnswer: (m.answer ?? '').trim() !== '',
      graded: m.score !== undefined,
      score: m.score === undefined ? '' : formatPoints(m.score),
      flags: flagsOf(m),
    })),
    flagged: flagged.join(', '),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Class

export interface TestRateView {
  id: string;
  name: string;
  exercise: string;
  visibility: string;
  maxScore: string;
  passed: number;
  total: number;
  rate: string;
  meanScore: string;
  low: boolean;
}

export interface FailureView {
  testId: string;
  testName: string;
  status: string;
  count: number;
  share: string;
  students: string;
  example: string;
}

export interface IncidentView {
  student: string;
  anchor: string;
  where: string;
  status: string;
  message: string;
}

export interface LeaderboardView {
  board: string;
  columns: string[];
  rows: { rank: number; student: string; anchor: string; values: string[] }[];
  chart: string;
  chartCaption: string;
  hasChart: boolean;
  sortedBy: string;
}

export interface ClassView {
  assignment: string;
  assignmentTitle: string;
  anchor: string;
  studentCount: number;
  maxScore: string;
  stats: { mean: string; median: string; min: string; max: string; meanPercent: string };
  histogram: string;
  exercises: { id: string; title: string; mean: string; maxScore: string; percent: string; manualMaxScore: string }[];
  exerciseChart: string;
  tests: TestRateView[];
  passRateChart: string;
  failures: FailureView[];
  hasFailures: boolean;
  incidents: IncidentView[];
  hasIncidents: boolean;
  runStatusCounts: { label: string; count: number }[];
  engines: { engine: string; count: number; who: string }[];
  runTime: { total: string; mean: string; max: string; slowest: string };
  gradedBetween: string;
  leaderboards: LeaderboardView[];
  hasLeaderboards: boolean;
  /** The students' evidence aggregated (class-evidence.ts): class scatter, mean bars and confusion, overlaid curves. */
  figures: ChartView[];
  hasFigures: boolean;
  /** What the checks flagged for the human graders, per student and manual item (instructor audience only). */
  flags: { student: string; anchor: string; item: string; message: string }[];
  hasFlags: boolean;
  /** Problems of the assignment itself found while grading (for authors), with how many results carry each. */
  warnings: { text: string; count: number }[];
  hasWarnings: boolean;
  students: StudentView[];
  roster: { student: string; anchor: string; score: string; percent: string; status: string; ok: boolean; failed: number }[];
}


/** Ten bins of 10 percentage points of the stored score; the last bin includes 100%. */
export function scoreHistogram(results: SubmissionResult[]): HistogramBin[] {
  const bins: HistogramBin[] = Array.from({ length: 10 }, (_, i) => ({ bin: i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`, count: 0 }));
  for (const r of results) {
    const p = pct(r.score, r.maxScore) * 100;
    bins[Math.min(9, Math.max(0, Math.floor(p / 10)))]!.count++;
  }
  return bins;
}

/** Per test id, in first-seen order: how many students passed, and the mean stored score. */
export function passRates(results: SubmissionResult[]): { test: TestResult; passed: number; total: number; meanScore: number }[] {
  const byId = new Map<string, { test: TestResult; passed: number; total: number; scores: number[] }>();
  for (const r of results) {
    for (const t of r.tests) {
      let e = byId.get(t.id);
      if (!e) byId.set(t.id, (e = { test: t, passed: 0, total: 0, scores: [] }));
      e.total++;
      if (t.status === 'passed') e.passed++;
      e.scores.push(t.score);
    }
  }
  return [...byId.values()].map((e) => ({ test: e.test, passed: e.passed, total: e.total, meanScore: mean(e.scores) }));
}

/**
 * A failure's identity: the first line of its message with numbers masked, so "has 134,922 parameters" and
 * "has 660,490 parameters" are one failure while "could not be built" is another; the lines after the first
 * (which cells, which parts) are detail.
 */
export function failureKey(output: string): string {
  const first = output.trim().split('\n')[0] ?? '';
  return first.replace(/-?\d[\d,.]*(e-?\d+)?/g, '#').replace(/\s+/g, ' ').slice(0, 300);
}

/**
 * Failed tests (status failed or error) grouped by test and failure message (numbers masked), most students
 * first; the example is the first student's message.
 */
export function commonFailures(results: SubmissionResult[]): { test: TestResult; status: TestStatus; students: string[]; example: string }[] {
  const groups = new Map<string, { test: TestResult; status: TestStatus; students: string[]; example: string }>();
  for (const r of results) {
    for (const t of r.tests) {
      // Timeouts, crashes and out-of-memory have their own section; here are the checks that said no.
      if (t.status !== 'failed' && t.status !== 'error') continue;
      const k = `${t.id}\u0000${t.status}\u0000${failureKey(t.output)}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { test: t, status: t.status, students: [], example: t.output.trim() }));
      g.students.push(r.student);
    }
  }
  return [...groups.values()].sort((a, b) => b.students.length - a.students.length || a.test.id.localeCompare(b.test.id));
}

const MAX_FAILURE_ROWS = 15;
const MAX_NAMED_STUDENTS = 8;

function exampleLines(text: string, max = 4): string {
  const lines = text.split('\n');
  return lines.length > max ? `${lines.slice(0, max).join('\n')}\n…` : text;
}

interface BoardEntry {
  student: string;
  id: string;
  values: Record<string, number>;
  order?: Record<string, LeaderboardOrder>;
}

/** Rows best first: by the ranking value in its order, ties by the other values in theirs, then by name. */
function rankBoard(entries: BoardEntry[], keys: string[], orderOf: (k: string) => LeaderboardOrder): BoardEntry[] {
  return [...entries].sort((a, b) => {
    for (const k of keys) {
      const x = a.values[k] ?? Number.NaN;
      const y = b.values[k] ?? Number.NaN;
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
      const d = Number.isNaN(x) ? 0 : orderOf(k) === 'desc' ? y - x : x - y;
      if (d) return d;
    }
    return a.student.localeCompare(b.student);
  });
}

/**
 * One chart per board: the ranking value (y) against the first value ranked the other way (x), e.g. accuracy
 * against parameters, with the class's Pareto front; else against the board's other value, without one.
 * Every point is named up to MAX_LABELLED points, beyond that the front's.
 */
async function boardChart(sorted: BoardEntry[], key: string, columns: string[], orderOf: (k: string) => LeaderboardOrder): Promise<{ svg: string; caption: string }> {
  const opposite = columns.find((c) => c !== key && orderOf(c) !== orderOf(key));
  const other = opposite ?? columns.find((c) => c !== key);
  if (!other) return { svg: '', caption: '' };
  const frontier = opposite !== undefined && orderOf(key) === 'desc';
  const plotted = sorted.filter((e) => Number.isFinite(e.values[other]) && Number.isFinite(e.values[key]));
  if (plotted.length === 0) return { svg: '', caption: '' };
  const percent = /acc|rate|f1|precision|recall/i.test(key) && plotted.every((e) => e.values[key]! >= 0 && e.values[key]! <= 1);
  const points = plotted.map((e) => ({ label: displayName(e.student), x: e.values[other]!, y: e.values[key]! * (percent ? 100 : 1) }));
  const front = frontier ? frontOf(points) : [];
  const keep = new Set(front);
  const labelled = points.map((p, i) => (points.length <= MAX_LABELLED || keep.has(i) ? p : { ...p, label: '' }));
  const { svg } = await scatterChart({ xLabel: other, yLabel: percent ? `${key} (%)` : key, frontier, points: labelled });
  const caption = [frontier ? frontCaption(front.map((i) => points[i]!.label), other, key) : '', points.length > MAX_LABELLED && frontier ? `names shown for the front only (${points.length} students)` : ''];
  return { svg, caption: caption.filter(Boolean).join(' · ') };
}

async function leaderboards(results: SubmissionResult[]): Promise<LeaderboardView[]> {
  const boards = new Map<string, BoardEntry[]>();
  for (const r of results) {
    for (const e of r.artifacts?.leaderboard ?? []) {
      let b = boards.get(e.board);
      if (!b) boards.set(e.board, (b = []));
      b.push({ student: r.student, id: r.id, values: e.values, ...(e.order ? { order: e.order } : {}) });
    }
  }
  const views: LeaderboardView[] = [];
  for (const [board, entries] of boards) {
    const columns = [...new Set(entries.flatMap((e) => Object.keys(e.values)))];
    // A value's order as the first entry that declares it says, else by its name (as in results.json).
    const orderOf = (k: string): LeaderboardOrder => valueOrder(entries.find((e) => e.order?.[k]) ?? {}, k);
    const key = rankingKey(columns, orderOf) ?? '';
    const sorted = rankBoard(entries, [key, ...columns.filter((c) => c !== key)], orderOf);
    const chart = await boardChart(sorted, key, columns, orderOf);
    views.push({
      board,
      columns,
      sortedBy: `${key} (${orderOf(key) === 'desc' ? 'highest' : 'lowest'} first)`,
      rows: sorted.map((e, i) => ({
        rank: i + 1,
        student: displayName(e.student),
        anchor: anchorOf(results[0]!.assignment, e.id),
        values: columns.map((c) => (e.values[c] === undefined ? '—' : formatValue(c, e.values[c]!))),
      })),
      chart: chart.svg,
      chartCaption: chart.caption,
      hasChart: chart.svg !== '',
    });
  }
  return views;
}

/** One assignment's class: the summary pages, then every student's page. */
export async function buildClassView(results: SubmissionResult[], opts: Pick<ViewOptions, 'audience'>): Promise<ClassView> {
  if (results.length === 0) throw new Error('buildClassView: no results');
  const assignment = results[0]!.assignment;
  const other = results.find((r) => r.assignment !== assignment);
  if (other) throw new Error(`buildClassView: results of ${assignment} and ${other.assignment} (student ${displayName(other.student)}) mixed; group by assignment first`);
  const sortedResults = [...results].sort((a, b) => a.student.localeCompare(b.student));
  const scores = sortedResults.map((r) => r.score);
  const maxScores = [...new Set(sortedResults.map((r) => r.maxScore))];
  const maxScore = Math.max(...maxScores);

  // Exercise means: over the students whose result lists the exercise.
  const exIds: { id: string; title: string }[] = [];
  for (const r of sortedResults) for (const e of r.exercises) if (!exIds.some((x) => x.id === e.id)) exIds.push({ id: e.id, title: e.title });
  const exercises = exIds.map(({ id, title }) => {
    const es = sortedResults.flatMap((r) => r.exercises.filter((e) => e.id === id));
    const m = mean(es.map((e) => e.score));
    const max = Math.max(...es.map((e) => e.maxScore));
    return { id, title, mean: formatPoints(m), maxScore: formatPoints(max), percent: max > 0 ? formatPercent(m, max) : '—', ratio: pct(m, max), auto: max > 0, manualMaxScore: formatPoints(Math.max(...es.map((e) => e.manualMaxScore))) };
  });
  const autoExercises = exercises.filter((e) => e.auto);

  const rates = passRates(sortedResults);
  const tests: TestRateView[] = rates.map((r) => ({
    id: r.test.id,
    name: r.test.name,
    exercise: r.test.exercise,
    visibility: VISIBILITY_LABEL[r.test.visibility] ?? r.test.visibility,
    maxScore: formatPoints(r.test.maxScore),
    passed: r.passed,
    total: r.total,
    rate: formatPercent(r.passed, r.total),
    meanScore: formatPoints(r.meanScore),
    low: pct(r.passed, r.total) < 0.5,
  }));

  const failures = commonFailures(sortedResults);
  const incidents: IncidentView[] = [];
  for (const r of sortedResults) {
    const anchor = anchorOf(r.assignment, r.id);
    const student = displayName(r.student);
    if (r.status !== 'ok') {
      incidents.push({ student, anchor, where: 'whole run', status: RUN_STATUS_LABEL[r.status] ?? r.status, message: exampleLines(text(r.statusMessage ?? ''), 3) });
    }
    for (const t of r.tests) {
      if (t.status === 'timeout' || t.status === 'crash' || t.status === 'oom' || t.status === 'error') {
        // A submission that never loaded marks every test the same way; the run line above says it once.
        if (r.status !== 'ok' && r.tests.every((x) => x.status === t.status)) continue;
        incidents.push({ student, anchor, where: t.id, status: STATUS_LABEL[t.status], message: exampleLines(text(t.output), 2) });
      }
    }
  }
  const runStatusCounts = [...new Set(sortedResults.map((r) => r.status))].map((s) => ({
    label: RUN_STATUS_LABEL[s] ?? s,
    count: sortedResults.filter((r) => r.status === s).length,
  }));
  const engines = [...new Set(sortedResults.map((r) => r.engine))].map((engine) => {
    const count = sortedResults.filter((r) => r.engine === engine).length;
    return { engine: visibleText(engine, { oneLine: true }), count, who: count === sortedResults.length ? 'every student' : `${count} student${count === 1 ? '' : 's'}` };
  });
  const durations = sortedResults.map((r) => r.durationMs);
  const slowest = sortedResults.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  const starts = sortedResults.map((r) => r.startedAt).filter((s) => !Number.isNaN(new Date(s).getTime())).sort();

  const warningCounts = new Map<string, number>();
  for (const r of sortedResults) for (const w of new Set(r.warnings ?? [])) warningCounts.set(w, (warningCounts.get(w) ?? 0) + 1);
  const warnings = opts.audience === 'instructor' ? [...warningCounts].map(([w, count]) => ({ text: text(w), count })).sort((a, b) => b.count - a.count) : [];

  const students = await Promise.all(sortedResults.map((r) => buildStudentView(r, opts)));
  const [histogram, exerciseChart, passRateSvg, boards, figures] = await Promise.all([
    histogramChart(scoreHistogram(sortedResults)),
    exerciseMeanChart(autoExercises.map((e) => ({ exercise: e.id, percent: e.ratio }))),
    passRateChart(rates.map((r) => ({ test: r.test.id, rate: pct(r.passed, r.total) }))),
    leaderboards(sortedResults),
    classFigures(sortedResults),
  ]);
  const flags =
    opts.audience === 'instructor'
      ? sortedResults.flatMap((r) =>
          r.manual.flatMap((m) => (m.flags ?? []).map((f) => ({ student: displayName(r.student), anchor: anchorOf(r.assignment, r.id), item: m.id, message: text(f) }))),
        )
      : [];
  return {
    assignment,
    assignmentTitle: titleOf(sortedResults.find((r) => r.assignmentTitle || r.course) ?? {}),
    warnings,
    hasWarnings: warnings.length > 0,
    anchor: `a-${assignment}`.replace(/[^A-Za-z0-9_-]/g, '_'),
    studentCount: sortedResults.length,
    maxScore: maxScores.length === 1 ? formatPoints(maxScore) : maxScores.map(formatPoints).join(' / '),
    stats: {
      mean: formatPoints(mean(scores)),
      median: formatPoints(median(scores)),
      min: formatPoints(Math.min(...scores)),
      max: formatPoints(Math.max(...scores)),
      meanPercent: formatPercent(mean(scores), maxScore),
    },
    histogram,
    exercises: exercises.map(({ ratio: _ratio, auto: _auto, ...e }) => e),
    exerciseChart,
    tests,
    passRateChart: passRateSvg,
    failures: failures.slice(0, MAX_FAILURE_ROWS).map((f) => ({
      testId: f.test.id,
      testName: f.test.name,
      status: STATUS_LABEL[f.status],
      count: f.students.length,
      share: formatPercent(f.students.length, sortedResults.length),
      students:
        f.students.length > MAX_NAMED_STUDENTS
          ? `${f.students.slice(0, MAX_NAMED_STUDENTS).map(displayName).join(', ')} and ${f.students.length - MAX_NAMED_STUDENTS} more`
          : f.students.map(displayName).join(', '),
      example: exampleLines(text(f.example)),
    })),
    hasFailures: failures.length > 0,
    incidents,
    hasIncidents: incidents.length > 0,
    runStatusCounts,
    engines,
    runTime: {
      total: formatDuration(durations.reduce((s, d) => s + d, 0)),
      mean: formatDuration(mean(durations)),
      max: formatDuration(slowest.durationMs),
      slowest: displayName(slowest.student),
    },
    gradedBetween: starts.length ? (starts[0] === starts.at(-1) ? formatTimestamp(starts[0]!) : `${formatTimestamp(starts[0]!)} – ${formatTimestamp(starts.at(-1)!)}`) : '',
    leaderboards: boards,
    hasLeaderboards: boards.length > 0,
    figures,
    hasFigures: figures.length > 0,
    flags,
    hasFlags: flags.length > 0,
    students,
    roster: students.map((s, i) => ({
      student: s.student,
      anchor: s.anchor,
      score: `${s.score} / ${s.maxScore}`,
      percent: s.percent,
      status: s.statusLabel,
      ok: s.ok,
      failed: sortedResults[i]!.tests.filter((t) => t.status !== 'passed').length,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The document

export interface ReportView {
  kind: 'class' | 'student';
  title: string;
  generatedAt: string;
  audience: Audience;
  classes: ClassView[];
  multipleClasses: boolean;
  /** Student reports: the pages, without class summaries. */
  students: StudentView[];
}

export function groupByAssignment(results: SubmissionResult[]): Map<string, SubmissionResult[]> {
  const by = new Map<string, SubmissionResult[]>();
  for (const r of [...results].sort((a, b) => a.assignment.localeCompare(b.assignment))) {
    let g = by.get(r.assignment);
    if (!g) by.set(r.assignment, (g = []));
    g.push(r);
  }
  return by;
}

export async function buildClassReport(results: SubmissionResult[], opts: ViewOptions): Promise<ReportView> {
  const groups = groupByAssignment(results);
  const classes: ClassView[] = [];
  for (const rs of groups.values()) classes.push(await buildClassView(rs, opts));
  return {
    kind: 'class',
    title: opts.title ?? `Class report · ${[...groups.keys()].join(', ')}`,
    generatedAt: formatTimestamp((opts.generatedAt ?? new Date()).toISOString()),
    audience: opts.audience,
    classes,
    multipleClasses: classes.length > 1,
    students: [],
  };
}

export async function buildStudentReport(results: SubmissionResult[], opts: ViewOptions): Promise<ReportView> {
  if (results.length === 0) throw new Error('buildStudentReport: no results');
  const sorted = [...results].sort((a, b) => a.assignment.localeCompare(b.assignment) || a.student.localeCompare(b.student));
  const students = await Promise.all(sorted.map((r) => buildStudentView(r, opts)));
  const names = [...new Set(sorted.map((r) => displayName(r.student)))];
  return {
    kind: 'student',
    title: opts.title ?? `${names.join(', ')} · ${[...new Set(sorted.map((r) => r.assignment))].join(', ')}`,
    generatedAt: formatTimestamp((opts.generatedAt ?? new Date()).toISOString()),
    audience: opts.audience,
    classes: [],
    multipleClasses: false,
    students,
  };
}
