import * as tf from '@tensorflow/tfjs';
import { imageLength, type ImageDataset } from '../data/dataset.ts';
import { BatchLoader } from '../data/loader.ts';
import { channelStats, normalize, type ChannelStats } from '../data/normalize.ts';
import { chainTrainStep } from '../engine/chain-step.ts';
import { planChain } from '../engine/layer-chain.ts';
import { TorchAdam } from '../engine/optimizers/torch-adam.ts';
import { TorchSgd } from '../engine/optimizers/torch-sgd.ts';
import { initLikeTorch } from '../engine/torch-init.ts';
import { GradingFailure } from '../checks/report-helpers.ts';

// The harness's own training of a classifier, run IN THE GRADER on a model rebuilt from the submission's
// topology (no student code runs here, so the engine's fastest configuration is allowed: the native BLAS,
// our one-pass optimizers). What `fit` in the assignments' probes did, made fast: PyTorch-style seeded
// init (initLikeTorch), per-channel normalisation from the training images, the same seeded shuffles as
// BatchLoader, PyTorch's Adam or SGD rule, then the predicted class of every test image.

export interface TrainBudget {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Initial weights (initLikeTorch) and the batch order of every epoch. */
  seed: number;
  /** Default 'adam' (torch.optim.Adam: betas 0.9/0.999, eps 1e-8). */
  optimizer?: 'adam' | 'sgd';
  /** SGD only (torch.optim.SGD's momentum, buffer started at the first gradient). Default 0. */
  momentum?: number;
  /** L2 penalty added to the gradient, as torch.optim.Adam / SGD's weight_decay. Default 0. */
  weightDecay?: number;
}

export interface TrainOptions {
  /**
   * 'auto' (default): models made of the layers the engine trains without tfjs's gradient tape
   * (harness/engine/layer-chain.ts: Dense, Conv2D, BatchNormalization, activations, pooling, Flatten, as a
   * chain) train that way, anything else through the tape; 'tape' forces the tape (comparisons, tests).
   */
  path?: 'auto' | 'tape';
  /**
   * Wall-clock limit of the whole training (ms): past it, the training stops with a GradingFailure saying how
   * far it got. The kit's trainClassifier passes what is left of the running test's limit.
   */
  maxMs?: number;
}

export interface TrainResult {
  /** Mean training loss (softmax cross-entropy) per epoch: the mean of the batch means. */
  epochLoss: number[];
  /** Predicted class (argmax of the logits, inference mode) of each test image, in order. */
  predictions: Int32Array;
  /** Wall time of the whole call. */
  ms: number;
  /** How the steps ran: without the tape ('chain') or through it ('tape'). */
  path: 'chain' | 'tape';
}

/** Test images are predicted in chunks of this many (memory, not numerics: inference is per image). */
const PREDICT_CHUNK = 256;

/**
 * Normalised pixels per (training set, set): suites train several models on the same data (B.train.synthetic:
 * the ConvNet and the FC classifier), and the statistics and normalisation are a few hundredths of a second
 * each. Keyed by the dataset objects, which are read-only.
 */
const normalised = new WeakMap<ImageDataset, WeakMap<ImageDataset, Float32Array>>();
const statsOf = new WeakMap<ImageDataset, ChannelStats>();

function normalisedImages(train: ImageDataset, ds: ImageDataset): Float32Array {
  let stats = statsOf.get(train);
  if (!stats) {
    stats = channelStats(train);
    statsOf.set(train, stats);
  }
  let byTrain = normalised.get(train);
  if (!byTrain) {
    byTrain = new WeakMap();
    normalised.set(train, byTrain);
  }
  let images = byTrain.get(ds);
  if (!images) {
    images = normalize(ds, stats).images;
    byTrain.set(ds, images);
  }
  return images;
}

function checkBudget(b: TrainBudget): void {
  const where = 'trainClassifier';
  for (const k of ['epochs', 'batchSize'] as const) {
    if (!Number.isInteger(b[k]) || b[k] < 1) throw new Error(`${where}: budget.${k} must be a whole number >= 1, got ${b[k]}`);
  }
  if (!(b.lr > 0 && Number.isFinite(b.lr))) throw new Error(`${where}: budget.lr must be a finite number > 0, got ${b.lr}`);
  if (!Number.isInteger(b.seed)) throw new Error(`${where}: budget.seed must be an integer, got ${b.seed}`);
  if (b.optimizer !== undefined && b.optimizer !== 'adam' && b.optimizer !== 'sgd') throw new Error(`${where}: budget.optimizer must be 'adam' or 'sgd', got "${String(b.optimizer)}"`);
  if (b.momentum !== undefined && b.optimizer !== 'sgd') throw new Error(`${where}: budget.momentum applies to optimizer 'sgd' only`);
}

