import { beforeAll, describe, expect, test } from 'vitest';
import { fakeResult } from '../results/fake-results.ts';
import type { Artifacts, SubmissionResult } from '../types/submission-result.ts';
import { classFigures, MAX_OVERLAID } from './class-evidence.ts';
import type { ChartView } from './view-model.ts';
import { syntheticClass } from './synthetic-class.ts';
import { SIMPLE_MLP, withEvidence } from './synthetic-evidence.ts';

const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

function student(name: string, artifacts: Artifacts): SubmissionResult {
  return { ...fakeResult(name, [{ id: 'A.x', status: 'passed' }]), artifacts };
}

/** The class figures of 45 synthetic students with evidence of every kind. */
let figures: ChartView[];
beforeAll(async () => {
  figures = await classFigures(withEvidence(await syntheticClass(45)));
});

describe('class figures aggregate what students share', () => {
  test('a figure per shared title; artifacts of one student only, and image grids, are not aggregated', async () => {
    const titles = figures.map((f) => f.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Held-out accuracy against trainable parameters · the class',
        'Per-class F1 on the held-out images · class mean',
        'Per-class accuracy (sorted) · class mean',
        'TinyVGG: held-out confusion matrix · class mean',
        'Training loss every 10 steps (SGD lr 0.01, batch 50): relu · the class',
        'First-layer gradient norm every 10 steps: sigmoid · the class',
      ]),
    );
    expect(titles.some((t) => /weights|predictions|decision/.test(t))).toBe(false);
    const alone = await classFigures([student('ada', { bars: [{ title: 'F1', yLabel: 'F1', categories: ['a'], groups: [{ name: 'g', values: [1] }] }] }), student('ben', {})]);
    expect(alone).toEqual([]);
  });

  test("class scatter: every student's point, the baseline once at the median of its runs, names on the front only beyond 40 points", async () => {
    const scatter = figures.find((f) => f.title.startsWith('Held-out accuracy against trainable parameters'))!;
    expect(scatter.caption).toContain('45 students, 45 points');
    expect(scatter.caption).toMatch(new RegExp(`baseline \\(diamond\\): ${SIMPLE_MLP.label}, median of 45 runs \\(accuracy \\(%\\) [\\d.]+–[\\d.]+\\)`));
    expect(scatter.caption).toContain('Pareto front (fewer parameters, higher accuracy (%); ringed, step line): student-');
    expect(scatter.caption).toContain('names shown for the front and the baseline only (46 points)');
    const labels = texts(scatter.svg).filter((t) => t.startsWith('student-'));
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.length).toBeLessThan(45);
    expect(texts(scatter.svg).filter((t) => t === SIMPLE_MLP.label)).toHaveLength(1);
  });

  test('class scatter of a small class names everyone, escaped', async () => {
    const pt = (label: string, x: number, y: number, group?: string) => ({ label, x, y, ...(group ? { group } : {}) });
    const sc = (own: number) => ({ title: 'acc vs params', xLabel: 'params', yLabel: 'acc', frontier: true, points: [pt('SimpleMLP', 308_310, 27, 'baseline'), pt('mine', own, 60)] });
    const [f] = await classFigures([student('<img src=x>\u001b[31m', { scatter: [sc(40_000)] }), student('ben', { scatter: [sc(50_000)] })]);
    expect(f!.svg).toContain('&lt;img src=x&gt;\\u001b[');
    expect(f!.svg).not.toContain('<img');
    expect(texts(f!.svg)).toEqual(expect.arrayContaining(['ben', 'SimpleMLP']));
    expect(f!.caption).toBe('2 students, 2 points · baseline (diamond): SimpleMLP · Pareto front (fewer params, higher acc; ringed, step line): <img src=x>\\u001b[31m');
  });

  test('bars: the mean per category with the spread; confusion: the mean of row-normalised matrices', async () => {
    const bars = (values: number[]) => [{ title: 'acc', yLabel: 'accuracy (%)', categories: ['cat', 'dog'], groups: [{ name: 'acc', values }] }];
    const cm = (matrix: number[][]) => [{ title: 'cm', classNames: ['cat', 'dog'], matrix }];
    const small = await classFigures([student('ada', { bars: bars([10, 21]), confusion: cm([[3, 1], [0, 4]]) }), student('ben', { bars: bars([30, 40]), confusion: cm([[1, 1], [20, 20]]) })]);
    const b = small.find((f) => f.title === 'acc · class mean')!;
    expect(texts(b.svg)).toEqual(expect.arrayContaining(['20', '30.5']));
    expect(b.caption).toBe('mean of 2 students per category · rule: lowest to highest student');
    const c = small.find((f) => f.title === 'cm · class mean')!;
    // ada [[.75, .25], [0, 1]], ben [[.5, .5], [.5, .5]]: each student counts once, whatever their counts.
    expect(texts(c.svg)).toEqual(expect.arrayContaining(['.63', '.38', '.25', '.75']));
    expect(c.caption).toContain("mean over 2 students of each student's row-normalised matrix");
  });

  test('curves and series: the first 20 students by name overlaid, the median of all in black (not in the legend)', async () => {
    const relu = figures.find((f) => f.title === 'Training loss every 10 steps (SGD lr 0.01, batch 50): relu · the class')!;
    expect(relu.caption).toBe(`first ${MAX_OVERLAID} of 45 students by name · black: median of all 45 at each step most of them have`);
    const names = texts(relu.svg).filter((t) => t.startsWith('student-'));
    expect(names).toEqual(Array.from({ length: MAX_OVERLAID }, (_, i) => `student-${String(i + 1).padStart(2, '0')}`));
    expect(texts(relu.svg)).not.toContain('median');
    const curve = figures.find((f) => /: (training|validation) loss · the class$/.test(f.title))!;
    expect(curve.caption).toMatch(/^(first 20 of \d+ students by name|\d+ students) · black: median of all \d+ per epoch$/);
  });
});
