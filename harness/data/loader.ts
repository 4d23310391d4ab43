import * as tf from '@tensorflow/tfjs';
import { makeRng, permutation } from '../engine/seed.ts';
import { DataError } from './errors.ts';
import { imageLength, type ImageDataset } from './dataset.ts';
import { augmentInto, type AugmentOptions } from './augment.ts';
import { normalizeInPlace, type ChannelStats } from './normalize.ts';

// Mini-batches as tensors, like torch's DataLoader: optional seeded shuffle (a new order each epoch),
// augmentation then normalisation per batch (torchvision's order: augment the raw image, then Normalize),
// drop-last. Each epoch draws from its own stream, makeRng(`loader:<seed>:epoch:<e>`), so epoch e is the
// same whether or not earlier epochs ran (a resumed run sees the same batches).

export interface LoaderOptions {
  batchSize: number;
  /** New seeded order every epoch (train); false keeps dataset order (validation, test). Default false. */
  shuffle?: boolean;
  /** Skip the last, smaller batch. Default false. */
  dropLast?: boolean;
  /** Needed when shuffling or augmenting. */
  seed?: number | string;
  /** Random augmentation of each image, applied to the raw pixels before normalisation. */
  augment?: AugmentOptions;
  /** Per-channel (x - mean) / std after augmentation. */
  normalize?: ChannelStats;
  /** ys as int32 [b] class indices (default) or float32 [b, classes] one-hot. */
  labels?: 'index' | 'onehot';
  /**
   * Default true: a batch's tensors are disposed when the next batch is drawn or the loop ends (also on
   * break or throw), so a training loop cannot leak them. false: the consumer disposes every batch.
   */
  autoDispose?: boolean;
}

export interface Batch {
  /** [b, h, w, c] float32. */
  xs: tf.Tensor4D;
  /** [b] int32 class indices, or [b, classes] float32 one-hot. */
  ys: tf.Tensor1D | tf.Tensor2D;
  /** Which dataset images, in batch order. */
  indices: Int32Array;
  /** Epoch and batch number (from 0). */
  epoch: number;
  step: number;
}

export class BatchLoader {
  private nextEpoch = 0;
  private readonly opts: Required<Pick<LoaderOptions, 'shuffle' | 'dropLast' | 'labels' | 'autoDispose'>> & LoaderOptions;

  constructor(
    readonly dataset: ImageDataset,
    options: LoaderOptions,
  ) {
    const src = `batch loader over ${dataset.name}`;
    const b = options.batchSize;
    if (!Number.isInteger(b) || b < 1) throw new DataError(src, `batchSize must be a whole number >= 1, got ${b}`);
    if (dataset.n === 0) throw new DataError(src, 'the dataset is empty');
    if (options.dropLast && dataset.n < b) throw new DataError(src, `dropLast with batchSize ${b} and ${dataset.n} images yields no batch at all`);
    if ((options.shuffle || options.augment) && options.seed === undefined) {
      throw new DataError(src, 'shuffle and augment need a seed (runs must be reproducible)');
    }
    this.opts = { shuffle: false, dropLast: false, labels: 'index', autoDispose: true, ...options };
  }

  /** Batches per epoch. */
  get length(): number {
    const { n } = this.dataset;
    const b = this.opts.batchSize;
    return this.opts.dropLast ? Math.floor(n / b) : Math.ceil(n / b);
  }

  /** The image order of epoch `e` (identity when not shuffling). */
  order(e: number): Int32Array {
    if (!this.opts.shuffle) return Int32Array.from({ length: this.dataset.n }, (_, i) => i);
    return permutation(this.dataset.n, this.epochRng(e));
  }

  private epochRng(e: number) {
    return makeRng(`loader:${this.opts.seed}:epoch:${e}`);
  }

  /**
   * The batches of epoch `e` (default: the epoch after the last one started). With autoDispose (default),
   * a batch lives until the next is drawn: tf.clone what must outlive it.
   */
  *epoch(e: number = this.nextEpoch): Generator<Batch, void, undefined> {
    this.nextEpoch = e + 1;
    const ds = this.dataset;
    const { batchSize, augment, normalize, labels, autoDispose } = this.opts;
    // One stream per epoch: the permutation first, then the augmentation draws, in batch order.
    const rng = this.epochRng(e);
    const order = this.opts.shuffle ? permutation(ds.n, rng) : Int32Array.from({ length: ds.n }, (_, i) => i);
    const per = imageLength(ds);
    let live: Batch | undefined;
    const release = () => {
      if (live && autoDispose) {
        live.xs.dispose();
        live.ys.dispose();
      }
      live = undefined;
    };
    try {
      for (let step = 0; step < this.length; step++) {
        const indices = order.slice(step * batchSize, Math.min(ds.n, (step + 1) * batchSize));
        const b = indices.length;
        const values = new Float32Array(b * per);
        if (augment) augmentInto(ds, indices, augment, rng, values);
        else for (let i = 0; i < b; i++) values.set(ds.images.subarray(indices[i] * per, (indices[i] + 1) * per), i * per);
        if (normalize) normalizeInPlace(values, ds.channels, normalize, ds.name);
        const y = new Int32Array(b);
        for (let i = 0; i < b; i++) y[i] = ds.labels[indices[i]];
        release();
        const xs = tf.tensor4d(values, [b, ds.height, ds.width, ds.channels], 'float32');
        const ys =
          labels === 'onehot' ? tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), ds.classNames.length).toFloat() as tf.Tensor2D) : tf.tensor1d(y, 'int32');
        live = { xs, ys, indices, epoch: e, step };
        yield live;
      }
    } finally {
      release();
    }
  }
}
