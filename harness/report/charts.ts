// Charts as SVG strings, drawn by Vega-Lite/Vega in Node with the headless renderer (`renderer: 'none'`
// then View.toSVG(): no browser, no canvas). Each chart kind is a Vega-Lite spec over a named data set;
// it is compiled and parsed once per process and then fed data per chart, which keeps a 100-student
// class (several hundred charts) fast. Sized and lettered for print (A4, 11 px labels).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Sans-serif fonts that print well; DejaVu Sans is what CI installs (fonts-dejavu-core). */
export const CHART_FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

const CONFIG = {
  // No ARIA attributes on every mark: they double the SVG text (and the print time) of a class report,
  // and the HTML report's figures carry their titles and captions as text.
  aria: false,
  font: CHART_FONT,
  background: 'white',
  view: { stroke: '#999' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#e3e3e3', labelColor: '#222', titleColor: '#222' },
  legend: { labelFontSize: 10, titleFontSize: 10, orient: 'bottom', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300 },
  title: { fontSize: 12, fontWeight: 'bold', anchor: 'start' },
} as const;

// Colour choices stay distinguishable in greyscale print: train solid dark, validation dashed orange.
const SERIES_COLORS = ['#1f4e79', '#d9731a'];

export type Row = Record<string, string | number | boolean | null>;

/** Padding of the specs with a y title: room for it on the left, where Vega's text metrics in Node (no canvas) fall short. */
export const PADDING = { left: 12, top: 5, right: 5, bottom: 5 };

type Kind = 'histogram' | 'passRates' | 'exerciseMeans' | 'curve' | 'curveTrain' | 'confusion' | 'confusionShares';

// Loss and accuracy side by side as facets of one chart (one Vega view per curve, half the cost of two),
// only for the metrics the curve has. Accuracy arrives in percent (see curveChart). `series`: the legend's
// entries (a curve with training values only has no "validation" entry).
function curveSpec(series: readonly ('train' | 'validation')[] = ['train', 'validation']): TopLevelSpec {
  return {
    data: { name: 'table' },
    facet: { column: { field: 'metric', type: 'nominal', sort: ['loss', 'accuracy (%)'], title: null, header: { labelFontSize: 11, labelFontWeight: 'bold' } } },
    resolve: { scale: { y: 'independent' }, axis: { y: 'independent' } },
    spacing: 28,
    spec: {
      width: 250,
      height: 130,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'value'" }],
          mark: { type: 'line', point: { size: 16, filled: true }, strokeWidth: 1.8 },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false, zero: false } },
            y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
            color: { field: 'series', type: 'nominal', title: null, scale: { domain: [...series], range: SERIES_COLORS.slice(0, series.length) } },
            strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: [...series], range: [[1, 0], [5, 3]].slice(0, series.length) } },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'mark'" }],
          mark: { type: 'rule', strokeDash: [2, 2], color: '#555' },
          encoding: { x: { field: 'epoch', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.kind === 'mark'" }],
          mark: { type: 'text', align: 'center', dy: -2, baseline: 'bottom', fontSize: 9, color: '#333' },
          encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    },
  } as TopLevelSpec;
}

