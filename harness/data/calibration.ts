import * as tf from '@tensorflow/tfjs';
import { initLikeTorch } from '../engine/torch-init.ts';
import { convNet } from '../models/convnet.ts';
import { fullyConnectedClassifier } from '../models/fully-connected.ts';
import { BatchLoader } from './loader.ts';
import { channelStats } from './normalize.ts';
import { syntheticImages } from './synthetic.ts';
import type { ImageDataset } from './dataset.ts';

// Measures what the synthetic set is calibrated for: after the same short seeded budget, a small ConvNet
// beats a larger MLP on held-out synthetic images (seed 003's point, on data that needs no download).
// Used by synthetic.calibration.test.ts (a cheap budget) and calibrate.ts (the reference pair, longer).

export interface Budget {
  trainImages: number;
  testImages: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the training set, the weights and the batch order; the test set uses seed + 1000. */
  seed: number;
}

export interface Score {
  model: string;
  params: number;
  /** Held-out accuracy in %. */
  accuracy: number;
  /** Mean training loss of the last epoch. */
  lastLoss: number;
  ms: number;
}

export type ModelName = 'convnet' | 'fc-csci' | 'simple-mlp';

/** The reference models: the CSCI-5501 ConvNet (63,402), its CIFAR FC classifier [1024,512,256] SiLU (3,805,450), seed 003's SimpleMLP (308,310). */
export function buildModel(name: ModelName): tf.Sequential {
  switch (name) {
    case 'convnet':
      return convNet();
    case 'fc-csci':
      return fullyConnectedClassifier({ imageSize: [32, 32, 3], hiddenUnits: [1024, 512, 256], activation: 'silu' });
    case 'simple-mlp':
      return fullyConnectedClassifier({ imageSize: [32, 32, 3], hiddenUnits: [100], activation: 'relu' });
  }
}

/** Trainable parameters, counted the PyTorch way (BatchNorm moving statistics excluded). */
export function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + w.read().size, 0);
}

function evaluate(model: tf.LayersModel, test: ImageDataset, loader: BatchLoader): number {
  let correct = 0;
  for (const { xs, ys } of loader.epoch(0)) {
    const hit = tf.tidy(() => tf.equal(tf.argMax(model.predict(xs) as tf.Tensor2D, 1), ys).sum().dataSync()[0]);
    correct += hit;
  }
  return (100 * correct) / test.n;
}

/** Trains `name` on `train` with Adam for the budget, then scores it on `test`. */
export function trainAndScore(name: ModelName, train: ImageDataset, test: ImageDataset, b: Budget): Score {
  const t0 = Date.now();
  const model = buildModel(name);
  initLikeTorch(model, `weights:${b.seed}`);
  const stats = channelStats(train);
  const trainLoader = new BatchLoader(train, { batchSize: b.batchSize, shuffle: true, seed: b.seed, normalize: stats, labels: 'onehot' });
  const testLoader = new BatchLoader(test, { batchSize: 256, normalize: stats });
  const opt = tf.train.adam(b.learningRate, 0.9, 0.999, 1e-8);
  let lastLoss = NaN;
  for (let e = 0; e < b.epochs; e++) {
    let sum = 0;
    let steps = 0;
    for (const { xs, ys } of trainLoader.epoch(e)) {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor2D) as tf.Scalar, true);
      if (loss) {
        sum += loss.dataSync()[0];
        loss.dispose();
      }
      steps++;
    }
    lastLoss = sum / steps;
  }
  const accuracy = evaluate(model, test, testLoader);
  const params = trainableParams(model);
  model.dispose();
  opt.dispose();
  return { model: name, params, accuracy, lastLoss, ms: Date.now() - t0 };
}

/** The synthetic train and held-out sets of a budget. */
export function budgetData(b: Budget): { train: ImageDataset; test: ImageDataset } {
  return { train: syntheticImages({ n: b.trainImages, seed: b.seed }), test: syntheticImages({ n: b.testImages, seed: b.seed + 1000 }) };
}
