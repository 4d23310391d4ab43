// One student's evidence artifacts (series, bars, scatter, image grids, confusion matrices) as the figures
// their page prints: an SVG and a caption saying how to read it. Presentation only: values are drawn as the
// checks stored them. Names and labels that reach a chart are shown visibly escaped (safe-text.ts); the
// chart renderers escape the markup.
import { visibleText } from '../results/safe-text.ts';
import type { Bars, ConfusionMatrix, ImageGrid, Scatter, Series } from '../types/submission-result.ts';
import { barChart } from './bar-chart.ts';
import { confusionChart } from './charts.ts';
import { imageGridSvg, MAX_SIDE } from './image-grid.ts';
import { BASELINE_GROUP, scatterChart } from './scatter-chart.ts';
import { seriesChart } from './series-chart.ts';
import type { ChartView } from './view-model.ts';

/** A name or label inside a chart: one line, nothing invisible. */
export const chartText = (s: string): string => visibleText(s, { oneLine: true });

/** "1 point", "3 points". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export async function seriesView(s: Series): Promise<ChartView> {
  const { svg, dropped } = await seriesChart({
    xLabel: chartText(s.xLabel),
    yLabel: chartText(s.yLabel),
    logY: !!s.logY,
    lines: s.lines.map((l) => ({ name: chartText(l.name), x: l.x, y: l.y })),
  });
  const points = Math.max(0, ...s.lines.map((l) => l.x.length));
  const caption = [plural(s.lines.length, 'line'), `${points} points`, ...(s.logY ? ['log scale'] : []), ...(dropped ? [`${plural(dropped, 'point')} not drawn (not finite${s.logY ? ' or not positive' : ''})`] : [])];
  return { title: s.title, svg, caption: caption.join(' · ') };
}

export async function barsView(b: Bars): Promise<ChartView> {
  const svg = await barChart({ yLabel: chartText(b.yLabel), categories: b.categories.map(chartText), groups: b.groups.map((g) => ({ name: chartText(g.name), values: g.values })), ...(b.sort ? { sort: b.sort } : {}) });
  const caption = [plural(b.categories.length, 'category', 'categories'), ...(b.groups.length > 1 ? [plural(b.groups.length, 'group')] : [])];
  if (b.sort && b.groups[0]) caption.push(`sorted by ${chartText(b.groups[0].name)}, ${b.sort === 'ascending' ? 'lowest' : 'highest'} first`);
  return { title: b.title, svg, caption: caption.join(' · ') };
}

/** The sentence under a scatter: the front's points and the baseline. */
export function frontCaption(labels: string[], xLabel: string, yLabel: string): string {
  if (labels.length === 0) return '';
  const named = labels.filter(Boolean);
  const list = named.length > 6 ? `${named.slice(0, 6).join(', ')} and ${named.length - 6} more` : named.join(', ');
  return `Pareto front (fewer ${xLabel}, higher ${yLabel}; ringed, step line): ${list || plural(labels.length, 'point')}`;
}

export async function scatterView(sc: Scatter): Promise<ChartView> {
  const points = sc.points.map((p) => ({ label: chartText(p.label), x: p.x, y: p.y, ...(p.group !== undefined ? { group: chartText(p.group) } : {}) }));
  const { svg, front } = await scatterChart({ xLabel: chartText(sc.xLabel), yLabel: chartText(sc.yLabel), logX: !!sc.logX, frontier: !!sc.frontier, points });
  const caption = [plural(points.length, 'point')];
  const baseline = points.filter((p) => p.group === BASELINE_GROUP).map((p) => p.label);
  if (baseline.length) caption.push(`baseline (diamond): ${baseline.join(', ')}`);
  if (sc.frontier) caption.push(frontCaption(front.map((i) => points[i]!.label), chartText(sc.xLabel), chartText(sc.yLabel)));
  return { title: sc.title, svg, caption: caption.join(' · ') };
}

export function imagesView(g: ImageGrid): ChartView {
  const r = imageGridSvg(g);
  const caption = [`${r.drawn === r.total ? plural(r.total, 'image') : `${r.drawn} of ${r.total} images`}`];
  const single = g.cells.some((c) => c.channels === 1);
  if (single) caption.push(r.diverging ? 'one channel: blue negative, white zero, red positive' : 'one channel: grey, low dark');
  if (g.cells.some((c) => c.channels === 3)) caption.push('three channels: RGB');
  caption.push(g.cells.some((c) => c.range) ? 'each image on its given range' : 'each image on its own range');
  if (r.invalid) caption.push(`${plural(r.invalid, 'image')} left blank (values must number height × width × channels, 1 or 3 channels, sides up to ${MAX_SIDE})`);
  return { title: g.title, svg: r.svg, caption: caption.join(' · ') };
}

export async function confusionView(c: ConfusionMatrix): Promise<ChartView> {
  const svg = await confusionChart(c.classNames.map(chartText), c.matrix, !!c.normalize);
  const caption = c.normalize ? 'rows: true class · cells and shade: share of the row (rows normalised; the counts stay in the results)' : 'rows: true class · shade: share of the row';
  return { title: c.title, svg, caption };
}