const SPECS: Record<Kind, () => TopLevelSpec> = {
  histogram: () =>
    ({
      width: 520,
      height: 170,
      data: { name: 'table' },
      layer: [
        {
          mark: { type: 'bar', color: '#1f4e79' },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: null, title: 'score (% of auto-graded points)', axis: { labelAngle: 0 } },
            y: { field: 'count', type: 'quantitative', title: 'students', axis: { tickMinStep: 1, format: 'd' } },
          },
        },
        {
          mark: { type: 'text', dy: -6, fontSize: 10, color: '#222' },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: null },
            y: { field: 'count', type: 'quantitative' },
            text: { field: 'label', type: 'nominal' },
          },
        },
      ],
    }) as TopLevelSpec,
  passRates: () =>
    ({
      width: 420,
      height: { step: 15 },
      data: { name: 'table' },
      layer: [
        {
          mark: { type: 'bar', color: '#1f4e79' },
          encoding: {
            y: { field: 'test', type: 'nominal', sort: null, title: null, axis: { labelLimit: 200 } },
            x: { field: 'rate', type: 'quantitative', title: 'students who passed', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 9, color: '#222' },
          encoding: {
            y: { field: 'test', type: 'nominal', sort: null },
            x: { field: 'rate', type: 'quantitative' },
            text: { field: 'label', type: 'nominal' },
          },
        },
      ],
    }) as TopLevelSpec,
  exerciseMeans: () =>
    ({
      width: { step: 42 },
      height: 150,
      data: { name: 'table' },
      layer: [
        {
          mark: { type: 'bar', color: '#2e7d4f' },
          encoding: {
            x: { field: 'exercise', type: 'nominal', sort: null, title: 'exercise', axis: { labelAngle: 0 } },
            y: { field: 'percent', type: 'quantitative', title: 'mean score', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          },
        },
        {
          mark: { type: 'text', dy: -6, fontSize: 10, color: '#222' },
          encoding: {
            x: { field: 'exercise', type: 'nominal', sort: null },
            y: { field: 'percent', type: 'quantitative' },
            text: { field: 'label', type: 'nominal' },
          },
        },
      ],
    }) as TopLevelSpec,
  curve: () => curveSpec(),
  curveTrain: () => curveSpec(['train']),
  confusion: () => confusionSpec(22),
  confusionShares: () => confusionSpec(28),
};

/** Heat map of shares of each row (`share`), with a label per cell (`label`: the count, or the share). */
function confusionSpec(cellWidth: number): TopLevelSpec {
  return {
    width: { step: cellWidth },
    height: { step: 18 },
    data: { name: 'table' },
    encoding: {
      x: { field: 'pred', type: 'ordinal', sort: null, title: 'predicted', axis: { labelAngle: -40, orient: 'top', labelLimit: 90 } },
      y: { field: 'true', type: 'ordinal', sort: null, title: 'true class', axis: { labelLimit: 90 } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 0.5 },
        encoding: { color: { field: 'share', type: 'quantitative', title: null, scale: { scheme: 'blues', domain: [0, 1] }, legend: null } },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#111' },
        },
      },
    ],
  } as TopLevelSpec;
}

// Compiled specs by key: the fixed kinds above by name, the others (series, bars, scatter) by what their
// spec depends on (axis titles, log scales), so a class whose students share titles compiles each once.
const runtimes = new Map<string, vega.Runtime>();
const MAX_RUNTIMES = 500;

function parse(spec: TopLevelSpec): vega.Runtime {
  return vega.parse(compile({ ...spec, config: CONFIG } as TopLevelSpec).spec);
}

/** The compiled spec under `key`, compiled from `spec()` the first time (at most MAX_RUNTIMES kept). */
export function runtimeFor(key: string, spec: () => TopLevelSpec): vega.Runtime {
  let rt = runtimes.get(key);
  if (!rt) {
    if (runtimes.size >= MAX_RUNTIMES) runtimes.delete(runtimes.keys().next().value!);
    runtimes.set(key, (rt = parse(spec())));
  }
  return rt;
}

/**
 * Vega's SVG without what draws nothing: the empty background and hidden foreground paths of every group and
 * axis, and tick labels it hid for overlap (opacity 0). About an eighth of the elements of a chart, which
 * the browser would otherwise lay out and print.
 */
export function withoutInvisible(svg: string): string {
  return svg
    .replace(/<path class="background" aria-hidden="true" d="M0,0h0v0h0Z"( pointer-events="none")?\/>/g, '')
    .replace(/<path class="foreground" aria-hidden="true" d=""( pointer-events="none")? display="none"\/>/g, '')
    .replace(/<text [^>]*opacity="0"[^>]*>[^<]*<\/text>/g, '');
}

/**
 * One live view per compiled spec, reused for every chart of that spec: building a view (its dataflow and
 * expressions) costs more than drawing it, and a view fed new data draws exactly what a new one would.
 * Draws on one view run one after the other (each replaces the data, then renders).
 */
const views = new WeakMap<vega.Runtime, { view: vega.View; queue: Promise<unknown> }>();

/**
 * Draws a compiled chart (or a fixed kind) with the given named data sets, as an SVG string. Pass every data
 * set the spec reads: the view is reused, and one left out would keep the previous chart's rows.
 */
