// A grid of small images (first-layer weights, feature maps, decision boundaries, predictions) as one SVG:
// all cells are painted into ONE PNG (pixels upscaled by whole factors, so they stay square and sharp), with
// the labels as SVG text under the cells. One embedded image per grid keeps the PDF small (a 28x28 grid of
// 10x10 cells of random values adds about 100 KB, not thousands of separate images).
//
// Colours: when any single-channel cell of a grid has negative values in its range, the grid's single-channel
// cells are drawn on a diverging scale (blue negative, white zero, red positive, symmetric around zero);
// otherwise in grey (low black, high white, as matplotlib's `gray`); 3-channel cells as RGB. The range is the
// cell's `range`, else its own min and max.
import type { ImageGrid } from '../types/submission-result.ts';
import { encodePng } from './png.ts';

type Cell = ImageGrid['cells'][number];

/** Widest grid drawn at full size (px at 96 dpi: the A4 page's text width); wider ones scale down in print. */
const MAX_WIDTH = 680;
/** Cells drawn; the rest are counted in the caption. */
export const MAX_CELLS = 1024;
/** Largest side of a cell drawn, and most pixels of a grid's PNG (fewer cells are drawn beyond it). */
export const MAX_SIDE = 1024;
const MAX_PIXELS = 8_000_000;
const LABEL_HEIGHT = 12;
const CHAR_WIDTH = 5.1; // DejaVu Sans at 8 px, average

const NEGATIVE: [number, number, number] = [33, 102, 172];
const ZERO: [number, number, number] = [247, 247, 247];
const POSITIVE: [number, number, number] = [178, 24, 43];
const INVALID: [number, number, number] = [255, 228, 236];
const FRAME = [200, 200, 200];

export interface GridSvg {
  svg: string;
  /** Cells drawn, cells in the artifact, cells left blank (wrong number of values or channels). */
  drawn: number;
  total: number;
  invalid: number;
  diverging: boolean;
}

function valid(c: Cell): boolean {
  const dims = [c.height, c.width].every((d) => Number.isInteger(d) && d > 0 && d <= MAX_SIDE);
  return dims && (c.channels === 1 || c.channels === 3) && c.values.length === c.height * c.width * c.channels;
}

