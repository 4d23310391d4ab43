import { describe, expect, test } from 'vitest';
import { paretoFront, type XY } from './pareto.ts';

/** Brute force: dominated when another point is no worse in both and better in one. */
function bruteFront(ps: XY[]): number[] {
  const on = ps
    .map((p, i) => i)
    .filter((i) => Number.isFinite(ps[i]!.x) && Number.isFinite(ps[i]!.y))
    .filter((i) => !ps.some((q, j) => j !== i && Number.isFinite(q.x) && Number.isFinite(q.y) && q.x <= ps[i]!.x && q.y >= ps[i]!.y && (q.x < ps[i]!.x || q.y > ps[i]!.y)));
  return on.sort((a, b) => ps[a]!.x - ps[b]!.x || a - b);
}

describe('Pareto front (x low, y high)', () => {
  test('the leaderboard case: smaller and more accurate models are on it, dominated ones are not', () => {
    const ps = [
      { x: 308_310, y: 27.3 }, // SimpleMLP: dominated by the 42,362-parameter ConvNet
      { x: 42_362, y: 71.2 },
      { x: 12_000, y: 55.0 },
      { x: 90_000, y: 70.0 }, // dominated by 42,362 / 71.2
      { x: 150_000, y: 74.5 },
      { x: 12_000, y: 40.0 }, // same size as a better one
    ];
    expect(paretoFront(ps)).toEqual([2, 1, 4]);
  });

  test('ties: equal points are on it together; NaN is never on it; empty input', () => {
    expect(paretoFront([{ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 2, y: 1 }])).toEqual([0, 1]);
    expect(paretoFront([{ x: Number.NaN, y: 99 }, { x: 3, y: 2 }])).toEqual([1]);
    expect(paretoFront([])).toEqual([]);
  });

  test('agrees with the definition on random clouds', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const ps = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => ({ x: Math.floor(rnd() * 8), y: Math.floor(rnd() * 8) }));
      expect(paretoFront(ps).sort((a, b) => ps[a]!.x - ps[b]!.x || a - b), JSON.stringify(ps)).toEqual(bruteFront(ps));
    }
  });
});
