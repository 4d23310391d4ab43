// Grouped bars per category (per-class F1 of several models, per-class accuracy) as an SVG bar chart:
// categories along x in the given order (sorted by the first group when asked), one colour per group with a
// legend when there are several, the value over each bar when there is one group, and an optional range
// per bar drawn as a thin rule (the spread of a class mean).
import type { TopLevelSpec } from 'vega-lite';
import { draw, PADDING, runtimeFor, type Row } from './charts.ts';

export interface BarGroup {
  name: string;
  values: number[];
  /** Per category, a [low, high] range drawn over the bar (e.g. lowest and highest student). */
  ranges?: ([number, number] | undefined)[];
}

export interface BarData {
  yLabel: string;
  categories: string[];
  groups: BarGroup[];
  sort?: 'ascending' | 'descending';
}

/** Categories in drawing order: as given, or by the first group's values (non-finite last). */
export function categoryOrder(d: Pick<BarData, 'categories' | 'groups' | 'sort'>): number[] {
  const idx = d.categories.map((_, i) => i);
  const first = d.groups[0]?.values;
  if (!d.sort || !first) return idx;
  const sign = d.sort === 'ascending' ? 1 : -1;
  const v = (i: number): number => first[i] ?? Number.NaN;
  return idx.sort((a, b) => {
    const fa = Number.isFinite(v(a));
    const fb = Number.isFinite(v(b));
    if (fa !== fb) return fa ? -1 : 1;
    return (fa ? sign * (v(a) - v(b)) : 0) || a - b;
  });
}

function label(v: number): string {
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return Math.abs(v) < 1 ? v.toFixed(2).replace(/^(-?)0\./, '$1.') : v.toFixed(1);
}

function spec(d: { yLabel: string; groups: number; tilt: boolean; ranges: boolean }): TopLevelSpec {
  const x = { field: 'category', type: 'nominal', sort: null, title: null, axis: { labelAngle: d.tilt ? -40 : 0, labelLimit: 110 } };
  const y = { field: 'value', type: 'quantitative', title: d.yLabel };
  const offset = d.groups > 1 ? { xOffset: { field: 'group', type: 'nominal', sort: null } } : {};
  return {
    padding: PADDING,
    width: { step: d.groups > 1 ? Math.max(26, 12 * d.groups + 8) : 30 },
    height: 170,
    data: { name: 'table' },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          y,
          ...offset,
          color: d.groups > 1 ? { field: 'group', type: 'nominal', sort: null, title: null, scale: { scheme: 'tableau10' }, legend: { symbolType: 'square', symbolStrokeWidth: 0 } } : { value: '#1f4e79' },
        },
      },
      ...(d.ranges
        ? [{ transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'rule', color: '#222', strokeWidth: 1 }, encoding: { x, ...offset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } }]
        : []),
      ...(d.groups === 1
        ? [{ mark: { type: 'text', dy: -5, fontSize: 9, color: '#222' }, encoding: { x, y: { field: d.ranges ? 'top' : 'value', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } } }]
        : []),
    ],
  } as TopLevelSpec;
}

export function barChart(d: BarData): Promise<string> {
  const order = categoryOrder(d);
  const rows: Row[] = [];
  for (const i of order) {
    for (const g of d.groups) {
      const value = g.values[i];
      if (value === undefined || !Number.isFinite(value)) continue;
      const r = g.ranges?.[i];
      rows.push({ category: d.categories[i] ?? String(i), group: g.name, value, label: label(value), lo: r ? r[0] : null, hi: r ? r[1] : null, top: r ? Math.max(value, r[1]) : value });
    }
  }
  const key = {
    yLabel: d.yLabel,
    groups: d.groups.length,
    tilt: d.categories.length > 8 || d.categories.some((c) => c.length > 8),
    ranges: d.groups.some((g) => g.ranges?.some(Boolean)),
  };
  return draw(runtimeFor(`bars ${JSON.stringify(key)}`, () => spec(key)), { table: rows });
}
