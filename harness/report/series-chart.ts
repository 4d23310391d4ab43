// Lines over any x (a loss every 10 steps, a gradient norm, several students' curves overlaid) as an SVG
// line chart: one colour per line with a legend when there are several, an optional log y axis, and
// optionally one emphasised line drawn thick and black (the class median) outside the legend.
import type { TopLevelSpec } from 'vega-lite';
import { draw, PADDING, runtimeFor, type Row } from './charts.ts';

export interface SeriesLine {
  name: string;
  x: number[];
  y: number[];
  /** Drawn thick and black, without a legend entry (say what it is in the caption). */
  emphasis?: boolean;
}

export interface SeriesData {
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  lines: SeriesLine[];
}

/** Points per line up to which each point gets a dot (a 10-epoch curve reads better with them). */
const DOTS_UP_TO = 25;

function spec(d: { xLabel: string; yLabel: string; logY: boolean; legendColumns: number; dots: boolean; many: boolean }): TopLevelSpec {
  const x = { field: 'x', type: 'quantitative', title: d.xLabel, scale: { nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: d.yLabel, scale: d.logY ? { type: 'log' } : { zero: false } };
  return {
    padding: PADDING,
    width: 440,
    height: 190,
    data: { name: 'table' },
    layer: [
      {
        transform: [{ filter: '!datum.emphasis' }],
        mark: { type: 'line', strokeWidth: d.many ? 1.1 : 1.7, ...(d.dots ? { point: { size: 14, filled: true } } : {}) },
        encoding: {
          x,
          y,
          color: {
            field: 'name',
            type: 'nominal',
            sort: null,
            title: null,
            scale: { scheme: d.many ? 'tableau20' : 'tableau10' },
            legend: d.legendColumns > 0 ? { columns: d.legendColumns, labelLimit: 150, symbolStrokeWidth: 2 } : null,
          },
        },
      },
      {
        transform: [{ filter: 'datum.emphasis' }],
        mark: { type: 'line', strokeWidth: 3, color: '#111' },
        encoding: { x, y, detail: { field: 'name', type: 'nominal' } },
      },
    ],
  } as TopLevelSpec;
}

/**
 * The chart, and how many points it left out (non-finite ones; on a log axis also those at or below zero),
 * for the caption.
 */
export async function seriesChart(d: SeriesData): Promise<{ svg: string; dropped: number }> {
  const rows: Row[] = [];
  let dropped = 0;
  for (const line of d.lines) {
    const n = Math.min(line.x.length, line.y.length);
    dropped += Math.max(line.x.length, line.y.length) - n;
    for (let i = 0; i < n; i++) {
      const x = line.x[i]!;
      const y = line.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y) || (d.logY && y <= 0)) {
        dropped++;
        continue;
      }
      rows.push({ name: line.name, x, y, emphasis: !!line.emphasis });
    }
  }
  const plain = d.lines.filter((l) => !l.emphasis);
  const legendColumns = plain.length > 1 ? Math.min(plain.length, plain.length > 8 ? 4 : 3) : 0;
  const dots = Math.max(0, ...d.lines.map((l) => l.x.length)) <= DOTS_UP_TO && plain.length <= 4;
  const key = { xLabel: d.xLabel, yLabel: d.yLabel, logY: !!d.logY, legendColumns, dots, many: plain.length > 10 };
  const svg = await draw(runtimeFor(`series ${JSON.stringify(key)}`, () => spec(key)), { table: rows });
  return { svg, dropped };
}
