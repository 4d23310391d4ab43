// F: the convergence budgets, on a four-class subset of the synthetic CIFAR-like set (harness/data/synthetic.ts:
// horizontal stripes, checkerboard, disc, plus), sized for one CPU core. The seed trains 30 epochs of CIFAR-10
// on a GPU (TinyVGG 85%, AlexNet 74.5%, BaselineNN 46.6%); these budgets keep its optimizer (SGD lr 0.01,
// momentum 0.9, weight decay 5e-4) and what a small budget can show: TinyVGG above BaselineNN. Everything
// measured here is computed in the grader: its own training of the rebuilt models, or its own evaluation of the
// weights a submission trained, on held-out images whose labels never leave the grader.
import * as tf from '@tensorflow/tfjs';
import { channelStats, initLikeTorch, makeDataset, subset, syntheticImages, TorchSgd, trainClassifier, type ImageDataset, type TrainResult } from 'dlgrade/kit';
import { confusionMatrixOf, expectedF1 } from './sklearn-metrics.ts';

/** The synthetic classes of the budgets, in the order of the subset's labels 0..3. */
export const SUBSET_CLASSES = [0, 4, 5, 7] as const;
export const SUBSET_NAMES = ['stripes', 'checkers', 'disc', 'plus'];

/** The first `n` images of syntheticImages(seed) whose class is in SUBSET_CLASSES, labelled 0..3. */
export function subsetImages(n: number, seed: number): ImageDataset {
  const all = syntheticImages({ n: Math.ceil((n * 10) / SUBSET_CLASSES.length) + 40, seed });
  const keep: number[] = [];
  for (let i = 0; i < all.n && keep.length < n; i++) if ((SUBSET_CLASSES as readonly number[]).includes(all.labels[i]!)) keep.push(i);
  if (keep.length < n) throw new Error(`subsetImages: only ${keep.length} of ${n} images of the four classes in the first ${all.n} (seed ${seed})`);
  const s = subset(all, keep);
  return makeDataset({
    name: `synthetic 4-class subset (seed ${seed}, ${n} images)`,
    height: s.height,
    width: s.width,
    channels: s.channels,
    images: s.images,
    labels: Int32Array.from(s.labels, (y) => (SUBSET_CLASSES as readonly number[]).indexOf(y)),
    classNames: SUBSET_NAMES,
  });
}

export const accuracyOf = (predictions: ArrayLike<number>, labels: ArrayLike<number>) => {
  let c = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) c++;
  return (100 * c) / labels.length;
};

export interface Budget {
  trainImages: number;
  testImages: number;
  epochs: number;
  batchSize: number;
  dataSeed: number;
  seed: number;
}

/** trainClassifier with the seed's optimizer. */
export function trainWithSeedOptimizer(model: tf.LayersModel, train: ImageDataset, test: ImageDataset, b: Budget): TrainResult {
  return trainClassifier(model, train, test, { epochs: b.epochs, batchSize: b.batchSize, lr: 0.01, seed: b.seed, optimizer: 'sgd', momentum: 0.9, weightDecay: 5e-4 });
}

/** Held-out predictions of a model whose weights a submission trained: normalised with the training set's statistics. */
export function predictHeldOut(model: tf.LayersModel, train: ImageDataset, test: ImageDataset): Int32Array {
  const stats = channelStats(train);
  const per = test.height * test.width * test.channels;
  const x = new Float32Array(test.images.length);
  for (let i = 0; i < x.length; i++) x[i] = (test.images[i]! - stats.mean[i % test.channels]!) / stats.std[i % test.channels]!;
  const out = new Int32Array(test.n);
  for (let s = 0; s < test.n; s += 256) {
    const b = Math.min(256, test.n - s);
    out.set(tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(x.subarray(s * per, (s + b) * per), [b, test.height, test.width, test.channels])) as tf.Tensor2D, 1).dataSync()), s);
  }
  return out;
}

/** Normalised confusion matrix and per-class F1 of held-out predictions (the grader's own metrics). */
export function heldOutMetrics(predictions: ArrayLike<number>, labels: ArrayLike<number>): { confusion: number[][]; normalized: number[][]; f1: number[]; macroF1: number } {
  const k = SUBSET_NAMES.length;
  const confusion = confusionMatrixOf(labels, predictions, k);
  const normalized = confusion.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s ? v / s : 0));
  });
  const f1 = expectedF1(labels, predictions, k);
  return { confusion, normalized, f1: f1.perClass, macroF1: f1.macro };
}

export interface StepReport {
  lossBefore: number;
  lossAfter: number;
  /** Trainable weight tensors the step left unchanged. */
  unchanged: string[];
  tensors: number;
  ms: number;
}

/** AlexNet's budget: initialised like PyTorch, one SGD step (the seed's optimizer) on a batch, the loss before and after. */
export function oneSgdStep(model: tf.LayersModel, batch: ImageDataset, seed: number): StepReport {
  const t0 = performance.now();
  initLikeTorch(model, seed);
  const stats = channelStats(batch);
  const x = new Float32Array(batch.images.length);
  for (let i = 0; i < x.length; i++) x[i] = (batch.images[i]! - stats.mean[i % batch.channels]!) / stats.std[i % batch.channels]!;
  const classes = model.outputs[0]!.shape[1] as number;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const before = variables.map((v) => v.clone());
  const optimizer = new TorchSgd({ learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4 });
  try {
    const [lossBefore, lossAfter] = tf.tidy(() => {
      const xs = tf.tensor4d(x, [batch.n, batch.height, batch.width, batch.channels]);
      const ys = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), classes);
      const loss = () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor2D) as tf.Scalar;
      const { value, grads } = tf.variableGrads(loss, variables);
      optimizer.applyGradients(grads);
      const after = tf.losses.softmaxCrossEntropy(ys, model.predict(xs) as tf.Tensor2D) as tf.Scalar;
      return [value.dataSync()[0]!, after.dataSync()[0]!];
    });
    const unchanged = model.trainableWeights.filter((w, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(w.read(), before[i]!))).dataSync()[0]!) === 0).map((w) => w.originalName);
    return { lossBefore, lossAfter, unchanged, tensors: variables.length, ms: performance.now() - t0 };
  } finally {
    tf.dispose(before);
    optimizer.dispose();
  }
}
