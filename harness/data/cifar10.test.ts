import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, cifar10ClassNames, loadCifar10, readCifar10Batch } from './cifar10.ts';
import { DataError } from './errors.ts';

// Batch files written here in the documented layout: per record 1 label byte, then the red plane (1024
// bytes, 32x32 row-major), the green plane, the blue plane.

/** A record whose pixel (y, x) in channel c is byte value v(r, y, x, c). */
function record(label: number, v: (y: number, x: number, c: number) => number): Uint8Array {
  const rec = new Uint8Array(3073);
  rec[0] = label;
  for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) rec[1 + c * 1024 + y * 32 + x] = v(y, x, c);
  return rec;
}
const cat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

// Record r: red = x (column), green = y (row), blue = 200 + r; so a mix-up of rows, columns, planes or
// records shows as a wrong value.
const recs = [3, 8, 0].map((label, r) => record(label, (y, x, c) => (c === 0 ? x : c === 1 ? y : 200 + r)));

function err(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error('expected a DataError, nothing was thrown');
}

describe('CIFAR-10 binary batches', () => {
  const root = mkdtempSync(join(tmpdir(), 'dlgrade-cifar-'));
  const bin = join(root, 'cifar-10-batches-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'data_batch_1.bin'), cat(recs));
  writeFileSync(join(bin, 'data_batch_2.bin'), cat([record(9, () => 255)]));
  for (const b of [3, 4, 5]) writeFileSync(join(bin, `data_batch_${b}.bin`), cat([record(b, () => 0)]));
  writeFileSync(join(bin, 'test_batch.bin'), cat([record(1, (y, x) => (y === 31 && x === 0 ? 17 : 0))]));

  it('places every pixel in NHWC: red = plane 0, green = plane 1, blue = plane 2, row-major', () => {
    const ds = readCifar10Batch(join(bin, 'data_batch_1.bin'));
    expect([ds.n, ds.height, ds.width, ds.channels]).toEqual([3, 32, 32, 3]);
    expect(Array.from(ds.labels)).toEqual([3, 8, 0]);
    for (let r = 0; r < 3; r++) {
      for (const [y, x] of [[0, 0], [0, 31], [31, 0], [5, 27], [31, 31]]) {
        const at = ((r * 32 + y) * 32 + x) * 3;
        expect(ds.images[at] * 255).toBeCloseTo(x, 4);
        expect(ds.images[at + 1] * 255).toBeCloseTo(y, 4);
        expect(ds.images[at + 2] * 255).toBeCloseTo(200 + r, 4);
      }
    }
  });

  it('loads the five training batches in order from the archive folder or the batches folder', () => {
    for (const dir of [root, bin]) {
      const train = loadCifar10(dir);
      expect(train.n).toBe(7);
      expect(Array.from(train.labels)).toEqual([3, 8, 0, 9, 3, 4, 5]);
      expect(train.images[3 * 3072]).toBe(1); // batch 2's white image follows batch 1's three
    }
    const some = loadCifar10(bin, { batches: [2, 1] });
    expect(Array.from(some.labels)).toEqual([9, 3, 8, 0]);
    const test = loadCifar10(root, { split: 'test' });
    expect(test.n).toBe(1);
    expect(test.images[(31 * 32 + 0) * 3] * 255).toBeCloseTo(17, 4);
    expect(test.images[(0 * 32 + 31) * 3]).toBe(0);
  });

  it('takes class names from batches.meta.txt when present, else the standard ten', () => {
    expect(cifar10ClassNames(bin)).toEqual(CIFAR10_CLASSES);
    expect(CIFAR10_CLASSES).toHaveLength(10);
    const named = join(root, 'named');
    mkdirSync(named);
    writeFileSync(join(named, 'data_batch_1.bin'), recs[0]);
    const names = ['a0', 'b1', 'c2', 'd3', 'e4', 'f5', 'g6', 'h7', 'i8', 'j9'];
    writeFileSync(join(named, 'batches.meta.txt'), `${names.join('\n')}\n\n`);
    expect(loadCifar10(named, { batches: [1] }).classNames).toEqual(names);
    writeFileSync(join(named, 'batches.meta.txt'), 'a\nb\n');
    expect(err(() => cifar10ClassNames(named))).toContain('batches.meta.txt: expected 10 class names (one per line), found 2');
  });

  it('explains a missing folder, a missing batch, a truncated batch, a bad label and a bad batch number', () => {
    expect(err(() => loadCifar10(join(root, 'absent')))).toContain('absent: no such folder (expected the CIFAR-10 binary batches');
    const partial = join(root, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'data_batch_1.bin'), recs[0]);
    expect(err(() => loadCifar10(partial))).toBe(`${join(partial, 'data_batch_2.bin')}: no such file`);
    const cut = join(root, 'cut.bin');
    writeFileSync(cut, cat(recs).subarray(0, 2 * 3073 + 100));
    expect(err(() => readCifar10Batch(cut))).toBe(
      `${cut}: truncated or not a CIFAR-10 batch: 6,246 bytes is not a whole number of 3,073-byte records (1 label + 3x32x32 pixels); 2 whole record(s) then 100 stray byte(s)`,
    );
    const small = join(root, 'small-images.bin'); // 28x28x3 records: the wrong image size
    writeFileSync(small, new Uint8Array(2 * (1 + 28 * 28 * 3)));
    expect(err(() => readCifar10Batch(small))).toContain('not a whole number of 3,073-byte records');
    const badLabel = join(root, 'label.bin');
    writeFileSync(badLabel, cat([recs[0], record(12, () => 0)]));
    expect(err(() => readCifar10Batch(badLabel))).toContain('record 1 (byte offset 3,073) has label 12, expected 0..9');
    expect(err(() => loadCifar10(bin, { batches: [6] }))).toContain('training batch 6 does not exist');
    const empty = join(root, 'empty.bin');
    writeFileSync(empty, new Uint8Array(0));
    expect(err(() => readCifar10Batch(empty))).toContain('empty file');
  });
});
