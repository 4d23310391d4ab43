// The image data of parts 3-5 on the grader's side: the synthetic CIFAR-like set (the offline stand-in for
// CIFAR-10), normalised with the training images' channel statistics as the seed's transforms.Normalize does,
// split into training / validation / test images; and the batches of 50 the grader's recorder trains on, in
// the order the probes' loaders (loaderOf) visit them.
import * as tf from '@tensorflow/tfjs';
import { channelStats, syntheticImages, type RawImages } from 'dlgrade/kit';

export interface ImageSplits {
  train: RawImages;
  val: RawImages;
  test: RawImages;
}

export interface SplitSizes {
  train: number;
  val: number;
  test: number;
}

/**
 * Synthetic CIFAR-like images for one run: training and validation images from one stream (the seed's
 * random_split of the training set), test images from an independent one; all normalised with the training
 * images' per-channel mean and std.
 */
export function syntheticSplits(seed: number, sizes: SplitSizes): ImageSplits {
  const all = syntheticImages({ n: sizes.train + sizes.val, seed: `ee449-hw1:${seed}` });
  const testSet = syntheticImages({ n: sizes.test, seed: `ee449-hw1:${seed}:test` });
  const per = all.height * all.width * all.channels;
  const part = (images: Float32Array, labels: Int32Array, from: number, n: number): RawImages => ({
    n,
    height: all.height,
    width: all.width,
    channels: all.channels,
    images: images.slice(from * per, (from + n) * per),
    labels: labels.slice(from, from + n),
  });
  const train = part(all.images, all.labels, 0, sizes.train);
  const { mean, std } = channelStats({ ...train, name: 'synthetic training images', classNames: all.classNames });
  const normalise = (x: RawImages): RawImages => {
    const c = x.channels;
    for (let i = 0; i < x.images.length; i++) x.images[i] = (x.images[i] - mean[i % c]) / std[i % c];
    return x;
  };
  return {
    train: normalise(train),
    val: normalise(part(all.images, all.labels, sizes.train, sizes.val)),
    test: normalise(part(testSet.images, testSet.labels, 0, sizes.test)),
  };
}

export interface TensorBatch {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
}

/** Batches of `batchSize` images in `order` (default: as stored); the caller disposes each batch. */
export function* batchesOf(data: RawImages, batchSize: number, order?: Int32Array): Generator<TensorBatch> {
  const per = data.height * data.width * data.channels;
  for (let start = 0; start < data.n; start += batchSize) {
    const b = Math.min(batchSize, data.n - start);
    const xs = new Float32Array(b * per);
    const ys = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      const j = order ? order[start + i] : start + i;
      xs.set(data.images.subarray(j * per, (j + 1) * per), i * per);
      ys[i] = data.labels[j];
    }
    yield { xs: tf.tensor4d(xs, [b, data.height, data.width, data.channels]), ys: tf.tensor1d(ys, 'int32') };
  }
}
