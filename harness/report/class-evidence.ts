// The class's evidence, aggregated for the instructor: what one figure per assignment can say about every
// student. Artifacts are matched across students by title (and axes / class names), and a figure is drawn
// only when at least two students have the artifact (one student's figure is on their page):
//
// - scatter: every student's points in one chart, each labelled with the student's name (all names up to
//   40 points, beyond that the Pareto front's and the baseline's), the Pareto front across the class, and one
//   baseline point per baseline label (the median of the students' runs of it);
// - bars: the class mean per category and group, with a rule from the lowest to the highest student;
// - confusion: the mean of the students' row-normalised matrices (each student weighs the same), when they
//   share the class names;
// - curves: per curve title, the loss (validation when most students have it, else training) and the
//   accuracy (likewise) of the first 20 students by name overlaid, with the median of all students per epoch;
// - series: per title and line name, the same overlay with the median at each x most students share;
// - image grids: not aggregated (weights and feature maps of different students do not average).
import { displayName } from '../results/safe-text.ts';
import type { Bars, ConfusionMatrix, Curve, Scatter, Series, SubmissionResult } from '../types/submission-result.ts';
import { barChart } from './bar-chart.ts';
import { confusionChart } from './charts.ts';
import { chartText, frontCaption, plural } from './evidence-view.ts';
import { BASELINE_GROUP, frontOf, scatterChart, type ScatterPoint } from './scatter-chart.ts';
import { seriesChart, type SeriesLine } from './series-chart.ts';
import { mean, median } from './stats.ts';
import type { ChartView } from './view-model.ts';

/** Students drawn in an overlay of curves (the median covers all). */
export const MAX_OVERLAID = 20;
/** Points labelled with every name up to this many; beyond, only the front and the baseline. */
export const MAX_LABELLED = 40;

type Owned<T> = { student: string; value: T };

/** Each student's artifacts of one kind grouped by `key`, in the students' order; groups of one student dropped. */
function shared<T>(results: SubmissionResult[], pick: (r: SubmissionResult) => T[] | undefined, key: (v: T) => string): Owned<T>[][] {
  const groups = new Map<string, Owned<T>[]>();
  for (const r of results) {
    const seen = new Set<string>();
    for (const v of pick(r) ?? []) {
      const k = key(v);
      if (seen.has(k)) continue; // a student's first artifact of a title stands for them
      seen.add(k);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push({ student: r.student, value: v });
    }
  }
  return [...groups.values()].filter((g) => new Set(g.map((o) => o.student)).size >= 2);
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? new Intl.NumberFormat('en-US').format(Math.round(v)) : String(Number(v.toPrecision(3))));

async function classScatter(group: Owned<Scatter>[]): Promise<ChartView> {
  const first = group[0]!.value;
  const points: ScatterPoint[] = [];
  const baselines = new Map<string, { xs: number[]; ys: number[] }>();
  for (const { student, value } of group) {
    const own = value.points.filter((p) => p.group !== BASELINE_GROUP);
    for (const p of own) {
      const name = displayName(student);
      points.push({ label: own.length === 1 ? name : `${name}: ${chartText(p.label)}`, x: p.x, y: p.y, ...(p.group !== undefined ? { group: chartText(p.group) } : {}) });
    }
    for (const p of value.points.filter((q) => q.group === BASELINE_GROUP && Number.isFinite(q.x) && Number.isFinite(q.y))) {
      let b = baselines.get(p.label);
      if (!b) baselines.set(p.label, (b = { xs: [], ys: [] }));
      b.xs.push(p.x);
      b.ys.push(p.y);
    }
  }
  const baselineNotes: string[] = [];
  for (const [label, b] of baselines) {
    points.push({ label: chartText(label), x: median(b.xs), y: median(b.ys), group: BASELINE_GROUP });
    const varied = new Set(b.ys).size > 1 || new Set(b.xs).size > 1;
    baselineNotes.push(`baseline (diamond): ${chartText(label)}${varied ? `, median of ${plural(b.ys.length, 'run')} (${chartText(first.yLabel)} ${fmt(Math.min(...b.ys))}–${fmt(Math.max(...b.ys))})` : ''}`);
  }
  const frontier = group.some((o) => o.value.frontier);
  const logX = group.some((o) => o.value.logX);
  const front = frontOf(points, logX);
  const labelAll = points.length <= MAX_LABELLED;
  const keep = new Set(front);
  const drawn = points.map((p, i) => (labelAll || keep.has(i) || p.group === BASELINE_GROUP ? p : { ...p, label: '' }));
  const { svg } = await scatterChart({ xLabel: chartText(first.xLabel), yLabel: chartText(first.yLabel), logX, frontier, points: drawn });
  const caption = [`${plural(group.length, 'student')}, ${plural(points.length - baselines.size, 'point')}`, ...baselineNotes];
  if (frontier) caption.push(frontCaption(front.map((i) => points[i]!.label), chartText(first.xLabel), chartText(first.yLabel)));
  if (!labelAll) caption.push(`names shown for the front and the baseline only (${points.length} points)`);
  return { title: `${first.title} · the class`, svg, caption: caption.join(' · ') };
}

