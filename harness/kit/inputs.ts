// Seeded inputs checks feed to a submission, built on both sides from the same arguments where needed: a
// probe (in the sandbox) builds them to call the student's code, the suite (in the grader) rebuilds them to
// compute the expected answer, so only the arguments cross. Every value comes from makeRng, never Math.random.
import { makeRng } from '../engine/seed.ts';
import type { RawImages } from './raw-images.ts';

export interface ImageSpec {
  n: number;
  height: number;
  width: number;
  channels: number;
  seed: number | string;
  /** Labels are drawn from 0..classes-1. Default 10. */
  classes?: number;
}

/**
 * Random images in [0, 1] whose channels have different means and spreads (channel k: offset 0.1k, scale
 * 1 - 0.25k, clamped), so a normalisation over the wrong axis shows.
 */
export function randomImages(spec: ImageSpec): RawImages {
  const { n, height, width, channels } = spec;
  const classes = spec.classes ?? 10;
  const rng = makeRng(`images:${spec.seed}`);
  const images = new Float32Array(n * height * width * channels);
  for (let i = 0; i < images.length; i++) {
    const k = i % channels;
    images[i] = Math.min(1, 0.1 * k + (1 - 0.25 * k) * rng.next());
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.int(classes);
  return { n, height, width, channels, images, labels };
}

/** Separable points: `classes` Gaussian blobs in 8 dimensions, shaped [n, 2, 2, 2] (tiny models train on them in steps). */
export function blobs(n: number, seed: number | string, classes = 3): RawImages {
  const rng = makeRng(`blobs:${seed}`);
  const centres = Array.from({ length: classes }, () => Array.from({ length: 8 }, () => 2 * rng.normal()));
  const images = new Float32Array(n * 8);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = i % classes;
    labels[i] = y;
    for (let d = 0; d < 8; d++) images[i * 8 + d] = centres[y]![d]! + 0.7 * rng.normal();
  }
  return { n, height: 2, width: 2, channels: 2, images, labels };
}

/** Seeded values in [-scale, scale). */
export function uniformValues(count: number, seed: number | string, scale = 1): Float32Array {
  const rng = makeRng(`values:${seed}`);
  const v = new Float32Array(count);
  for (let i = 0; i < count; i++) v[i] = scale * (2 * rng.next() - 1);
  return v;
}

/** Batch sizes of `n` items in batches of `batchSize` (the last may be smaller). */
export function batchSizes(n: number, batchSize: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < n; s += batchSize) out.push(Math.min(batchSize, n - s));
  return out;
}
