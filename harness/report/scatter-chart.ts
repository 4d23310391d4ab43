// Labelled points (accuracy against parameters) as an SVG scatter chart. With `frontier`, the Pareto front
// (pareto.ts: lower x and higher y better) is drawn as a step line through its points, each ringed; a point
// of group "baseline" is a black diamond with a bold label. Other groups get a colour and a legend.
import type { TopLevelSpec } from 'vega-lite';
import { draw, PADDING, runtimeFor, type Row } from './charts.ts';
import { paretoFront } from './pareto.ts';

export const BASELINE_GROUP = 'baseline';

export interface ScatterPoint {
  /** Printed next to the point; '' prints nothing. */
  label: string;
  x: number;
  y: number;
  group?: string;
}

export interface ScatterData {
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  frontier?: boolean;
  points: ScatterPoint[];
}

const FRONT_COLOR = '#d9731a';

function spec(d: { xLabel: string; yLabel: string; logX: boolean; frontier: boolean; groups: boolean }): TopLevelSpec {
  const x = { field: 'x', type: 'quantitative', title: d.xLabel, scale: d.logX ? { type: 'log' } : { zero: false } };
  const y = { field: 'y', type: 'quantitative', title: d.yLabel, scale: { zero: false } };
  const front = [
    {
      transform: [{ filter: 'datum.front' }],
      mark: { type: 'line', interpolate: 'step-after', color: FRONT_COLOR, strokeWidth: 1.5, strokeDash: [4, 2] },
      encoding: { x, y, order: { field: 'x', type: 'quantitative' } },
    },
    { transform: [{ filter: 'datum.front' }], mark: { type: 'point', shape: 'circle', size: 150, filled: false, color: FRONT_COLOR, strokeWidth: 1.5 }, encoding: { x, y } },
  ];
  return {
    padding: PADDING,
    width: 440,
    height: 230,
    data: { name: 'table' },
    layer: [
      ...(d.frontier ? front : []),
      {
        transform: [{ filter: '!datum.baseline' }],
        mark: { type: 'point', shape: 'circle', filled: true, size: 36, opacity: 0.85 },
        encoding: {
          x,
          y,
          color: d.groups ? { field: 'group', type: 'nominal', title: null, scale: { scheme: 'tableau10' } } : { value: '#1f4e79' },
        },
      },
      { transform: [{ filter: 'datum.baseline' }], mark: { type: 'point', shape: 'diamond', filled: true, size: 110, color: '#111' }, encoding: { x, y } },
      ...[false, true].map((baseline) => ({
        transform: [{ filter: baseline ? 'datum.baseline' : '!datum.baseline' }],
        mark: { type: 'text', align: 'left', dx: 7, dy: -1, fontSize: 9, color: '#222', limit: 180, fontWeight: baseline ? 'bold' : 'normal' },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      })),
    ],
  } as TopLevelSpec;
}

/** Points a log axis cannot place, and non-finite ones, are not drawn (nor on the front). */
const drawable = (p: ScatterPoint, logX: boolean): boolean => Number.isFinite(p.x) && Number.isFinite(p.y) && (!logX || p.x > 0);

/** The points on the Pareto front of what the chart draws (indices into `points`, ascending x). */
export function frontOf(points: ScatterPoint[], logX = false): number[] {
  return paretoFront(points.map((p) => (drawable(p, logX) ? p : { x: Number.NaN, y: Number.NaN })));
}

/** The chart, and the points on the Pareto front (indices into `points`, ascending x; [] without `frontier`). */
export async function scatterChart(d: ScatterData): Promise<{ svg: string; front: number[] }> {
  const front = d.frontier ? frontOf(d.points, !!d.logX) : [];
  const onFront = new Set(front);
  const rows: Row[] = [];
  d.points.forEach((p, i) => {
    if (drawable(p, !!d.logX)) rows.push({ x: p.x, y: p.y, label: p.label, group: p.group ?? '', baseline: p.group === BASELINE_GROUP, front: onFront.has(i) });
  });
  const key = {
    xLabel: d.xLabel,
    yLabel: d.yLabel,
    logX: !!d.logX,
    frontier: !!d.frontier,
    groups: new Set(d.points.filter((p) => p.group !== BASELINE_GROUP).map((p) => p.group ?? '')).size > 1,
  };
  const svg = await draw(runtimeFor(`scatter ${JSON.stringify(key)}`, () => spec(key)), { table: rows });
  return { svg, front };
}