export function draw(kind: Kind | vega.Runtime, data: Record<string, Row[]>): Promise<string> {
  const rt = typeof kind === 'string' ? runtimeFor(kind, SPECS[kind]) : kind;
  let live = views.get(rt);
  if (!live) views.set(rt, (live = { view: new vega.View(rt, { renderer: 'none' }), queue: Promise.resolve() }));
  const { view } = live;
  const drawn = live.queue.then(async () => {
    for (const [name, rows] of Object.entries(data)) view.data(name, rows);
    const svg = await view.toSVG();
    // Let the SVG scale down to its box in print instead of overflowing it.
    return withoutInvisible(svg).replace(/^<svg /, '<svg preserveAspectRatio="xMinYMin meet" style="max-width:100%;height:auto" ');
  });
  live.queue = drawn.catch(() => undefined);
  return drawn;
}

export interface HistogramBin {
  bin: string;
  count: number;
}

export function histogramChart(bins: HistogramBin[]): Promise<string> {
  return draw('histogram', { table: bins.map((b) => ({ ...b, label: b.count > 0 ? String(b.count) : '' })) });
}

export function passRateChart(rows: { test: string; rate: number }[]): Promise<string> {
  return draw('passRates', { table: rows.map((r) => ({ ...r, label: `${Math.round(r.rate * 100)}%` })) });
}

export function exerciseMeanChart(rows: { exercise: string; percent: number }[]): Promise<string> {
  return draw('exerciseMeans', { table: rows.map((r) => ({ ...r, label: `${Math.round(r.percent * 100)}%` })) });
}

export interface CurveData {
  trainLoss?: number[];
  valLoss?: number[];
  trainAcc?: number[];
  valAcc?: number[];
}

/**
 * Training curves over epochs (1-based on the axis): a loss panel and an accuracy panel, each drawn only
 * when the curve has that metric. Accuracy is shown in percent; values all within [0, 1] are taken as
 * fractions. `marks` draws labelled vertical rules (best epoch, stop) on every panel.
 */
export function curveChart(curve: CurveData, marks: { epoch: number; label: string }[]): Promise<string> {
  const rows: Row[] = [];
  const acc = [...(curve.trainAcc ?? []), ...(curve.valAcc ?? [])];
  const accScale = acc.length > 0 && acc.every((v) => v >= 0 && v <= 1) ? 100 : 1;
  const metrics: [string, number[] | undefined, number[] | undefined, number][] = [
    ['loss', curve.trainLoss, curve.valLoss, 1],
    ['accuracy (%)', curve.trainAcc, curve.valAcc, accScale],
  ];
  for (const [metric, train, validation, scale] of metrics) {
    let any = false;
    for (const [series, values] of [['train', train], ['validation', validation]] as const) {
      values?.forEach((v, i) => {
        if (!Number.isFinite(v)) return;
        any = true;
        rows.push({ kind: 'value', metric, epoch: i + 1, series, value: v * scale });
      });
    }
    if (any) for (const m of marks) rows.push({ kind: 'mark', metric, epoch: m.epoch, label: m.label });
  }
  return draw(rows.some((r) => r.series === 'validation') ? 'curve' : 'curveTrain', { table: rows });
}

/** A cell's number: a count as an integer, any other value (a share, a mean) with two decimals. */
function cellLabel(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/^(-?)0\./, '$1.');
}

/**
 * Confusion matrix (rows: true class) as a heat map shaded by the share of each row. `showShares`: the cells
 * print the row-normalised values (ConfusionMatrix.normalize; the counts stay in the data), else the stored
 * values (counts, or whatever a check stored: non-integers print with two decimals).
 */
export function confusionChart(classNames: string[], matrix: number[][], showShares = false): Promise<string> {
  const rows: Row[] = [];
  matrix.forEach((r, t) => {
    const total = r.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
    r.forEach((value, p) => {
      const share = total > 0 && Number.isFinite(value) ? value / total : 0;
      rows.push({ true: classNames[t] ?? String(t), pred: classNames[p] ?? String(p), share, label: cellLabel(showShares ? share : value) });
    });
  });
  return draw(showShares ? 'confusionShares' : 'confusion', { table: rows });
}
