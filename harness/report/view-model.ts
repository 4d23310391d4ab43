// From SubmissionResults to what the templates print. Everything here is presentation of stored fields:
// scores are copied, never recomputed; class aggregates (pass rates, means, histograms, failure counts) are
// counts and averages of the stored per-student figures. Numbers leave here formatted, so templates hold
// no logic beyond loops and conditionals. Charts are SVG strings from charts.ts.
import type {
  Curve,
  LayerRow,
  ModelSummary,
  RunStatus,
  SubmissionResult,
  TestResult,
  TestStatus,
  Visibility,
} from '../results/types.ts';
import {
  confusionChart,
  curveChart,
  exerciseMeanChart,
  histogramChart,
  leaderboardChart,
  passRateChart,
  type HistogramBin,
} from './charts.ts';

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
const pts = (n: number): string => (Number.isInteger(n) ? nf.format(n) : n.toFixed(2).replace(/0$/, ''));
const pct = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
const pctText = (x: number): string => `${Math.round(x * 100)}%`;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return `${m} min ${rest} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
}

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
  confusion: ChartView[];
  leaderboard: { board: string; values: string }[];
  manual: ManualView[];
}

function testView(t: TestResult, audience: Audience): TestView {
  const withheld = audience === 'student' && t.visibility === 'hidden' && t.output.trim() !== '';
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    statusLabel: STATUS_LABEL[t.status] ?? t.status,
    passed: t.status === 'passed',
    score: pts(t.score),
    maxScore: pts(t.maxScore),
    visibility: VISIBILITY_LABEL[t.visibility] ?? t.visibility,
    hidden: t.visibility !== 'visible',
    duration: formatDuration(t.durationMs),
    output: withheld ? '' : t.output.trim(),
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

function anchorOf(assignment: string, student: string): string {
  return `s-${assignment}-${student}`.replace(/[^A-Za-z0-9_-]/g, '_');
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
      score: e ? pts(e.score) : '',
      maxScore: e ? pts(e.maxScore) : '',
      percent: e && e.maxScore > 0 ? pctText(pct(e.score, e.maxScore)) : '—',
      manualMaxScore: e ? pts(e.manualMaxScore) : '0',
      hasManual: (e?.manualMaxScore ?? 0) > 0,
      tests: tests.filter((_, i) => r.tests[i]!.exercise === id),
    };
  });
  const a = r.artifacts ?? {};
  const shapeTable = (a.shapeTable ?? []).map((s) => ({ layer: s.layer, expected: s.expected, submitted: s.submitted ?? '—', correct: s.correct }));
  const curves = await Promise.all((a.curves ?? []).map(curveView));
  const confusion = await Promise.all(
    (a.confusion ?? []).map(async (c) => ({ title: c.title, svg: await confusionChart(c.classNames, c.matrix), caption: 'rows: true class · shade: share of the row' })),
  );
  const manualMax = r.exercises.reduce((s, e) => s + e.manualMaxScore, 0);
  return {
    student: r.student,
    assignment: r.assignment,
    assignmentTitle: titleOf(r),
    anchor: anchorOf(r.assignment, r.student),
    status: r.status,
    statusLabel: RUN_STATUS_LABEL[r.status] ?? r.status,
    ok: r.status === 'ok',
    statusMessage: r.statusMessage ?? '',
    engine: r.engine,
    startedAt: formatDate(r.startedAt),
    duration: formatDuration(r.durationMs),
    scope: r.scope === 'all' ? 'all tests (visible and hidden)' : 'visible tests only',
    score: pts(r.score),
    maxScore: pts(r.maxScore),
    percent: pctText(pct(r.score, r.maxScore)),
    manualMaxScore: pts(manualMax),
    hasManual: r.manual.length > 0,
    exercises,
    failedCount: r.tests.filter((t) => t.status !== 'passed').length,
    testCount: r.tests.length,
    models: (a.models ?? []).map(modelView),
    shapeTable,
    shapeWrong: shapeTable.filter((s) => !s.correct).length,
    hasShapeTable: shapeTable.length > 0,
    curves,
    confusion,
    leaderboard: (a.leaderboard ?? []).map((l) => ({
      board: l.board,
      values: Object.entries(l.values).map(([k, v]) => `${k} ${formatValue(k, v)}`).join(' · '),
    })),
    manual: r.manual.map((m) => ({
      id: m.id,
      title: m.title,
      maxScore: pts(m.maxScore),
      answer: (m.answer ?? '').trim(),
      hasAnswer: (m.answer ?? '').trim() !== '',
      graded: m.score !== undefined,
      score: m.score === undefined ? '' : pts(m.score),
    })),
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
  /** Problems of the assignment itself found while grading (for authors), with how many results carry each. */
  warnings: { text: string; count: number }[];
  hasWarnings: boolean;
  students: StudentView[];
  roster: { student: string; anchor: string; score: string; percent: string; status: string; ok: boolean; failed: number }[];
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt1 = (x: number): string => (Number.isInteger(x) ? nf.format(x) : x.toFixed(1));

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

/** Which value orders a board: an accuracy-like key (higher first), else the first key (higher first). */
function boardOrder(keys: string[]): { key: string; desc: boolean } {
  const acc = keys.find((k) => /acc|score|f1/i.test(k));
  if (acc) return { key: acc, desc: true };
  const loss = keys.find((k) => /loss|error|time/i.test(k));
  if (loss) return { key: loss, desc: false };
  return { key: keys[0] ?? '', desc: true };
}

async function leaderboards(results: SubmissionResult[]): Promise<LeaderboardView[]> {
  const boards = new Map<string, { student: string; values: Record<string, number> }[]>();
  for (const r of results) {
    for (const e of r.artifacts?.leaderboard ?? []) {
      let b = boards.get(e.board);
      if (!b) boards.set(e.board, (b = []));
      b.push({ student: r.student, values: e.values });
    }
  }
  const views: LeaderboardView[] = [];
  for (const [board, entries] of boards) {
    const columns = [...new Set(entries.flatMap((e) => Object.keys(e.values)))];
    const { key, desc } = boardOrder(columns);
    const sorted = [...entries].sort((a, b) => {
      const x = a.values[key] ?? NaN;
      const y = b.values[key] ?? NaN;
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
      return (desc ? y - x : x - y) || a.student.localeCompare(b.student);
    });
    // Scatter of the ordering value against the other (e.g. accuracy against parameters), when there are two.
    const other = columns.find((c) => c !== key);
    let chart = '';
    if (other && columns.length >= 2) {
      const points = sorted
        .filter((e) => Number.isFinite(e.values[other]) && Number.isFinite(e.values[key]))
        .map((e, i) => ({ x: e.values[other]!, y: e.values[key]!, label: i < 10 ? e.student : '' }));
      const percent = /acc|rate|f1|precision|recall/i.test(key) && points.every((p) => p.y >= 0 && p.y <= 1);
      if (points.length > 0) chart = await leaderboardChart(points, other, key, percent);
    }
    views.push({
      board,
      columns,
      sortedBy: `${key} (${desc ? 'highest' : 'lowest'} first)`,
      rows: sorted.map((e, i) => ({
        rank: i + 1,
        student: e.student,
        anchor: anchorOf(results[0]!.assignment, e.student),
        values: columns.map((c) => (e.values[c] === undefined ? '—' : formatValue(c, e.values[c]!))),
      })),
      chart,
      hasChart: chart !== '',
    });
  }
  return views;
}

/** One assignment's class: the summary pages, then every student's page. */
export async function buildClassView(results: SubmissionResult[], opts: Pick<ViewOptions, 'audience'>): Promise<ClassView> {
  if (results.length === 0) throw new Error('buildClassView: no results');
  const assignment = results[0]!.assignment;
  const other = results.find((r) => r.assignment !== assignment);
  if (other) throw new Error(`buildClassView: results of ${assignment} and ${other.assignment} (student ${other.student}) mixed; group by assignment first`);
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
    return { id, title, mean: fmt1(m), maxScore: pts(max), percent: max > 0 ? pctText(pct(m, max)) : '—', ratio: pct(m, max), auto: max > 0, manualMaxScore: pts(Math.max(...es.map((e) => e.manualMaxScore))) };
  });
  const autoExercises = exercises.filter((e) => e.auto);

  const rates = passRates(sortedResults);
  const tests: TestRateView[] = rates.map((r) => ({
    id: r.test.id,
    name: r.test.name,
    exercise: r.test.exercise,
    visibility: VISIBILITY_LABEL[r.test.visibility] ?? r.test.visibility,
    maxScore: pts(r.test.maxScore),
    passed: r.passed,
    total: r.total,
    rate: pctText(pct(r.passed, r.total)),
    meanScore: fmt1(r.meanScore),
    low: pct(r.passed, r.total) < 0.5,
  }));

  const failures = commonFailures(sortedResults);
  const incidents: IncidentView[] = [];
  for (const r of sortedResults) {
    const anchor = anchorOf(r.assignment, r.student);
    if (r.status !== 'ok') {
      incidents.push({ student: r.student, anchor, where: 'whole run', status: RUN_STATUS_LABEL[r.status] ?? r.status, message: exampleLines(r.statusMessage ?? '', 3) });
    }
    for (const t of r.tests) {
      if (t.status === 'timeout' || t.status === 'crash' || t.status === 'oom' || t.status === 'error') {
        // A submission that never loaded marks every test the same way; the run line above says it once.
        if (r.status !== 'ok' && r.tests.every((x) => x.status === t.status)) continue;
        incidents.push({ student: r.student, anchor, where: t.id, status: STATUS_LABEL[t.status], message: exampleLines(t.output, 2) });
      }
    }
  }
  const runStatusCounts = [...new Set(sortedResults.map((r) => r.status))].map((s) => ({
    label: RUN_STATUS_LABEL[s] ?? s,
    count: sortedResults.filter((r) => r.status === s).length,
  }));
  const engines = [...new Set(sortedResults.map((r) => r.engine))].map((engine) => {
    const count = sortedResults.filter((r) => r.engine === engine).length;
    return { engine, count, who: count === sortedResults.length ? 'every student' : `${count} student${count === 1 ? '' : 's'}` };
  });
  const durations = sortedResults.map((r) => r.durationMs);
  const slowest = sortedResults.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  const starts = sortedResults.map((r) => r.startedAt).filter((s) => !Number.isNaN(new Date(s).getTime())).sort();

  const warningCounts = new Map<string, number>();
  for (const r of sortedResults) for (const w of new Set(r.warnings ?? [])) warningCounts.set(w, (warningCounts.get(w) ?? 0) + 1);
  const warnings = opts.audience === 'instructor' ? [...warningCounts].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count) : [];

  const students = await Promise.all(sortedResults.map((r) => buildStudentView(r, opts)));
  const [histogram, exerciseChart, passRateSvg, boards] = await Promise.all([
    histogramChart(scoreHistogram(sortedResults)),
    exerciseMeanChart(autoExercises.map((e) => ({ exercise: e.id, percent: e.ratio }))),
    passRateChart(rates.map((r) => ({ test: r.test.id, rate: pct(r.passed, r.total) }))),
    leaderboards(sortedResults),
  ]);
  return {
    assignment,
    assignmentTitle: titleOf(sortedResults.find((r) => r.assignmentTitle || r.course) ?? {}),
    warnings,
    hasWarnings: warnings.length > 0,
    anchor: `a-${assignment}`.replace(/[^A-Za-z0-9_-]/g, '_'),
    studentCount: sortedResults.length,
    maxScore: maxScores.length === 1 ? pts(maxScore) : maxScores.map(pts).join(' / '),
    stats: {
      mean: fmt1(mean(scores)),
      median: fmt1(median(scores)),
      min: pts(Math.min(...scores)),
      max: pts(Math.max(...scores)),
      meanPercent: pctText(pct(mean(scores), maxScore)),
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
      share: pctText(pct(f.students.length, sortedResults.length)),
      students:
        f.students.length > MAX_NAMED_STUDENTS
          ? `${f.students.slice(0, MAX_NAMED_STUDENTS).join(', ')} and ${f.students.length - MAX_NAMED_STUDENTS} more`
          : f.students.join(', '),
      example: exampleLines(f.example),
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
      slowest: slowest.student,
    },
    gradedBetween: starts.length ? (starts[0] === starts.at(-1) ? formatDate(starts[0]!) : `${formatDate(starts[0]!)} – ${formatDate(starts.at(-1)!)}`) : '',
    leaderboards: boards,
    hasLeaderboards: boards.length > 0,
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
    generatedAt: formatDate((opts.generatedAt ?? new Date()).toISOString()),
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
  const names = [...new Set(sorted.map((r) => r.student))];
  return {
    kind: 'student',
    title: opts.title ?? `${names.join(', ')} · ${[...new Set(sorted.map((r) => r.assignment))].join(', ')}`,
    generatedAt: formatDate((opts.generatedAt ?? new Date()).toISOString()),
    audience: opts.audience,
    classes: [],
    multipleClasses: false,
    students,
  };
}