async function classBars(group: Owned<Bars>[]): Promise<ChartView> {
  const first = group[0]!.value;
  const names = [...new Set(group.flatMap((o) => o.value.groups.map((g) => g.name)))];
  const groups = names.map((name) => {
    const per = first.categories.map((_, c) => group.map((o) => o.value.groups.find((g) => g.name === name)?.values[c]).filter((v): v is number => v !== undefined && Number.isFinite(v)));
    return {
      name: chartText(name),
      values: per.map((vs) => (vs.length ? mean(vs) : Number.NaN)),
      ranges: per.map((vs): [number, number] | undefined => (vs.length > 1 ? [Math.min(...vs), Math.max(...vs)] : undefined)),
    };
  });
  const svg = await barChart({ yLabel: chartText(first.yLabel), categories: first.categories.map(chartText), groups, ...(first.sort ? { sort: first.sort } : {}) });
  const caption = [`mean of ${plural(group.length, 'student')} per category`, 'rule: lowest to highest student'];
  if (first.sort && groups[0]) caption.push(`sorted by the mean of ${groups[0].name}, ${first.sort === 'ascending' ? 'lowest' : 'highest'} first`);
  return { title: `${first.title} · class mean`, svg, caption: caption.join(' · ') };
}

async function classConfusion(group: Owned<ConfusionMatrix>[]): Promise<ChartView | undefined> {
  const first = group[0]!.value;
  const k = first.classNames.length;
  const square = group.filter((o) => o.value.matrix.length === k && o.value.matrix.every((row) => row.length === k));
  if (new Set(square.map((o) => o.student)).size < 2) return undefined;
  // Mean of row-normalised matrices: a student's row counts once whatever their number of test images.
  const sums = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const counts = new Array<number>(k).fill(0);
  for (const { value } of square) {
    value.matrix.forEach((row, t) => {
      const total = row.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
      if (total <= 0) return;
      counts[t]!++;
      row.forEach((v, p) => (sums[t]![p]! += Number.isFinite(v) ? v / total : 0));
    });
  }
  const meanMatrix = sums.map((row, t) => row.map((v) => (counts[t] ? v / counts[t]! : 0)));
  const svg = await confusionChart(first.classNames.map(chartText), meanMatrix, true);
  return { title: `${first.title} · class mean`, svg, caption: `mean over ${plural(square.length, 'student')} of each student's row-normalised matrix · rows: true class · cells: share of the row` };
}

/** Students' lines (the first MAX_OVERLAID) and the median of all at each x that most of them have. */
function overlay(lines: { student: string; x: number[]; y: number[] }[]): { lines: SeriesLine[]; shown: number } {
  const at = new Map<number, number[]>();
  for (const l of lines) {
    l.x.forEach((x, i) => {
      const y = l.y[i];
      if (!Number.isFinite(x) || y === undefined || !Number.isFinite(y)) return;
      let ys = at.get(x);
      if (!ys) at.set(x, (ys = []));
      ys.push(y);
    });
  }
  const xs = [...at.keys()].filter((x) => at.get(x)!.length * 2 >= lines.length).sort((a, b) => a - b);
  const shown = lines.slice(0, MAX_OVERLAID).map((l) => ({ name: displayName(l.student), x: l.x, y: l.y }));
  return { lines: [...shown, { name: 'median', x: xs, y: xs.map((x) => median(at.get(x)!)), emphasis: true }], shown: shown.length };
}