function rangeOf(c: Cell): [number, number] {
  if (c.range && c.range.length === 2 && c.range.every(Number.isFinite)) return [c.range[0]!, c.range[1]!];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of c.values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/**
 * The cell's pixels as RGB bytes (height x width x 3). `diverging`: draw a single-channel cell on the diverging
 * scale (the grid decides, so that all its cells read alike), else grey.
 */
export function cellPixels(c: Cell, diverging: boolean): Uint8Array {
  const [lo, hi] = rangeOf(c);
  const n = c.height * c.width;
  const rgb = new Uint8Array(n * 3);
  const span = hi > lo ? hi - lo : 0;
  const level = (v: number): number => Math.round(255 * (span ? Math.min(1, Math.max(0, (v - lo) / span)) : 0.5));
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const put = (i: number, r: number, g: number, b: number): void => {
    rgb[i * 3] = r;
    rgb[i * 3 + 1] = g;
    rgb[i * 3 + 2] = b;
  };
  for (let i = 0; i < n; i++) {
    if (c.channels === 3) {
      const [r, g, b] = [c.values[i * 3]!, c.values[i * 3 + 1]!, c.values[i * 3 + 2]!];
      if (Number.isFinite(r) && Number.isFinite(g) && Number.isFinite(b)) put(i, level(r), level(g), level(b));
      else put(i, ...INVALID);
      continue;
    }
    const v = c.values[i]!;
    if (!Number.isFinite(v)) put(i, ...INVALID);
    else if (diverging) {
      // White at zero towards red (positive) or blue (negative), by the share of the largest magnitude.
      const t = Math.max(-1, Math.min(1, v / m));
      const to = t >= 0 ? POSITIVE : NEGATIVE;
      const a = Math.abs(t);
      put(i, Math.round(ZERO[0] + (to[0] - ZERO[0]) * a), Math.round(ZERO[1] + (to[1] - ZERO[1]) * a), Math.round(ZERO[2] + (to[2] - ZERO[2]) * a));
    } else {
      const g = level(v);
      put(i, g, g, g);
    }
  }
  return rgb;
}

/** A grid is drawn diverging when any of its single-channel cells has a negative value in its range. */
export function isDiverging(cells: Cell[]): boolean {
  return cells.some((c) => c.channels === 1 && valid(c) && rangeOf(c)[0] < 0);
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fit(label: string, width: number): string {
  const max = Math.max(1, Math.floor(width / CHAR_WIDTH));
  return label.length <= max ? label : `${label.slice(0, Math.max(1, max - 1))}…`;
}

/** A label in at most two lines of `width` px: broken at the last space that fits, the rest cut with "…". */
export function wrapLabel(label: string, width: number): string[] {
  const max = Math.max(1, Math.floor(width / CHAR_WIDTH));
  if (label.length <= max) return [label];
  const cut = label.lastIndexOf(' ', max);
  const first = cut > 0 ? label.slice(0, cut) : label.slice(0, max);
  return [first, fit(label.slice(first.length).trim(), width)];
}

interface Layout {
  n: number;
  columns: number;
  /** Display (and PNG) pixels per image pixel. */
  p: number;
  cellW: number;
  cellH: number;
  colW: number;
  rowH: number;
  gap: number;
  W: number;
  H: number;
  wrapped: string[][];
}

function layout(cells: Cell[], ok: boolean[], columnsWanted: number): Layout {
  const n = cells.length;
  const cellW = Math.max(1, ...cells.filter((_, i) => ok[i]).map((c) => c.width));
  const cellH = Math.max(1, ...cells.filter((_, i) => ok[i]).map((c) => c.height));
  const columns = Math.max(1, Math.min(n, Number.isInteger(columnsWanted) && columnsWanted > 0 ? columnsWanted : Math.ceil(Math.sqrt(n))));
  const labels = cells.map((c, i) => {
    const l = (c.label ?? '').replace(/\s+/g, ' ').trim();
    return ok[i] ? l : `${l ? `${l}: ` : ''}bad data`;
  });
  // Display pixels per image pixel: whole numbers, cells at most ~96 px, the grid within the page width.
  const gap = 4;
  const p = Math.max(1, Math.min(Math.floor(96 / Math.max(cellW, cellH)), Math.floor((MAX_WIDTH / columns - gap) / cellW)));
  const widestLabel = Math.max(0, ...labels.map((l) => l.length)) * CHAR_WIDTH;
  const colW = Math.max(cellW * p, Math.min(Math.ceil(widestLabel), Math.floor(MAX_WIDTH / columns) - gap));
  const wrapped = labels.map((l) => (l ? wrapLabel(l, colW + gap) : []));
  const rowH = cellH * p + LABEL_HEIGHT * Math.max(0, ...wrapped.map((w) => w.length));
  const rows = Math.ceil(n / columns);
  return { n, columns, p, cellW, cellH, colW, rowH, gap, W: columns * colW + (columns - 1) * gap, H: rows * rowH + (rows - 1) * gap, wrapped };
}

export function imageGridSvg(grid: ImageGrid): GridSvg {
  let cells = grid.cells.slice(0, MAX_CELLS);
  if (cells.length === 0) return { svg: '', drawn: 0, total: grid.cells.length, invalid: 0, diverging: false };
  let ok = cells.map(valid);
  let L = layout(cells, ok, grid.columns);
  // Fewer cells rather than a PNG too big to print.
  while (L.W * L.H > MAX_PIXELS && cells.length > 1) {
    cells = cells.slice(0, Math.ceil(cells.length / 2));
    ok = ok.slice(0, cells.length);
    L = layout(cells, ok, grid.columns);
  }
  const { p, W, H, colW, rowH, gap } = L;
  // One PNG pixel per display pixel: the image is printed without interpolation (image-rendering: pixelated
  // becomes /Interpolate false in Chrome's PDF), so upscaled pixels stay sharp without a denser PNG.
  const png = new Uint8Array(W * H * 3).fill(255);
  const diverging = isDiverging(cells);
  let invalid = 0;
  const texts: string[] = [];
  cells.forEach((c, i) => {
    const x0 = (i % L.columns) * (colW + gap);
    const top = Math.floor(i / L.columns) * (rowH + gap);
    const w = ok[i] ? c.width : L.cellW;
    const h = ok[i] ? c.height : L.cellH;
    const left = x0 + Math.floor((colW - w * p) / 2);
    let pixels: Uint8Array;
    if (ok[i]) pixels = cellPixels(c, diverging);
    else {
      invalid++;
      pixels = new Uint8Array(w * h * 3);
      for (let k = 0; k < w * h; k++) pixels.set(INVALID, k * 3);
    }
    // Each image row, upscaled to p pixels per pixel, copied to p rows of the PNG.
    const line = new Uint8Array(w * p * 3);
    for (let r = 0; r < h; r++) {
      for (let x = 0; x < w; x++) {
        const src = (r * w + x) * 3;
        for (let k = 0, at = x * p * 3; k < p; k++, at += 3) {
          line[at] = pixels[src]!;
          line[at + 1] = pixels[src + 1]!;
          line[at + 2] = pixels[src + 2]!;
        }
      }
      for (let k = 0; k < p; k++) png.set(line, ((top + r * p + k) * W + left) * 3);
    }
    // A one-pixel frame just outside the cell, so white cells keep their edge on white paper.
    const fx = [left - 1, left + w * p].filter((x) => x >= 0 && x < W);
    const fy = [top - 1, top + h * p].filter((y) => y >= 0 && y < H);
    for (let x = Math.max(0, left - 1); x <= Math.min(W - 1, left + w * p); x++) for (const y of fy) png.set(FRAME, (y * W + x) * 3);
    for (let y = Math.max(0, top - 1); y <= Math.min(H - 1, top + h * p); y++) for (const x of fx) png.set(FRAME, (y * W + x) * 3);
    L.wrapped[i]!.forEach((t, k) => texts.push(`<text x="${x0 + colW / 2}" y="${top + L.cellH * p + LABEL_HEIGHT * (k + 1) - 3}">${xml(t)}</text>`));
  });
  const href = `data:image/png;base64,${encodePng(W, H, png).toString('base64')}`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMinYMin meet" style="max-width:100%;height:auto">` +
    `<image x="0" y="0" width="${W}" height="${H}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${href}"/>` +
    (texts.length ? `<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="8" fill="#222" text-anchor="middle">${texts.join('')}</g>` : '') +
    `</svg>`;
  return { svg, drawn: cells.length, total: grid.cells.length, invalid, diverging };
}
