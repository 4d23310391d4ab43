import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from './errors.ts';
import { loadIdxImages, parseIdx, readIdx } from './idx.ts';

// IDX files written byte by byte here, as the format description says (not with our own writer), so the
// reader is checked against the format rather than against itself.

/** Magic 0 0 type ndim, big-endian uint32 dims, then `body` (already big-endian). */
function idx(type: number, dims: number[], body: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => head.set([(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255], 4 + 4 * i));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'dlgrade-idx-'));
function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function thrown(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError, nothing was thrown');
}

// 3 images of 2 rows x 4 cols: pixel (i, r, c) = 10*i + 4*r + c (fits a byte, distinct everywhere).
const pix = Uint8Array.from({ length: 3 * 2 * 4 }, (_, k) => {
  const i = Math.floor(k / 8);
  return 10 * i + (k % 8);
});
const imagesBytes = idx(0x08, [3, 2, 4], pix);
const labelsBytes = idx(0x08, [3], Uint8Array.from([7, 0, 9]));

describe('parseIdx', () => {
  it('reads ubyte dims and values in row-major order', () => {
    const a = parseIdx(imagesBytes, 'mem');
    expect(a.type).toBe('uint8');
    expect(a.dims).toEqual([3, 2, 4]);
    expect(Array.from(a.data)).toEqual(Array.from(pix));
  });

  it('reads big-endian int32 and float32 whatever the host byte order', () => {
    const body = new Uint8Array(8);
    new DataView(body.buffer).setInt32(0, -123456789, false);
    new DataView(body.buffer).setInt32(4, 70000, false);
    expect(Array.from(parseIdx(idx(0x0c, [2], body), 'mem').data)).toEqual([-123456789, 70000]);
    const fb = new Uint8Array(8);
    new DataView(fb.buffer).setFloat32(0, 1.5, false);
    new DataView(fb.buffer).setFloat32(4, -0.25, false);
    const f = parseIdx(idx(0x0d, [1, 2], fb), 'mem');
    expect(f.type).toBe('float32');
    expect(Array.from(f.data)).toEqual([1.5, -0.25]);
  });

  it('rejects a bad magic number, naming the source and the bytes found', () => {
    const bad = imagesBytes.slice();
    bad[0] = 0x1f; // e.g. a .gz read without decompressing
    const e = thrown(() => parseIdx(bad, 'train-images-idx3-ubyte'));
    expect(e.message).toContain('train-images-idx3-ubyte');
    expect(e.message).toContain('bad IDX magic number 0x1f 0x00 0x08 0x03');
    const badType = imagesBytes.slice();
    badType[2] = 0x07;
    expect(thrown(() => parseIdx(badType, 'x')).message).toContain('bad IDX magic number');
  });

  it('rejects truncated data, a truncated header and trailing bytes with the sizes involved', () => {
    const e = thrown(() => parseIdx(imagesBytes.slice(0, imagesBytes.length - 5), 'imgs'));
    expect(e.message).toMatch(/imgs: truncated: dimensions 3x2x4 of uint8 need 40 bytes .* the file has 35/);
    expect(thrown(() => parseIdx(imagesBytes.slice(0, 9), 'imgs')).message).toContain('truncated IDX header');
    expect(thrown(() => parseIdx(new Uint8Array([0, 0]), 'imgs')).message).toContain('shorter than the 4-byte magic');
    const longer = new Uint8Array(imagesBytes.length + 3);
    longer.set(imagesBytes);
    expect(thrown(() => parseIdx(longer, 'imgs')).message).toContain('trailing bytes');
  });
});

describe('readIdx / loadIdxImages', () => {
  const imgPath = file('imgs-idx3-ubyte', imagesBytes);
  const labPath = file('labs-idx1-ubyte', labelsBytes);

  it('loads images as [n,rows,cols,1] scaled to [0,1] with the labels', () => {
    const ds = loadIdxImages(imgPath, labPath);
    expect([ds.n, ds.height, ds.width, ds.channels]).toEqual([3, 2, 4, 1]);
    expect(Array.from(ds.labels)).toEqual([7, 0, 9]);
    // image 2, row 1, col 3 -> 10*2 + 4 + 3 = 27
    expect(ds.images[2 * 8 + 1 * 4 + 3]).toBeCloseTo(27 / 255, 7);
    expect(ds.images[0]).toBe(0);
  });

  it('reads .gz files the same as plain ones', () => {
    const gz = file('imgs-idx3-ubyte.gz', gzipSync(imagesBytes));
    expect(Array.from(readIdx(gz).data)).toEqual(Array.from(readIdx(imgPath).data));
    const notGz = file('broken.gz', imagesBytes);
    expect(thrown(() => readIdx(notGz)).message).toContain('not a valid gzip file');
  });

  it('names the file for a missing path, a label/image count mismatch, a swapped pair and bad labels', () => {
    expect(thrown(() => readIdx(join(dir, 'nope'))).message).toBe(`${join(dir, 'nope')}: no such file`);
    const two = file('two-labels', idx(0x08, [2], Uint8Array.from([1, 2])));
    expect(thrown(() => loadIdxImages(imgPath, two)).message).toContain(`${two}: 2 labels but ${imgPath} has 3 images`);
    expect(thrown(() => loadIdxImages(labPath, imgPath)).message).toContain(`${labPath}: expected an image file`);
    const big = file('big-label', idx(0x08, [3], Uint8Array.from([1, 10, 2])));
    expect(thrown(() => loadIdxImages(imgPath, big)).message).toContain('label 1 is 10, expected 0..9');
    expect(thrown(() => readIdx(dir)).message).toContain('is a folder');
  });
});
