import { describe, expect, it } from 'vitest';
import { makeRng } from '../engine/seed.ts';
import { augmentDataset, augmentImage, CIFAR10_AUGMENT, cropPadded, flipHorizontal, MNIST_AUGMENT, rotate, type ImageShape } from './augment.ts';
import { makeDataset } from './dataset.ts';
import { DataError } from './errors.ts';

// A 4x4 two-channel image whose value at (y, x, c) is 1 + 10y + x + 100c: every pixel distinct and nonzero,
// so moved pixels can be traced and zero padding told apart.
const S: ImageShape = { height: 4, width: 4, channels: 2 };
const img = Float32Array.from({ length: 32 }, (_, i) => {
  const c = i % 2;
  const p = Math.floor(i / 2);
  return 1 + 10 * Math.floor(p / 4) + (p % 4) + 100 * c;
});
const at = (a: Float32Array, y: number, x: number, c: number, s: ImageShape = S) => a[(y * s.width + x) * s.channels + c];

describe('flip, crop, rotate', () => {
  it('flipHorizontal mirrors columns, every channel', () => {
    const f = flipHorizontal(img, S);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 2; c++) expect(at(f, y, x, c)).toBe(at(img, y, 3 - x, c));
  });

  it('cropPadded: (p, p) is the identity; other offsets shift and fill with zeros (RandomCrop padding)', () => {
    expect(Array.from(cropPadded(img, S, 2, 2, 2))).toEqual(Array.from(img));
    // top 0, left 0 with padding 2: the window starts 2 above and 2 left of the image
    const c = cropPadded(img, S, 2, 0, 0);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const want = y >= 2 && x >= 2 ? at(img, y - 2, x - 2, 1) : 0;
        expect(at(c, y, x, 1)).toBe(want);
      }
    }
    const d = cropPadded(img, S, 2, 3, 4); // one row down, two columns right
    expect(at(d, 0, 0, 0)).toBe(at(img, 1, 2, 0));
    expect(at(d, 3, 0, 0)).toBe(0);
    expect(at(d, 0, 2, 0)).toBe(0);
  });

  it('rotate: 0 degrees is the identity, 90 is an exact counter-clockwise quarter turn, 360 returns', () => {
    expect(Array.from(rotate(img, S, 0))).toEqual(Array.from(img));
    const r = rotate(img, S, 90);
    // CCW as seen: the right column becomes the top row, read top to bottom -> left to right reversed
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(at(r, y, x, 0)).toBe(at(img, x, 3 - y, 0));
    expect(Array.from(rotate(img, S, 360))).toEqual(Array.from(img));
  });

  it('rotate by 10 degrees moves corner pixels out (zero fill) and keeps the centre', () => {
    const s: ImageShape = { height: 28, width: 28, channels: 1 };
    const ones = new Float32Array(28 * 28).fill(1);
    const r = rotate(ones, s, 10);
    expect(at(r, 0, 0, 0, s)).toBe(0);
    expect(at(r, 27, 27, 0, s)).toBe(0);
    expect(at(r, 14, 14, 0, s)).toBe(1);
  });
});

describe('augmentImage', () => {
  const big: ImageShape = { height: 32, width: 32, channels: 3 };
  const src = Float32Array.from({ length: 32 * 32 * 3 }, (_, i) => (i % 97) / 97 + 0.01);

  it('is reproducible from the seed and never changes its input', () => {
    const copy = src.slice();
    const a = augmentImage(src, big, CIFAR10_AUGMENT, makeRng(5));
    const b = augmentImage(src, big, CIFAR10_AUGMENT, makeRng(5));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(src)).toEqual(Array.from(copy));
    const none = augmentImage(src, big, {}, makeRng(5));
    expect(none).not.toBe(src);
    expect(Array.from(none)).toEqual(Array.from(src));
  });

  it('flips about half the time and crops at all 9x9 offsets (RandomHorizontalFlip + RandomCrop(32, padding=4))', () => {
    const rng = makeRng('dist');
    let flips = 0;
    const offsets = new Set<string>();
    for (let t = 0; t < 2000; t++) {
      const flipped = augmentImage(src, big, { hflip: 0.5 }, rng);
      if (flipped[0] !== src[0]) flips++;
    }
    expect(flips).toBeGreaterThan(900);
    expect(flips).toBeLessThan(1100);
    // A single bright pixel at (16,16) lands at (16 + 4 - top, 16 + 4 - left).
    const dot = new Float32Array(32 * 32);
    dot[16 * 32 + 16] = 1;
    const one: ImageShape = { height: 32, width: 32, channels: 1 };
    for (let t = 0; t < 1500; t++) {
      const c = augmentImage(dot, one, { cropPadding: 4 }, rng);
      const p = c.indexOf(1);
      offsets.add(`${Math.floor(p / 32) - 16},${(p % 32) - 16}`);
    }
    expect(offsets.size).toBe(81);
    for (const o of offsets) for (const v of o.split(',').map(Number)) expect(Math.abs(v)).toBeLessThanOrEqual(4);
  });

  it('MNIST rotation stays within 10 degrees and is not always the same angle', () => {
    const s: ImageShape = { height: 28, width: 28, channels: 1 };
    // A horizontal bar through the centre: after rotation by a, the pixel at column 27's row moves by ~13.5 tan(a).
    const bar = new Float32Array(28 * 28);
    for (let x = 0; x < 28; x++) bar[14 * 28 + x] = 1;
    const rng = makeRng(9);
    const rows = new Set<number>();
    for (let t = 0; t < 200; t++) {
      const r = augmentImage(bar, s, MNIST_AUGMENT, rng);
      let row = -1;
      for (let y = 0; y < 28; y++) if (r[y * 28 + 26] === 1) row = y;
      rows.add(row);
      expect(row).toBeGreaterThanOrEqual(14 - 3);
      expect(row).toBeLessThanOrEqual(14 + 3);
    }
    expect(rows.size).toBeGreaterThan(3);
  });

  it('rejects bad options with a DataError naming the dataset', () => {
    const ds = makeDataset({ name: 'dots', height: 4, width: 4, channels: 2, images: img, labels: Int32Array.from([0]), classNames: ['x'] });
    expect(() => augmentDataset(ds, { hflip: 2 }, makeRng(1))).toThrow(DataError);
    expect(() => augmentDataset(ds, { cropPadding: 1.5 }, makeRng(1))).toThrow('dots: cropPadding must be a whole number');
    expect(() => augmentDataset(ds, { rotateDegrees: -1 }, makeRng(1))).toThrow('rotateDegrees must be >= 0');
    const aug = augmentDataset(ds, { hflip: 1 }, makeRng(1));
    expect(Array.from(aug.images)).toEqual(Array.from(flipHorizontal(img, S)));
  });
});