/** The model's input shape per image (from its input layer) and its number of classes, checked against the data. */
function checkData(model: tf.LayersModel, train: ImageDataset, test: ImageDataset): { inputShape: number[]; classes: number } {
  const shape = model.inputs[0]?.shape ?? [];
  const image = [train.height, train.width, train.channels];
  const dims = shape.slice(1);
  // An image-sized input: [H, W, C], or any shape with H*W*C values ([H, W] for grayscale, say).
  const inputShape = dims.every((d): d is number => typeof d === 'number') && dims.reduce((p, d) => p * d, 1) === imageLength(train) ? dims : undefined;
  if (!inputShape) {
    throw new Error(`trainClassifier: the model takes input [${shape.map((d) => d ?? 'batch').join(', ')}], the images of ${train.name} are ${image.join('x')} (${imageLength(train)} values each)`);
  }
  if (test.height !== train.height || test.width !== train.width || test.channels !== train.channels) {
    throw new Error(`trainClassifier: test images (${test.name}) are ${test.height}x${test.width}x${test.channels}, training images ${image.join('x')}`);
  }
  const out = model.outputs[0]?.shape ?? [];
  const classes = out[out.length - 1];
  if (out.length !== 2 || typeof classes !== 'number') throw new Error(`trainClassifier: the model's output is [${out.map((d) => d ?? 'batch').join(', ')}], expected [batch, classes] logits`);
  const maxLabel = train.labels.reduce((m, y) => Math.max(m, y), 0);
  if (maxLabel >= classes) throw new Error(`trainClassifier: ${train.name} has label ${maxLabel}, the model has ${classes} outputs`);
  return { inputShape, classes };
}

/**
 * Trains `model` (its weights are re-initialised from budget.seed) on `train` and predicts `test`.
 * Deterministic: the same model, data and budget give the same losses and predictions on one engine.
 */
export function trainClassifier(model: tf.LayersModel, train: ImageDataset, test: ImageDataset, budget: TrainBudget, options: TrainOptions = {}): TrainResult {
  const t0 = performance.now();
  checkBudget(budget);
  const { inputShape, classes } = checkData(model, train, test);
  initLikeTorch(model, budget.seed);
  // Normalised once for all epochs (BatchLoader normalises each batch again): same values, bit for bit.
  const x = normalisedImages(train, train);
  const xTest = normalisedImages(train, test);
  // The batch order of BatchLoader({ shuffle: true, seed }) epoch by epoch, so runs match the probes' loop.
  const order = new BatchLoader(train, { batchSize: budget.batchSize, shuffle: true, seed: budget.seed });
  const optimizer =
    budget.optimizer === 'sgd'
      ? new TorchSgd({ learningRate: budget.lr, momentum: budget.momentum ?? 0, weightDecay: budget.weightDecay ?? 0 })
      : new TorchAdam({ learningRate: budget.lr, weightDecay: budget.weightDecay ?? 0 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const plan = options.path === 'tape' ? undefined : planChain(model);
  const per = imageLength(train);
  // One buffer for every full batch (tf.tensor copies it onto the backend).
  const batchPixels = new Float32Array(budget.batchSize * per);
  const epochLoss: number[] = [];
  try {
    for (let e = 0; e < budget.epochs; e++) {
      const idx = order.order(e);
      let sum = 0;
      let steps = 0;
      for (let s = 0; s < train.n; s += budget.batchSize) {
        const b = Math.min(budget.batchSize, train.n - s);
        const xs = b === budget.batchSize ? batchPixels : new Float32Array(b * per);
        const ys = new Int32Array(b);
        for (let i = 0; i < b; i++) {
          const j = idx[s + i]!;
          xs.set(x.subarray(j * per, (j + 1) * per), i * per);
          ys[i] = train.labels[j]!;
        }
        sum += tf.tidy(() => {
          const xb = tf.tensor(xs, [b, ...inputShape]);
          if (plan) {
            const step = chainTrainStep(plan, xb, ys);
            optimizer.applyGradients(step.grads);
            return step.loss;
          }
          const yb = tf.oneHot(tf.tensor1d(ys, 'int32'), classes);
          const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(yb, model.apply(xb, { training: true }) as tf.Tensor2D) as tf.Scalar, variables);
          optimizer.applyGradients(grads);
          return value.dataSync()[0]!;
        });
        steps++;
        const ms = performance.now() - t0;
        if (options.maxMs !== undefined && ms > options.maxMs) {
          const total = budget.epochs * Math.ceil(train.n / budget.batchSize);
          throw new GradingFailure(
            `training this architecture in the grader (${budget.epochs} epochs of ${train.n} images, batch ${budget.batchSize}) was stopped after ${e * Math.ceil(train.n / budget.batchSize) + steps} of ${total} steps and ${(ms / 1000).toFixed(1)} s: past the ${(options.maxMs / 1000).toFixed(1)} s this test had left. The model is too slow to train on the budget: fewer or smaller layers train faster`,
          );
        }
      }
      epochLoss.push(sum / steps);
    }
    const predictions = new Int32Array(test.n);
    for (let s = 0; s < test.n; s += PREDICT_CHUNK) {
      const b = Math.min(PREDICT_CHUNK, test.n - s);
      const p = tf.tidy(() => tf.argMax(model.apply(tf.tensor(xTest.subarray(s * per, (s + b) * per), [b, ...inputShape]), { training: false }) as tf.Tensor2D, 1).dataSync());
      predictions.set(p, s);
    }
    return { epochLoss, predictions, ms: performance.now() - t0, path: plan ? 'chain' : 'tape' };
  } finally {
    optimizer.dispose();
  }
}