function overlayCaption(shown: number, total: number, where: string): string {
  return `${shown < total ? `first ${shown} of ${total} students by name` : `${plural(total, 'student')}`} · black: median of all ${total} ${where}`;
}

const CURVE_METRICS = [
  { label: 'loss', prefer: ['valLoss', 'trainLoss'] },
  { label: 'accuracy', prefer: ['valAcc', 'trainAcc'] },
] as const;
const METRIC_NAME: Record<string, string> = { valLoss: 'validation loss', trainLoss: 'training loss', valAcc: 'validation accuracy', trainAcc: 'training accuracy' };

async function classCurves(group: Owned<Curve>[]): Promise<ChartView[]> {
  const out: ChartView[] = [];
  for (const m of CURVE_METRICS) {
    const has = (k: (typeof m.prefer)[number]) => group.filter((o) => (o.value[k]?.length ?? 0) > 0);
    // Validation when most students have it (it is what generalises), else training.
    const key = m.prefer.find((k) => has(k).length * 2 >= group.length && has(k).length >= 2);
    if (!key) continue;
    const owners = has(key);
    const values = owners.map((o) => o.value[key]!);
    const percent = m.label === 'accuracy' && values.every((v) => v.every((x) => !Number.isFinite(x) || (x >= 0 && x <= 1)));
    const { lines, shown } = overlay(owners.map((o, i) => ({ student: o.student, x: values[i]!.map((_, e) => e + 1), y: values[i]!.map((v) => (percent ? v * 100 : v)) })));
    const { svg } = await seriesChart({ xLabel: 'epoch', yLabel: `${METRIC_NAME[key]}${percent ? ' (%)' : ''}`, lines });
    out.push({ title: `${group[0]!.value.title}: ${METRIC_NAME[key]} · the class`, svg, caption: overlayCaption(shown, owners.length, 'per epoch') });
  }
  return out;
}

async function classSeries(group: Owned<Series>[]): Promise<ChartView[]> {
  const first = group[0]!.value;
  const names = [...new Set(group.flatMap((o) => o.value.lines.map((l) => l.name)))];
  const out: ChartView[] = [];
  for (const name of names) {
    const owners = group.flatMap((o) => o.value.lines.filter((l) => l.name === name).slice(0, 1).map((l) => ({ student: o.student, x: l.x, y: l.y })));
    if (owners.length < 2) continue;
    const { lines, shown } = overlay(owners);
    const { svg } = await seriesChart({ xLabel: chartText(first.xLabel), yLabel: chartText(first.yLabel), logY: group.some((o) => o.value.logY), lines });
    out.push({ title: `${first.title}${names.length > 1 ? `: ${chartText(name)}` : ''} · the class`, svg, caption: overlayCaption(shown, owners.length, `at each ${chartText(first.xLabel)} most of them have`) });
  }
  return out;
}

/** The class figures of one assignment's results (sorted by student), in the order listed at the top. */
export async function classFigures(results: SubmissionResult[]): Promise<ChartView[]> {
  const a = (r: SubmissionResult) => r.artifacts ?? {};
  const scatter = shared(results, (r) => a(r).scatter, (s) => JSON.stringify([s.title, s.xLabel, s.yLabel]));
  const bars = shared(results, (r) => a(r).bars, (b) => JSON.stringify([b.title, b.yLabel, b.categories]));
  const confusion = shared(results, (r) => a(r).confusion, (c) => JSON.stringify([c.title, c.classNames]));
  const curves = shared(results, (r) => a(r).curves, (c) => c.title);
  const series = shared(results, (r) => a(r).series, (s) => JSON.stringify([s.title, s.xLabel, s.yLabel]));
  const figures = await Promise.all([
    ...scatter.map(classScatter),
    ...bars.map(classBars),
    ...confusion.map(classConfusion),
    ...curves.map(classCurves),
    ...series.map(classSeries),
  ]);
  return figures.flat().filter((f): f is ChartView => f !== undefined);
}
