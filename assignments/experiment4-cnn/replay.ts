// The grader's replay of the training function (exercise F): the contract's train_one_epoch with trusted
// pieces (stateless SGD driven by OneCycleLR, clipping, label smoothing, the contract's random draws) on the same
// model, weights and batches the probe gave the submission. A submission's trajectory is right when it
// lands where the replay lands; the variants replay the usual mistakes, so feedback can name the one made.
import * as tf from '@tensorflow/tfjs';
import { createRandom, type Criterion, type DataLoader, type LrScheduler, type Metrics } from './contract.ts';
import { arrayLoader, type ArrayImages } from './loaders.ts';
import { flatWeights, loopModel, setLoopWeights, type LoopModelSpec } from './loop-model.ts';
import { OneCycleDriver } from './one-cycle.ts';
import { TrustedSgd } from './trusted-sgd.ts';

export interface LoopSetup {
  spec: LoopModelSpec;
  data: ArrayImages;
  batchSize: number;
  epochs: number;
  /** The run seed of the random source (createRandom). */
  seed: number;
  initialWeights: Float32Array[];
  maxLr: number;
  pctStart: number;
  mixupAlpha: number;
  maxGradNorm: number;
  labelSmoothing: number;
}

export interface EpochRecord extends Metrics {
  /** model.getWeights() after the epoch, flattened. */
  weights: Float32Array;
}

/** The usual mistakes in train_one_epoch, replayed to name them. */
export type LoopVariant = 'torch' | 'schedule-per-epoch' | 'clip-after-step' | 'no-smoothing' | 'accuracy-y-a';

export const LOOP_MISTAKES: Record<Exclude<LoopVariant, 'torch'>, string> = {
  'schedule-per-epoch': 'scheduler.step() runs once per epoch; OneCycleLR is stepped after every batch (its total is epochs * batches)',
  'clip-after-step': 'the gradients are clipped after optimizer.applyGradients (or not at all): clip first, then step with the clipped gradients',
  'no-smoothing': 'the training loss has no label smoothing: use the criterion you were given',
  'accuracy-y-a': 'the accuracy counts predictions against yA only; with MixUp it is lam * #(pred == yA) + (1 - lam) * #(pred == yB)',
};

export function harnessCriterion(smoothing: number): Criterion {
  return (logits, labels) => tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]), logits, undefined, smoothing) as tf.Scalar);
}

/** The trusted optimizer + OneCycleLR pair a check passes to a training loop (and the replay uses). */
export function trustedOptimizer(setup: Pick<LoopSetup, 'maxLr' | 'pctStart' | 'epochs'>, stepsPerEpoch: number): { optimizer: TrustedSgd; scheduler: OneCycleDriver } {
  const optimizer = new TrustedSgd(setup.maxLr / 25);
  const scheduler = new OneCycleDriver(optimizer, { maxLr: setup.maxLr, totalSteps: setup.epochs * stepsPerEpoch, pctStart: setup.pctStart });
  return { optimizer, scheduler };
}

function clip(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  const names = Object.keys(grads);
  const norm = Math.sqrt(names.reduce((s, n) => s + tf.tidy(() => tf.sum(tf.square(grads[n])).dataSync()[0]), 0));
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  return { grads: Object.fromEntries(names.map((n) => [n, tf.mul(grads[n], coef)])), norm };
}

/** One epoch of the contract's train_one_epoch (or a variant), on `model`. */
async function epoch(model: tf.LayersModel, loader: DataLoader, criterion: Criterion, optimizer: tf.Optimizer, scheduler: LrScheduler, setup: LoopSetup, random: ReturnType<typeof createRandom>, variant: LoopVariant, norms: number[]): Promise<Metrics> {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let lossSum = 0;
  let correct = 0;
  let total = 0;
  let batches = 0;
  for (const { xs, ys } of loader.batches()) {
    const lam = setup.mixupAlpha > 0 ? random.beta(setup.mixupAlpha, setup.mixupAlpha) : 1;
    const index = tf.tensor1d(random.permutation(xs.shape[0]), 'int32');
    const x = tf.tidy(() => tf.add(tf.mul(xs, lam), tf.mul(tf.gather(xs, index), 1 - lam)) as tf.Tensor4D);
    const yB = tf.gather(ys, index) as tf.Tensor1D;
    let logits: tf.Tensor2D | undefined;
    const { value, grads } = tf.variableGrads(() => {
      logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor2D);
      return tf.tidy(() => tf.add(tf.mul(criterion(logits!, ys), lam), tf.mul(criterion(logits!, yB), 1 - lam)) as tf.Scalar);
    }, variables);
    const clipped = clip(grads, setup.maxGradNorm);
    norms.push(clipped.norm);
    optimizer.applyGradients(variant === 'clip-after-step' ? grads : clipped.grads);
    if (variant !== 'schedule-per-epoch') scheduler.step();
    lossSum += value.dataSync()[0];
    const [a, b] = tf.tidy(() => {
      const predicted = tf.argMax(logits!, 1);
      const hits = (y: tf.Tensor1D) => tf.sum(tf.cast(tf.equal(predicted, y), 'float32')).dataSync()[0];
      return [hits(ys), hits(yB)];
    });
    correct += variant === 'accuracy-y-a' ? a : lam * a + (1 - lam) * b;
    total += xs.shape[0];
    batches += 1;
    tf.dispose([xs, ys, index, x, yB, value, logits!, ...Object.values(grads), ...Object.values(clipped.grads)]);
  }
  if (variant === 'schedule-per-epoch') scheduler.step();
  return { loss: lossSum / batches, accuracy: (100 * correct) / total };
}

/** The replayed run: metrics and weights after each epoch, and the gradient norm of every step (before clipping). */
export async function replayLoop(setup: LoopSetup, variant: LoopVariant = 'torch'): Promise<{ epochs: EpochRecord[]; gradNorms: number[] }> {
  const model = loopModel(setup.spec);
  setLoopWeights(model, setup.initialWeights);
  const loader = arrayLoader(setup.data, setup.batchSize);
  const { optimizer, scheduler } = trustedOptimizer(setup, loader.length);
  const criterion = harnessCriterion(variant === 'no-smoothing' ? 0 : setup.labelSmoothing);
  const random = createRandom(setup.seed);
  const epochs: EpochRecord[] = [];
  const gradNorms: number[] = [];
  try {
    for (let e = 0; e < setup.epochs; e++) {
      const m = await epoch(model, loader, criterion, optimizer, scheduler, setup, random, variant, gradNorms);
      epochs.push({ ...m, weights: flatWeights(model) });
    }
    return { epochs, gradNorms };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
