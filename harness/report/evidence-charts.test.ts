import * as zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import type { ImageGrid } from '../types/submission-result.ts';
import { barChart, categoryOrder } from './bar-chart.ts';
import { imageGridSvg, wrapLabel } from './image-grid.ts';
import { encodePng } from './png.ts';
import { scatterChart } from './scatter-chart.ts';
import { seriesChart } from './series-chart.ts';

const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

/** PNG -> RGB, written from the specification (chunks with their CRC, IHDR, inflate, filters None/Sub/Up). */
function decodePng(png: Buffer): { width: number; height: number; rgb: Uint8Array } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len), `CRC of ${type}`).toBe(zlib.crc32(png.subarray(at + 4, at + 8 + len)));
    if (type === 'IHDR') {
      [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
      expect([...data.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const rgb = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    if (f > 2) throw new Error(`row ${y}: filter ${f}, expected None, Sub or Up`);
    for (let i = 0; i < stride; i++) {
      const v = raw[y * (stride + 1) + 1 + i]!;
      const left = i >= 3 ? rgb[y * stride + i - 3]! : 0;
      const up = y > 0 ? rgb[(y - 1) * stride + i]! : 0;
      rgb[y * stride + i] = (v + (f === 1 ? left : f === 2 ? up : 0)) & 0xff;
    }
  }
  return { width, height, rgb };
}

function gridPng(svg: string): { width: number; height: number; rgb: Uint8Array } {
  const b64 = svg.match(/href="data:image\/png;base64,([^"]+)"/)?.[1];
  expect(b64).toBeDefined();
  return decodePng(Buffer.from(b64!, 'base64'));
}

describe('series, bars and scatter charts', () => {
  test('series: a line per name with a legend, log y, the emphasised line outside the legend, dropped points counted', async () => {
    const x = [0, 10, 20, 30];
    const { svg, dropped } = await seriesChart({
      xLabel: 'step',
      yLabel: 'gradient norm',
      logY: true,
      lines: [
        { name: 'relu', x, y: [1, 0.5, 0.2, 0.1] },
        { name: 'sigmoid', x, y: [0.01, 0.005, 0, -1] },
        { name: 'median', x, y: [0.1, 0.05, 0.02, 0.01], emphasis: true },
      ],
    });
    const t = texts(svg);
    expect(t).toEqual(expect.arrayContaining(['relu', 'sigmoid', 'step', 'gradient norm', '0.01', '0.1', '1']));
    expect(t).not.toContain('median');
    expect(dropped).toBe(2);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  test('bars: sorted categories in drawing order, a legend for groups, values over single-group bars', async () => {
    expect(categoryOrder({ categories: ['a', 'b', 'c', 'd'], groups: [{ name: 'g', values: [2, Number.NaN, 3, 1] }], sort: 'descending' })).toEqual([2, 0, 3, 1]);
    expect(categoryOrder({ categories: ['a', 'b', 'c'], groups: [{ name: 'g', values: [2, 3, 1] }], sort: 'ascending' })).toEqual([2, 0, 1]);
    const sorted = texts(await barChart({ yLabel: 'accuracy (%)', categories: ['cat', 'dog', 'ship'], groups: [{ name: 'acc', values: [61.5, 40.25, 88] }], sort: 'descending' }));
    const axis = sorted.filter((s) => ['cat', 'dog', 'ship'].includes(s));
    expect(axis).toEqual(['ship', 'cat', 'dog']);
    expect(sorted).toEqual(expect.arrayContaining(['88', '61.5', '40.3', 'accuracy (%)']));
    const grouped = texts(await barChart({ yLabel: 'F1', categories: ['cat', 'dog'], groups: [{ name: 'BaselineNN', values: [0.3, 0.4] }, { name: 'TinyVGG', values: [0.6, 0.7] }] }));
    expect(grouped).toEqual(expect.arrayContaining(['BaselineNN', 'TinyVGG', 'cat', 'dog', 'F1']));
    expect(grouped).not.toContain('.6');
  });

  test('scatter: labels escaped, the baseline a diamond, the Pareto front returned in ascending x', async () => {
    const { svg, front } = await scatterChart({
      xLabel: 'parameters',
      yLabel: 'accuracy (%)',
      frontier: true,
      points: [
        { label: 'SimpleMLP', x: 308_310, y: 27.3, group: 'baseline' },
        { label: '<b>ada</b> & co', x: 42_362, y: 71.2 },
        { label: 'ben', x: 90_000, y: 70 },
        { label: 'chen', x: 12_000, y: 55 },
      ],
    });
    expect(front).toEqual([3, 1]);
    expect(svg).toContain('&lt;b&gt;ada&lt;/b&gt; &amp; co');
    expect(svg).not.toContain('<b>');
    expect(texts(svg)).toEqual(expect.arrayContaining(['SimpleMLP', 'ben', 'chen', 'parameters', 'accuracy (%)']));
    expect(svg).toContain('font-weight="bold"'); // the baseline's label
    const without = await scatterChart({ xLabel: 'p', yLabel: 'a', points: [{ label: 'x', x: 1, y: 2 }] });
    expect(without.front).toEqual([]);
  });
});

describe('image grids', () => {
  const cell = (values: number[], label?: string, channels = 1) => ({ height: 2, width: 2, channels, values, ...(label ? { label } : {}) });

  test('one PNG per grid: diverging colours when a cell has negatives, grey otherwise, RGB as given; labels as escaped text', () => {
    const grid: ImageGrid = {
      title: 'w',
      columns: 2,
      cells: [cell([-1, 0, 0.5, 1], 'unit <0>'), cell([0, 1, 2, 3], 'unit 1'), cell([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1], 'rgb', 3)],
    };
    const r = imageGridSvg(grid);
    expect([r.drawn, r.total, r.invalid, r.diverging]).toEqual([3, 3, 0, true]);
    expect((r.svg.match(/<image /g) ?? []).length).toBe(1);
    expect(texts(r.svg)).toEqual(['unit &lt;0&gt;', 'unit 1', 'rgb']);
    const png = gridPng(r.svg);
    // Cells are 2x2 pixels drawn at p = 48 display (= PNG) pixels each, 4 px apart, rows 96 + 12 (label) + 4 apart.
    const at = (x: number, y: number) => [...png.rgb.subarray((y * png.width + x) * 3, (y * png.width + x) * 3 + 3)];
    const px = (col: number, row: number, i: number, j: number) => at(col * 100 + j * 48 + 24, row * 112 + i * 48 + 24);
    expect(px(0, 0, 0, 0)).toEqual([33, 102, 172]); // -1: full blue
    expect(px(0, 0, 0, 1)).toEqual([247, 247, 247]); // 0: white
    expect(px(0, 0, 1, 1)).toEqual([178, 24, 43]); // 1: full red
    // The second cell has no negatives, but the grid is diverging: its cells read alike (0 white, 3 full red).
    expect(px(1, 0, 0, 0)).toEqual([247, 247, 247]);
    expect(px(1, 0, 1, 1)).toEqual([178, 24, 43]);
    expect(px(0, 1, 0, 0)).toEqual([255, 0, 0]);
    expect(px(0, 1, 1, 1)).toEqual([255, 255, 255]);
    // Grey when no cell has negatives: low black, high white.
    const grey = gridPng(imageGridSvg({ title: 'g', columns: 1, cells: [cell([0, 1, 2, 3])] }).svg);
    expect([...grey.rgb.subarray(((24) * grey.width + 24) * 3, ((24) * grey.width + 24) * 3 + 3)]).toEqual([0, 0, 0]);
  });

  test('bad cells are left blank and counted; long labels wrap to two lines', () => {
    const r = imageGridSvg({ title: 'x', columns: 3, cells: [cell([1, 2, 3]), cell([1, 2, 3, 4]), { height: 2, width: 2, channels: 2, values: [1, 2, 3, 4, 5, 6, 7, 8] }] });
    expect([r.drawn, r.invalid]).toEqual([3, 2]);
    expect(texts(r.svg)).toEqual(['bad data', 'bad data']);
    expect(wrapLabel('airplane 0.48 (true deer)', 60)).toEqual(['airplane', '0.48 (true…']);
    expect(wrapLabel('cat 0.9', 60)).toEqual(['cat 0.9']);
  });

  test('a 28x28 grid of 10x10 cells of random weights stays a few hundred KB, not megabytes', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cells = Array.from({ length: 784 }, () => ({ height: 10, width: 10, channels: 1, values: Array.from({ length: 100 }, () => rnd() - 0.5) }));
    const r = imageGridSvg({ title: 'w', columns: 28, cells });
    expect(r.drawn).toBe(784);
    expect(r.svg.length).toBeLessThan(700_000);
    const png = gridPng(r.svg);
    expect(png.width).toBeLessThanOrEqual(680);
  });

  test('encodePng refuses a wrong buffer size, naming both sizes', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow('encodePng: 11 bytes for 2x2 RGB (expected 12)');
  });
});
