import { describe, expect, it } from 'vitest';
import { makeDataset } from './dataset.ts';
import { DataError } from './errors.ts';
import { splitIndices, trainValSplit, validationCount } from './split.ts';

describe('splitIndices', () => {
  it("seed 002's split: 10,000 validation images out of 60,000, disjoint and covering", () => {
    const { train, val } = splitIndices(60000, 10000, 0);
    expect(train.length).toBe(50000);
    expect(val.length).toBe(10000);
    const seen = new Uint8Array(60000);
    for (const i of train) seen[i]++;
    for (const i of val) seen[i]++;
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('is the same for the same seed, different for another, and not a plain slice', () => {
    const a = splitIndices(50000, 10000, 7);
    const b = splitIndices(50000, 10000, 7);
    const c = splitIndices(50000, 10000, 8);
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    expect(Array.from(a.val)).not.toEqual(Array.from(c.val));
    const tail = a.val.filter((i) => i >= 40000).length;
    expect(tail).toBeGreaterThan(1500); // a random 20% sample: about 2,000 of them fall in the last 10,000
    expect(tail).toBeLessThan(2500);
  });

  it('takes a fraction and explains impossible sizes', () => {
    expect(validationCount(1000, 0.1)).toBe(100);
    expect(() => validationCount(100, 100)).toThrow(DataError);
    expect(() => validationCount(100, 100)).toThrow('validation size 100 leaves no training images out of 100');
    expect(() => validationCount(100, 0)).toThrow('must be > 0');
    expect(() => validationCount(100, 2.5)).toThrow('neither a whole count nor a fraction');
  });
});

describe('trainValSplit', () => {
  it('copies the right images and labels into each part', () => {
    const n = 50;
    const ds = makeDataset({
      name: 'ramp',
      height: 1,
      width: 1,
      channels: 1,
      images: Float32Array.from({ length: n }, (_, i) => i),
      labels: Int32Array.from({ length: n }, (_, i) => i % 5),
      classNames: ['a', 'b', 'c', 'd', 'e'],
    });
    const { train, val } = trainValSplit(ds, { valSize: 10, seed: 3 });
    const idx = splitIndices(n, 10, 3);
    expect(train.n).toBe(40);
    expect(Array.from(val.images)).toEqual(Array.from(idx.val));
    expect(Array.from(val.labels)).toEqual(Array.from(idx.val, (i) => i % 5));
    expect(val.name).toContain('validation');
  });
});
