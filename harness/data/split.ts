import { makeRng, permutation } from '../engine/seed.ts';
import { DataError } from './errors.ts';
import { subset, type ImageDataset } from './dataset.ts';

// Seeded train/validation split, the way seed 002 uses torch's random_split with a fixed generator:
// one permutation of 0..n-1 from the seed, the first n - valSize indices train, the rest validate.
// Same seed, same split on every run and every backend; the two parts are disjoint and cover 0..n-1.

export interface SplitIndices {
  train: Int32Array;
  val: Int32Array;
}

/** Number of validation images: a count (>= 1, e.g. 10000) or a fraction in (0, 1) of n, rounded. */
export function validationCount(n: number, valSize: number, source = 'split'): number {
  if (!(valSize > 0)) throw new DataError(source, `validation size must be > 0 (a count, or a fraction below 1), got ${valSize}`);
  const k = valSize < 1 ? Math.round(n * valSize) : valSize;
  if (!Number.isInteger(k)) throw new DataError(source, `validation size ${valSize} is neither a whole count nor a fraction below 1`);
  if (k >= n) throw new DataError(source, `validation size ${k} leaves no training images out of ${n}`);
  return k;
}

/** Indices of the split (permutation order, as random_split keeps it). */
export function splitIndices(n: number, valSize: number, seed: number | string): SplitIndices {
  const k = validationCount(n, valSize);
  const p = permutation(n, makeRng(`split:${seed}`));
  return { train: p.slice(0, n - k), val: p.slice(n - k) };
}

/** The two datasets of a seeded split (pixels copied; the input is untouched). */
export function trainValSplit(ds: ImageDataset, opts: { valSize: number; seed: number | string }): { train: ImageDataset; val: ImageDataset } {
  const k = validationCount(ds.n, opts.valSize, ds.name);
  const { train, val } = splitIndices(ds.n, k, opts.seed);
  return {
    train: subset(ds, train, `${ds.name} train split (seed ${opts.seed})`),
    val: subset(ds, val, `${ds.name} validation split (seed ${opts.seed}, ${k})`),
  };
}
