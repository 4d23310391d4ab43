import { describe, expect, test } from 'vitest';
import { confusionChart, curveChart, histogramChart, passRateChart } from './charts.ts';

// Text drawn by Vega's SVG renderer, in document order.
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('charts render to SVG in Node without a browser', () => {
  test('training curves: loss and accuracy panels, epochs 1-based, accuracy in percent, best-epoch rule', async () => {
    const svg = await curveChart(
      { trainLoss: [1.2, 0.8, 0.6], valLoss: [1.3, 0.9, 0.95], trainAcc: [0.5, 0.7, 0.8], valAcc: [0.45, 0.62, 0.6] },
      [{ epoch: 2, label: 'best' }],
    );
    expect(svg.startsWith('<svg ')).toBe(true);
    const t = texts(svg);
    expect(t).toContain('loss');
    expect(t).toContain('accuracy (%)');
    expect(t).toContain('best');
    expect(t).toContain('train');
    expect(t).toContain('validation');
    expect(t).toContain('3'); // last epoch on the axis, 1-based
    expect(t.some((x) => /^(60|70|80)$/.test(x))).toBe(true); // percent ticks, not 0.6
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  test('a curve with loss only draws no accuracy panel', async () => {
    const t = texts(await curveChart({ trainLoss: [1, 0.5], valLoss: [1.1, 0.7] }, []));
    expect(t).toContain('loss');
    expect(t).not.toContain('accuracy (%)');
  });

  test('a curve with training values only has no "validation" legend entry', async () => {
    const t = texts(await curveChart({ trainLoss: [1, 0.5, 0.4] }, []));
    expect(t).toContain('train');
    expect(t).not.toContain('validation');
  });

  test('confusion matrix prints every count and class name', async () => {
    const svg = await confusionChart(['cat', 'dog', 'frog'], [[8, 1, 1], [2, 7, 1], [0, 0, 13]]);
    const t = texts(svg);
    for (const n of ['cat', 'dog', 'frog', '8', '7', '13', 'predicted', 'true class']) expect(t).toContain(n);
  });

  test('histogram and pass-rate charts carry their labels', async () => {
    expect(texts(await histogramChart([{ bin: '0–9', count: 2 }, { bin: '90–100', count: 5 }]))).toEqual(expect.arrayContaining(['0–9', '90–100', '5', 'students']));
    expect(texts(await passRateChart([{ test: 'A.params.mnist', rate: 0.25 }]))).toEqual(expect.arrayContaining(['A.params.mnist', '25%']));
  });

  test('normalised confusion matrix: cells print the share of their row; stored non-integers print with two decimals', async () => {
    const shares = texts(await confusionChart(['cat', 'dog'], [[3, 1], [0, 8]], true));
    expect(shares).toEqual(expect.arrayContaining(['.75', '.25', '0', '1']));
    expect(shares).not.toContain('3');
    const stored = texts(await confusionChart(['cat', 'dog'], [[0.8333333, 0.1666667], [0, 1]]));
    expect(stored).toEqual(expect.arrayContaining(['.83', '.17', '0', '1']));
  });

  test('a chart kind reuses one view: drawing other data in between changes nothing, and concurrent draws do not mix', async () => {
    const a = await confusionChart(['a', 'b', 'c'], [[5, 1, 0], [2, 7, 1], [0, 0, 9]]);
    const b = await confusionChart(['x', 'y'], [[1, 2], [3, 4]]);
    expect(await confusionChart(['a', 'b', 'c'], [[5, 1, 0], [2, 7, 1], [0, 0, 9]])).toBe(a);
    const [a2, b2] = await Promise.all([confusionChart(['a', 'b', 'c'], [[5, 1, 0], [2, 7, 1], [0, 0, 9]]), confusionChart(['x', 'y'], [[1, 2], [3, 4]])]);
    expect([a2, b2]).toEqual([a, b]);
    expect(texts(b)).not.toContain('a');
  });
});
