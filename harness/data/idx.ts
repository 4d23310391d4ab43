import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { DataError, fmt } from './errors.ts';
import { readBytes } from './files.ts';
import { makeDataset, type ImageDataset } from './dataset.ts';

// The IDX format of MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number (0, 0, type code,
// number of dimensions), one big-endian uint32 per dimension, then the values big-endian, row-major.

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
type IdxValues = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  dims: number[];
  data: IdxValues;
}

const TYPES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: 'uint8', size: 1 },
  0x09: { type: 'int8', size: 1 },
  0x0b: { type: 'int16', size: 2 },
  0x0c: { type: 'int32', size: 4 },
  0x0d: { type: 'float32', size: 4 },
  0x0e: { type: 'float64', size: 8 },
};

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** Parses IDX bytes; `source` names the file in errors. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) throw new DataError(source, `not an IDX file: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  const [z0, z1, code, ndim] = bytes;
  const t = TYPES[code];
  if (z0 !== 0 || z1 !== 0 || !t || ndim === 0) {
    const magic = [z0, z1, code, ndim].map(hex).join(' ');
    throw new DataError(source, `bad IDX magic number ${magic}: expected 0x00 0x00, a type code (0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float, 0x0e double) and a dimension count >= 1 (MNIST images: 00 00 08 03, labels: 00 00 08 01)`);
  }
  const headerLen = 4 + 4 * ndim;
  if (bytes.length < headerLen) throw new DataError(source, `truncated IDX header: ${ndim} dimensions need ${headerLen} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerLen + count * t.size;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'trailing bytes';
    throw new DataError(source, `${what}: dimensions ${dims.join('x')} of ${t.type} need ${fmt(expected)} bytes (header ${headerLen} + ${fmt(count)} x ${t.size}), the file has ${fmt(bytes.length)}`);
  }
  let data: IdxValues;
  switch (t.type) {
    case 'uint8':
      data = bytes.slice(headerLen, expected);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(headerLen, expected).buffer);
      break;
    default: {
      // Multi-byte values are big-endian; DataView reads them whatever the host's byte order.
      const read = {
        int16: (o: number) => view.getInt16(o, false),
        int32: (o: number) => view.getInt32(o, false),
        float32: (o: number) => view.getFloat32(o, false),
        float64: (o: number) => view.getFloat64(o, false),
      }[t.type];
      const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[t.type];
      const out = new Ctor(count);
      for (let i = 0; i < count; i++) out[i] = read(headerLen + i * t.size);
      data = out;
    }
  }
  return { type: t.type, dims, data };
}

/** Reads an IDX file (`.gz` decompressed). */
export function readIdx(path: string): IdxArray {
  return parseIdx(readBytes(path), path);
}

export interface IdxImagesOptions {
  name?: string;
  classNames?: readonly string[];
}

/**
 * Images [n, rows, cols] ubyte (scaled to [0,1]) and labels [n] ubyte, as a one-channel dataset.
 * Both files must agree on n; labels must fit the classes (10 digits unless classNames says otherwise).
 */
export function loadIdxImages(imagesPath: string, labelsPath: string, opts: IdxImagesOptions = {}): ImageDataset {
  const img = readIdx(imagesPath);
  const lab = readIdx(labelsPath);
  if (img.type !== 'uint8' || img.dims.length !== 3) {
    throw new DataError(imagesPath, `expected an image file (ubyte, 3 dimensions n x rows x cols: magic 00 00 08 03), got ${img.type} with ${img.dims.length} dimension(s) ${img.dims.join('x')}`);
  }
  if (lab.type !== 'uint8' || lab.dims.length !== 1) {
    throw new DataError(labelsPath, `expected a label file (ubyte, 1 dimension: magic 00 00 08 01), got ${lab.type} with ${lab.dims.length} dimension(s) ${lab.dims.join('x')}`);
  }
  const [n, rows, cols] = img.dims;
  if (lab.dims[0] !== n) throw new DataError(labelsPath, `${fmt(lab.dims[0])} labels but ${imagesPath} has ${fmt(n)} images`);
  const classNames = opts.classNames ?? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const labels = new Int32Array(lab.data);
  for (let i = 0; i < n; i++) {
    if (labels[i] >= classNames.length) throw new DataError(labelsPath, `label ${i} is ${labels[i]}, expected 0..${classNames.length - 1}`);
  }
  const images = new Float32Array(img.data.length);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] / 255;
  return makeDataset({ name: opts.name ?? imagesPath, height: rows, width: cols, channels: 1, images, labels, classNames });
}

/** `dir/base` or `dir/base.gz`, whichever exists (plain first); undefined if neither. */
export function findIdxFile(dir: string, base: string): string | undefined {
  for (const p of [join(dir, base), join(dir, `${base}.gz`)]) if (existsSync(p)) return p;
  return undefined;
}
