import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classCounts } from './dataset.ts';
import { DataError } from './errors.ts';
import { loadMnist } from './mnist.ts';

const pkg = createRequire(import.meta.url)('mnist') as { raw: number[]; length: number }[];

function idx(type: number, dims: number[], body: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => new DataView(head.buffer).setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

describe('loadMnist from the npm package', () => {
  const ds = loadMnist();

  it('is [10000,28,28,1] float32 in [0,1] with labels 0..9 and the package count per digit', () => {
    expect([ds.n, ds.height, ds.width, ds.channels]).toEqual([10000, 28, 28, 1]);
    expect(ds.images).toBeInstanceOf(Float32Array);
    expect(ds.images.length).toBe(10000 * 784);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ds.images) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    expect(classCounts(ds)).toEqual(pkg.map((d) => d.length));
  });

  it('interleaves classes so any prefix is balanced, and keeps each digit as the package has it', () => {
    expect(Array.from(ds.labels.subarray(0, 20))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // image 13 is the second "3" of the package
    const want = pkg[3].raw.slice(784, 2 * 784);
    const got = Array.from(ds.images.subarray(13 * 784, 14 * 784));
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    expect(loadMnist()).toBe(ds); // parsed once per process
  });
});

describe('loadMnist from IDX files', () => {
  const root = mkdtempSync(join(tmpdir(), 'dlgrade-mnist-'));
  // 2 training images of 28x28: image i has value 100+i at (row 5, col 7), else 0; test pair gzipped.
  const pixels = new Uint8Array(2 * 784);
  pixels[5 * 28 + 7] = 100;
  pixels[784 + 5 * 28 + 7] = 101;
  writeFileSync(join(root, 'train-images-idx3-ubyte'), idx(0x08, [2, 28, 28], pixels));
  writeFileSync(join(root, 'train-labels-idx1-ubyte'), idx(0x08, [2], Uint8Array.from([4, 2])));
  writeFileSync(join(root, 't10k-images-idx3-ubyte.gz'), gzipSync(idx(0x08, [1, 28, 28], pixels.subarray(0, 784))));
  writeFileSync(join(root, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x08, [1], Uint8Array.from([9]))));

  it('reads the train pair and the gzipped test pair', () => {
    const train = loadMnist({ path: root });
    expect([train.n, train.height, train.width, train.channels]).toEqual([2, 28, 28, 1]);
    expect(Array.from(train.labels)).toEqual([4, 2]);
    expect(train.images[784 + 5 * 28 + 7]).toBeCloseTo(101 / 255, 7);
    expect(train.images[784 + 5 * 28 + 8]).toBe(0);
    const test = loadMnist({ path: root, split: 'test' });
    expect(test.n).toBe(1);
    expect(Array.from(test.labels)).toEqual([9]);
  });

  it('explains a missing folder, a missing file and a wrong image size', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(DataError);
        return (e as Error).message;
      }
      throw new Error('no error thrown');
    };
    expect(err(() => loadMnist({ path: join(root, 'absent') }))).toContain('absent: no such folder (expected the MNIST IDX files');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(err(() => loadMnist({ path: empty }))).toContain(`${empty}: no train-images-idx3-ubyte`);
    const small = join(root, 'small');
    mkdirSync(small);
    writeFileSync(join(small, 'train-images-idx3-ubyte'), idx(0x08, [1, 16, 16], new Uint8Array(256)));
    writeFileSync(join(small, 'train-labels-idx1-ubyte'), idx(0x08, [1], Uint8Array.from([1])));
    expect(err(() => loadMnist({ path: small }))).toContain('MNIST images are 28x28, this file holds 16x16');
  });
});
