import { DataError } from './errors.ts';
import type { ImageDataset } from './dataset.ts';

// Normalisation from the data, as seed 002 does it: per-channel mean and std over every pixel of the
// training images (CIFAR-10: data.mean(axis=(0,1,2)) / 255), then x -> (x - mean) / std.

export interface ChannelStats {
  mean: number[];
  std: number[];
}

export interface StatsOptions {
  /**
   * Divide by N-1 instead of N. Seed 002 uses numpy's std (N) for CIFAR-10 and torch's (N-1) for MNIST;
   * over millions of pixels the two differ in the 7th digit. Default false (N).
   */
  unbiased?: boolean;
}

/** Per-channel mean and std over all images and pixels (float64 sums, two passes for accuracy). */
export function channelStats(ds: ImageDataset, opts: StatsOptions = {}): ChannelStats {
  const c = ds.channels;
  const count = ds.n * ds.height * ds.width;
  if (count === 0) throw new DataError(ds.name, 'cannot compute mean and std of an empty dataset');
  if (opts.unbiased && count < 2) throw new DataError(ds.name, 'the unbiased std needs at least 2 pixels per channel');
  const sum = new Float64Array(c);
  const x = ds.images;
  for (let i = 0; i < x.length; i += c) for (let k = 0; k < c; k++) sum[k] += x[i + k];
  const mean = Array.from(sum, (s) => s / count);
  const sq = new Float64Array(c);
  for (let i = 0; i < x.length; i += c) {
    for (let k = 0; k < c; k++) {
      const d = x[i + k] - mean[k];
      sq[k] += d * d;
    }
  }
  const denom = opts.unbiased ? count - 1 : count;
  return { mean, std: Array.from(sq, (s) => Math.sqrt(s / denom)) };
}

function check(stats: ChannelStats, channels: number, source: string): void {
  if (stats.mean.length !== channels || stats.std.length !== channels) {
    throw new DataError(source, `normalisation has ${stats.mean.length} mean(s) and ${stats.std.length} std(s), the images have ${channels} channel(s)`);
  }
  stats.std.forEach((s, k) => {
    if (!(s > 0)) throw new DataError(source, `std of channel ${k} is ${s}: cannot divide by it (constant images?)`);
  });
}

/** (x - mean) / std per channel, in place on an NHWC buffer with `channels` channels. */
export function normalizeInPlace(values: Float32Array, channels: number, stats: ChannelStats, source = 'images'): void {
  check(stats, channels, source);
  for (let i = 0; i < values.length; i += channels) {
    for (let k = 0; k < channels; k++) values[i + k] = (values[i + k] - stats.mean[k]) / stats.std[k];
  }
}

/** A normalised copy of the dataset (the input is left as it was). */
export function normalize(ds: ImageDataset, stats: ChannelStats): ImageDataset {
  const images = ds.images.slice();
  normalizeInPlace(images, ds.channels, stats, ds.name);
  return { ...ds, name: `${ds.name} normalised`, images };
}
