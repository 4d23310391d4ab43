// The grader replays what a submission's trainOneEpoch / trainModel were asked to do (E.1, E.3): the same
// harness model and initial weights (tiny-models.ts), the same batches in the same order, PyTorch's SGD
// (GraderSgd) and StepLR, in the grader's own tfjs. The contract's algorithm gives the expected losses,
// accuracies and final weights; the usual wrong algorithms give what their bugs produce, so feedback can name
// the one a submission's weights match.
import * as tf from '@tensorflow/tfjs';
import { GraderSgd, GraderStepLR, TRAIN_IMAGE, trainCheckModel } from './tiny-models.ts';

/** Images (NHWC, TRAIN_IMAGE each) and labels, consumed in order in batches of batchSize. */
export interface CheckData {
  images: Float32Array;
  labels: Int32Array;
}

export interface SgdSettings {
  lr: number;
  momentum: number;
  weightDecay: number;
}

export interface EpochFigures {
  loss: number;
  accuracy: number;
}

/** How a replay trains: the contract's way, or a usual mistake. */
export type TrainVariant = 'contract' | 'inference-forward' | 'mean-of-batch-means' | 'accuracy-after-step';
/** Where trainModel steps the scheduler: the contract's way (once after each epoch), or a usual mistake. */
export type SchedulerVariant = 'per-epoch' | 'per-batch' | 'per-batch-and-epoch' | 'before-epoch' | 'never';

function batches(data: CheckData, batchSize: number): { xs: tf.Tensor4D; ys: tf.Tensor1D }[] {
  const per = TRAIN_IMAGE[0] * TRAIN_IMAGE[1] * TRAIN_IMAGE[2];
  const n = data.labels.length;
  const out: { xs: tf.Tensor4D; ys: tf.Tensor1D }[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const b = Math.min(batchSize, n - s);
    out.push({ xs: tf.tensor4d(data.images.subarray(s * per, (s + b) * per), [b, ...TRAIN_IMAGE]), ys: tf.tensor1d(data.labels.subarray(s, s + b), 'int32') });
  }
  return out;
}

/** One epoch as `variant` trains it; `afterBatch` runs after each optimizer step (a scheduler stepped per batch). */
function epoch(model: tf.LayersModel, data: CheckData, batchSize: number, optimizer: tf.Optimizer, variant: TrainVariant, afterBatch?: () => void): EpochFigures {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const classes = model.outputs[0]!.shape[1] as number;
  let lossSum = 0;
  let meanSum = 0;
  let correct = 0;
  let count = 0;
  const list = batches(data, batchSize);
  for (const { xs, ys } of list) {
    const b = ys.shape[0];
    const [loss, hits] = tf.tidy(() => {
      // Correct predictions from the same forward pass as the loss: a second training-mode forward would move
      // BatchNorm's running statistics again.
      let counted: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(xs, { training: variant !== 'inference-forward' }) as tf.Tensor2D;
        counted = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'int32')) as tf.Scalar);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(ys, classes), logits) as tf.Scalar;
      }, variables);
      const before = counted!.dataSync()[0]!;
      counted!.dispose();
      optimizer.applyGradients(grads);
      const after = variant === 'accuracy-after-step' ? tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(xs) as tf.Tensor2D, 1), ys), 'int32')).dataSync()[0]! : before;
      return [value.dataSync()[0]!, after];
    });
    lossSum += loss * b;
    meanSum += loss;
    correct += hits;
    count += b;
    afterBatch?.();
  }
  tf.dispose(list.flatMap((x) => [x.xs, x.ys]));
  return { loss: variant === 'mean-of-batch-means' ? meanSum / list.length : lossSum / count, accuracy: (100 * correct) / count };
}

function evaluateOn(model: tf.LayersModel, data: CheckData, batchSize: number): EpochFigures {
  const classes = model.outputs[0]!.shape[1] as number;
  let lossSum = 0;
  let correct = 0;
  const list = batches(data, batchSize);
  for (const { xs, ys } of list) {
    tf.tidy(() => {
      const logits = model.predict(xs) as tf.Tensor2D;
      lossSum += tf.losses.softmaxCrossEntropy(tf.oneHot(ys, classes), logits, undefined, undefined, tf.Reduction.SUM).dataSync()[0]!;
      correct += tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'int32')).dataSync()[0]!;
    });
  }
  tf.dispose(list.flatMap((x) => [x.xs, x.ys]));
  return { loss: lossSum / data.labels.length, accuracy: (100 * correct) / data.labels.length };
}

const allWeights = (m: tf.LayersModel) => m.weights.map((w) => Float32Array.from(w.read().dataSync()));

export interface EpochReplay extends EpochFigures {
  /** Every weight of the model after the epoch (model.weights order, BatchNorm statistics included). */
  weights: Float32Array[];
}

/** E.1: one trainOneEpoch of the check model from `seed` on `data`, with GraderSgd(sgd). */
export function replayTrainOneEpoch(classes: number, seed: number, data: CheckData, batchSize: number, sgd: SgdSettings, variant: TrainVariant = 'contract'): EpochReplay {
  const model = trainCheckModel(classes, seed);
  const optimizer = new GraderSgd(sgd.lr, sgd.momentum, sgd.weightDecay);
  try {
    const figures = epoch(model, data, batchSize, optimizer, variant);
    return { ...figures, weights: allWeights(model) };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

export interface TrainModelReplay {
  trainLoss: number[];
  trainAcc: number[];
  testLoss: number[];
  testAcc: number[];
  weights: Float32Array[];
}

export interface ScheduleSettings {
  stepSize: number;
  gamma: number;
  epochs: number;
}

/** E.3: trainModel of the check model with GraderSgd(sgd) and a StepLR, the scheduler stepped as `variant` says. */
export function replayTrainModel(
  classes: number,
  seed: number,
  train: CheckData,
  test: CheckData,
  batchSize: number,
  sgd: SgdSettings,
  schedule: ScheduleSettings,
  variant: SchedulerVariant = 'per-epoch',
): TrainModelReplay {
  const model = trainCheckModel(classes, seed);
  const optimizer = new GraderSgd(sgd.lr, sgd.momentum, sgd.weightDecay);
  const scheduler = new GraderStepLR(optimizer, schedule.stepSize, schedule.gamma);
  const h: TrainModelReplay = { trainLoss: [], trainAcc: [], testLoss: [], testAcc: [], weights: [] };
  const perBatch = variant === 'per-batch' || variant === 'per-batch-and-epoch';
  try {
    for (let e = 0; e < schedule.epochs; e++) {
      if (variant === 'before-epoch') scheduler.step();
      const tr = epoch(model, train, batchSize, optimizer, 'contract', perBatch ? () => scheduler.step() : undefined);
      const te = evaluateOn(model, test, batchSize);
      if (variant === 'per-epoch' || variant === 'per-batch-and-epoch') scheduler.step();
      h.trainLoss.push(tr.loss);
      h.trainAcc.push(tr.accuracy);
      h.testLoss.push(te.loss);
      h.testAcc.push(te.accuracy);
    }
    h.weights = allWeights(model);
    return h;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** Largest |a - b| over two weight lists of the same outline (Infinity when the outlines differ). */
export function weightsDistance(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < b.length; i++) {
    if (a[i]!.length !== b[i]!.length) return Infinity;
    for (let j = 0; j < b[i]!.length; j++) {
      const e = Math.abs(a[i]![j]! - b[i]![j]!);
      if (!(e <= d)) d = Number.isNaN(e) ? Infinity : e;
    }
  }
  return d;
}
