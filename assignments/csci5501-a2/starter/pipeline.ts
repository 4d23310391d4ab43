import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader, DataPipeline, PipelineOptions, RawImages } from './contract.ts';
import { randomCrop, randomHorizontalFlip, randomRotation, type ImageShape } from './augment.ts';
import { randomPermutation, seededRandom, type Random } from './random.ts';

// D. The data part of the notebook's train_model: normalisation computed from the training data, a seeded
// train/validation split, augmentation of the training images only, and batched loaders.

/** Per-channel mean and std over every pixel of the set (numpy's std: divide by N). */
export function channelMeanStd(raw: RawImages): [number[], number[]] {
  const c = raw.channels;
  const count = raw.images.length / c;
  const sum = new Float64Array(c);
  for (let i = 0; i < raw.images.length; i++) sum[i % c] += raw.images[i];
  const mean = Array.from(sum, (s) => s / count);
  const sq = new Float64Array(c);
  for (let i = 0; i < raw.images.length; i++) {
    const d = raw.images[i] - mean[i % c];
    sq[i % c] += d * d;
  }
  return [mean, Array.from(sq, (s) => Math.sqrt(s / count))];
}

type Augment = (img: Float32Array, s: ImageShape, random: Random) => Float32Array;

const AUGMENT: Record<'mnist' | 'cifar10', Augment> = {
  // transforms.RandomRotation(10)
  mnist: (img, s, random) => randomRotation(img, s, 10, random),
  // transforms.RandomHorizontalFlip(), transforms.RandomCrop(32, padding=4)
  cifar10: (img, s, random) => randomCrop(randomHorizontalFlip(img, s, random), s, 4, random),
};

interface LoaderSpec {
  raw: RawImages;
  indices: Int32Array;
  batchSize: number;
  mean: number[];
  std: number[];
  /** Shuffle and augment with a new seeded stream every epoch (training data only). */
  train?: { seed: number; augment: Augment };
}

function makeLoader(spec: LoaderSpec): DataLoader {
  const { raw, indices, batchSize, mean, std, train } = spec;
  const shape: ImageShape = { height: raw.height, width: raw.width, channels: raw.channels };
  const per = raw.height * raw.width * raw.channels;
  let epoch = 0;
  return tf.data.generator<Batch>(function* () {
    const random = train ? seededRandom(train.seed * 7919 + ++epoch) : undefined;
    const order = train && random ? Int32Array.from(randomPermutation(indices.length, random), (i) => indices[i]) : indices;
    for (let start = 0; start < order.length; start += batchSize) {
      const ids = order.subarray(start, Math.min(order.length, start + batchSize));
      const values = new Float32Array(ids.length * per);
      const labels = new Int32Array(ids.length);
      ids.forEach((j, b) => {
        let img = raw.images.subarray(j * per, (j + 1) * per) as Float32Array;
        if (train && random) img = train.augment(img, shape, random);
        // transforms.Normalize(mean, std)
        for (let p = 0; p < per; p++) values[b * per + p] = (img[p] - mean[p % raw.channels]) / std[p % raw.channels];
        labels[b] = raw.labels[j];
      });
      yield { xs: tf.tensor4d(values, [ids.length, raw.height, raw.width, raw.channels]), ys: tf.tensor1d(labels, 'int32') };
    }
  });
}

export function createDataPipeline(dataset: 'mnist' | 'cifar10', raw: { train: RawImages; test: RawImages }, opts: PipelineOptions = {}): DataPipeline {
  const augment = AUGMENT[dataset];
  if (!augment) throw new Error(`unknown dataset "${dataset}" (mnist or cifar10)`);
  const { valSize = 10000, seed = 0, batchSize = 64 } = opts;
  const [mean, std] = opts.meanStd ?? channelMeanStd(raw.train);
  const n = raw.train.n;
  if (valSize >= n) throw new Error(`valSize ${valSize} leaves no training images out of ${n}`);
  // random_split(..., generator=torch.Generator().manual_seed(seed)): one seeded permutation.
  const perm = randomPermutation(n, seededRandom(seed));
  const trainIndices = perm.slice(0, n - valSize);
  const valIndices = perm.slice(n - valSize);
  const all = Int32Array.from({ length: raw.test.n }, (_, i) => i);
  return {
    mean,
    std,
    trainIndices,
    valIndices,
    train: makeLoader({ raw: raw.train, indices: trainIndices, batchSize, mean, std, train: { seed, augment } }),
    val: makeLoader({ raw: raw.train, indices: valIndices, batchSize, mean, std }),
    test: makeLoader({ raw: raw.test, indices: all, batchSize, mean, std }),
  };
}
