import { expect, test } from 'vitest';
import { firstWellPosed, NUDGE, nudged, spreadOf, steppedSeed, WELL_POSED } from './well-posed.ts';

test('nudged moves every value by NUDGE of itself (to float32 rounding), the two sides opposite, and side 0 not at all', () => {
  const x = Float32Array.from([1, -2, 3.5, 1e-3, 0]);
  expect(nudged(x, 0)).toBe(x);
  const up = nudged(x, 1);
  const down = nudged(x, -1);
  x.forEach((v, i) => {
    expect(Math.abs(Math.abs(up[i]! - v) - NUDGE * Math.abs(v))).toBeLessThanOrEqual(2 ** -23 * Math.abs(v));
    expect(Math.sign(up[i]! - v) + Math.sign(down[i]! - v)).toBe(0);
  });
});

test('firstWellPosed steps past set-ups whose replay jumps within the nudge (a kink) and keeps the first that does not', () => {
  // A replay with a kink at 1: set-ups 0 and 1 sit on it (within NUDGE), set-up 2 is clear of it.
  const xs = [1 + NUDGE / 10, 1 - NUDGE / 3, 1.5];
  const drawn: number[] = [];
  const r = firstWellPosed(
    (k) => {
      drawn.push(k);
      return xs[k]!;
    },
    (x, side) => [x * (1 + side * NUDGE * 0.9) > 1 ? 2 * x : x],
    (a, b) => spreadOf(a, b, () => 1e-3),
  );
  expect(drawn).toEqual([0, 1, 2]);
  expect(r).toMatchObject({ setup: 1.5, want: [3], tries: 3 });
  expect(r.spread).toBeLessThanOrEqual(WELL_POSED);
});

test('firstWellPosed counts an alternative implementation that lands elsewhere as ill-posed, and uses the last draw after its tries', () => {
  const r = firstWellPosed((k) => k, (k) => [k], (a, b) => spreadOf(a, b, () => 1), { alternatives: [(k) => [k + 1]], tries: 4 });
  expect(r).toMatchObject({ setup: 3, tries: 4 });
  expect(r.spread).toBeGreaterThan(WELL_POSED);
});

test('spreadOf is in units of the tolerance; lengths that differ and NaN are infinitely far', () => {
  expect(spreadOf([1, 2.1], [1, 2], () => 0.2)).toBeCloseTo(0.5);
  expect(spreadOf([1], [1, 2], () => 1)).toBe(Infinity);
  expect(spreadOf([NaN], [1], () => 1)).toBe(Infinity);
  expect(steppedSeed(10, 0)).toBe(10);
  expect(steppedSeed(99_990, 1, 100_000)).toBe((99_990 + 7919) % 100_000);
});
