// Exercise A.2 in the grader: the student's trainEpoch and testAccuracy ran in the sandbox on the tiny
// classifier (tiny-model.ts) with weights and data the grader drew for this run. trainEpoch: the grader replays
// the epoch itself (same model, batches, optimizer) and compares the returned value and the weights after it.
// testAccuracy: the grader computes the answer in float64 and compares. Each failure names the variant the
// answer matches (a sum instead of a mean, the training mode, a fraction instead of percent, ...).
import * as tf from '@tensorflow/tfjs';
import { batchSizes, gradeParts, GradingFailure, linear, type RawImages, type Rng } from 'dlgrade/kit';
import type { TinyRun } from './probes.ts';
import { makeOptimizer, TINY_CLASSES, TINY_WEIGHT_SHAPES, tinyClassifier, tinyWeights, type OptimizerSpec } from './tiny-model.ts';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Initial weights of the tiny classifier: kernels ~ N(0, 1/fan_in), BatchNorm far from its defaults. */
export function drawTinyWeights(rng: Rng): Float32Array[] {
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  return TINY_WEIGHT_SHAPES.map((shape, i) => {
    const n = size(shape);
    const fill = (f: () => number) => Float32Array.from({ length: n }, f);
    switch (i) {
      case 0:
      case 5:
        return fill(() => rng.normal() / Math.sqrt(shape[0]!));
      case 1:
        return fill(() => u(0.5, 1.5)); // gamma
      case 3:
        return fill(() => u(-1, 1)); // moving mean
      case 4:
        return fill(() => u(0.3, 3)); // moving variance
      default:
        return fill(() => u(-0.5, 0.5)); // beta, bias
    }
  });
}

const flat = (ws: readonly Float32Array[]) => Float32Array.from(ws.flatMap((w) => [...w]));

function batchOf(data: RawImages, start: number, n: number): { xs: tf.Tensor4D; ys: tf.Tensor1D } {
  const per = data.height * data.width * data.channels;
  return { xs: tf.tensor4d(data.images.slice(start * per, (start + n) * per), [n, data.height, data.width, data.channels]), ys: tf.tensor1d(data.labels.slice(start, start + n), 'int32') };
}

const ce = (logits: tf.Tensor2D, ys: tf.Tensor1D) => tf.losses.softmaxCrossEntropy(tf.oneHot(ys, TINY_CLASSES), logits) as tf.Scalar;

export interface Replay {
  /** Loss of each batch, in order, before its step. */
  losses: number[];
  sizes: number[];
  /** tinyWeights() after the epoch. */
  weights: Float32Array;
  initial: Float32Array;
}

/**
 * The grader's own epoch: the seed's train_epoch on the tiny classifier (tfjs in the grader, no student code),
 * with the forward in training mode as the seed has it, or in inference mode (what a forward without
 * training: true does, to name that mistake).
 */
export function replayEpoch(data: RawImages, batchSize: number, weights: Float32Array[], optimizer: OptimizerSpec, training = true): Replay {
  const model = tinyClassifier(weights);
  const opt = makeOptimizer(optimizer);
  const sizes = batchSizes(data.n, batchSize);
  const losses: number[] = [];
  try {
    const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let start = 0;
    for (const n of sizes) {
      const { xs, ys } = batchOf(data, start, n);
      const loss = opt.minimize(() => ce(model.apply(xs, { training }) as tf.Tensor2D, ys), true, varList)!;
      losses.push(loss.dataSync()[0]!);
      tf.dispose([loss, xs, ys]);
      start += n;
    }
    return { losses, sizes, weights: tinyWeights(model), initial: flat(weights) };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

/** A returned value that is not a number, described ("a tf.Tensor of shape []: return a number"). */
function notANumber(v: unknown): string {
  const t = v as { tensorShape?: number[] } | null;
  if (t && typeof t === 'object' && Array.isArray(t.tensorShape)) return `a tf.Tensor of shape [${t.tensorShape.join(', ')}]; return a plain number (read a scalar with .dataSync()[0])`;
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? typeof v);
}

const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * (1 + Math.abs(b));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** What a wrong return value of trainEpoch matches, from the replays' batch losses. */
function returnVariants(r: Replay, inference: Replay, n: number): [string, number][] {
  const sum = r.losses.reduce((a, b) => a + b, 0);
  return [
    ['the sum of the batch losses (total_loss without dividing by len(loader))', sum],
    [`the sum of the batch losses divided by the number of images (${n}): the seed divides by len(loader), the number of batches (${r.losses.length})`, sum / n],
    [`the mean over images (each batch loss weighted by its size): the seed averages the batch losses, every batch counting once, the last (smaller) batch too`, r.losses.reduce((s, l, i) => s + l * r.sizes[i]!, 0) / n],
    ['the loss of the last batch only (total_loss must add up every batch)', r.losses[r.losses.length - 1]!],
    ['the loss of the first batch only', r.losses[0]!],
    ['the mean batch loss of an epoch run in inference mode: the forward must run in training mode (model.apply(xs, { training: true }))', mean(inference.losses)],
  ];
}

/** Largest relative difference between two weight vectors and where (which tiny-model weight). */
function weightDiff(got: Float32Array, want: Float32Array): { error: number; name: string } {
  const names = ['fc1 kernel', 'BatchNorm gamma', 'BatchNorm beta', 'BatchNorm moving mean', 'BatchNorm moving variance', 'fc2 kernel', 'fc2 bias'];
  let error = 0;
  let at = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!));
    if (!(e <= error)) {
      error = e;
      at = i;
    }
  }
  let k = 0;
  let offset = 0;
  while (k < TINY_WEIGHT_SHAPES.length - 1 && at >= offset + size(TINY_WEIGHT_SHAPES[k]!)) offset += size(TINY_WEIGHT_SHAPES[k++]!);
  return { error, name: names[k]! };
}

/** What is wrong with an answer: its returned value, the model's weights after the call (undefined: right). */
export interface Problems {
  value?: string;
  weights?: string;
}

/** A trainEpoch run against the grader's replays (the seed's, and one in inference mode to name that mistake). */
export function trainEpochProblems(run: TinyRun, r: Replay, inference: Replay, data: RawImages, where: string): Problems {
  const problems: Problems = {};
  const expected = mean(r.losses);
  const v = run.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    problems.value = `${where}: expected the mean batch loss, a number (${expected.toFixed(5)}), got ${notANumber(v)} (A.2: return total_loss / len(loader))`;
  } else if (!close(v, expected)) {
    const match = returnVariants(r, inference, data.n).find(([, x]) => close(v, x));
    problems.value = `${where}: expected the mean of the ${r.losses.length} batch losses, ${expected.toFixed(5)}, got ${v.toFixed(5)}${match ? `: that is ${match[0]}` : ''} (A.2)`;
  }
  const trainable = (w: Float32Array) => [...w.slice(0, 8 * 8 + 16), ...w.slice(8 * 8 + 32)];
  const moving = (w: Float32Array) => w.slice(8 * 8 + 16, 8 * 8 + 32);
  const got = run.weights;
  if (!(got instanceof Float32Array) || got.length !== r.weights.length) {
    problems.weights = `${where}: the model's weights after the epoch could not be read (A.2)`;
    return problems;
  }
  if (trainable(got).every((x, i) => x === trainable(r.initial)[i])) {
    problems.weights = `${where}: the model's weights did not change: expected one optimizer step per batch (${r.losses.length} steps), e.g. optimizer.minimize(() => loss, true, varList) (A.2)`;
    return problems;
  }
  const d = weightDiff(got, r.weights);
  if (d.error > 1e-3) {
    const frozenStats = moving(got).every((x, i) => x === moving(r.initial)[i]);
    const why = frozenStats || weightDiff(got, inference.weights).error <= 1e-3
      ? "BatchNorm's moving statistics never moved: the forward did not run in training mode (model.apply(xs, { training: true }))"
      : `the largest difference is in the ${d.name}: one step of the given optimizer per batch, on the model's trainable weights, with the loss of that batch in training mode`;
    problems.weights = `${where}: the weights after the epoch differ from the grader's replay of the seed's train_epoch (by up to ${d.error.toPrecision(2)}, relative): ${why} (A.2)`;
  }
  return problems;
}

/** Logits of the tiny classifier in float64; BatchNorm with the moving statistics, or with each batch's own. */
function tinyLogits(x: Float32Array, n: number, w: Float32Array[], batchStats: boolean): Float64Array {
  const [k1, gamma, beta, mm, mv, k2, b2] = w as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const h = linear(x, n, k1, null, 8);
  let mu: ArrayLike<number> = mm;
  let va: ArrayLike<number> = mv;
  if (batchStats) {
    const m = new Float64Array(8);
    const s = new Float64Array(8);
    for (let i = 0; i < n; i++) for (let c = 0; c < 8; c++) m[c] += h[i * 8 + c]! / n;
    for (let i = 0; i < n; i++) for (let c = 0; c < 8; c++) s[c] += (h[i * 8 + c]! - m[c]!) ** 2 / n;
    [mu, va] = [m, s];
  }
  const a = h.map((v, i) => Math.max(0, (gamma[i % 8]! * (v - mu[i % 8]!)) / Math.sqrt(va[i % 8]! + 1e-5) + beta[i % 8]!));
  return linear(a, n, k2, b2, TINY_CLASSES);
}

const argmaxRows = (z: Float64Array, c: number) => Array.from({ length: z.length / c }, (_, i) => {
  const row = Array.from(z.subarray(i * c, (i + 1) * c));
  return row.indexOf(Math.max(...row));
});

/** Smallest gap between the top two logits of any row (ties would make the answer engine-dependent). */
export function smallestMargin(x: Float32Array, n: number, w: Float32Array[]): number {
  const z = tinyLogits(x, n, w, false);
  let m = Infinity;
  for (let i = 0; i < n; i++) {
    const row = Array.from(z.subarray(i * TINY_CLASSES, (i + 1) * TINY_CLASSES)).sort((a, b) => b - a);
    m = Math.min(m, row[0]! - row[1]!);
  }
  return m;
}

/** Predicted classes of the tiny classifier, in inference mode or in training mode batch by batch (in order). */
function predictions(x: Float32Array, n: number, w: Float32Array[], training: false | number): number[] {
  if (training === false) return argmaxRows(tinyLogits(x, n, w, false), TINY_CLASSES);
  const per = x.length / n;
  let start = 0;
  return batchSizes(n, training).flatMap((b) => {
    const p = argmaxRows(tinyLogits(x.slice(start * per, (start + b) * per), b, w, true), TINY_CLASSES);
    start += b;
    return p;
  });
}

/**
 * Labels for `x` such that the tiny classifier in inference mode gets about `fraction` of them right, and
 * strictly more than in training mode (batches of `batchSize`): where the two modes predict differently the
 * label is the inference prediction, elsewhere the prediction or another class as rng says. So the expected
 * accuracy is known exactly, and an evaluation in training mode can never give the same figure by chance.
 */
export function labelsFor(x: Float32Array, n: number, w: Float32Array[], rng: Rng, fraction: number, batchSize: number): Int32Array {
  const pred = predictions(x, n, w, false);
  const train = predictions(x, n, w, batchSize);
  return Int32Array.from(pred, (p, i) => (p !== train[i] || rng.next() < fraction ? p : (p + 1 + rng.int(TINY_CLASSES - 1)) % TINY_CLASSES));
}

/** Whether the two modes disagree on at least one image (else the data cannot tell them apart: draw again). */
export function modesDisagree(x: Float32Array, n: number, w: Float32Array[], batchSize: number): boolean {
  const pred = predictions(x, n, w, false);
  return predictions(x, n, w, batchSize).some((p, i) => p !== pred[i]);
}

/** A testAccuracy answer against the grader's float64 answer, and whether it left the weights alone. */
export function testAccuracyProblems(run: TinyRun, data: RawImages, batchSize: number, w: Float32Array[], where: string): Problems {
  const sizes = batchSizes(data.n, batchSize);
  const hitsOf = (training: boolean) => {
    const pred = predictions(data.images, data.n, w, training && batchSize);
    let start = 0;
    return sizes.map((n) => {
      const h = pred.slice(start, start + n).filter((p, i) => p === data.labels[start + i]).length;
      start += n;
      return h;
    });
  };
  const hits = hitsOf(false);
  const correct = hits.reduce((a, b) => a + b, 0);
  const expected = (100 * correct) / data.n;
  const problems: Problems = {};
  const v = run.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    problems.value = `${where}: expected the accuracy in percent, a number (${expected.toFixed(2)}), got ${notANumber(v)} (A.2: return 100.0 * correct / total)`;
  } else if (!close(v, expected, 1e-6)) {
    const trainHits = hitsOf(true);
    const variants: [string, number][] = [
      [`a fraction: the seed returns percent (100.0 * correct / total)`, expected / 100],
      [`the accuracy of the model in training mode (BatchNorm normalising each batch with its own statistics): use model.predict(xs), or apply with training: false`, (100 * trainHits.reduce((a, b) => a + b, 0)) / data.n],
      [`the mean of the per-batch accuracies: the last batch has ${sizes[sizes.length - 1]} images, not ${batchSize}; count correct and total over every image, then divide once`, (100 * mean(hits.map((h, i) => h / sizes[i]!)))],
      [`the accuracy without the last (smaller) batch`, (100 * (correct - hits[hits.length - 1]!)) / (data.n - sizes[sizes.length - 1]!)],
      [`the number of correct images, not a percentage`, correct],
    ];
    const match = variants.find(([, x]) => close(v, x, 1e-6));
    problems.value = `${where}: expected ${expected.toFixed(4)}% (${correct} of ${data.n} right, in inference mode), got ${v}${match ? `: that is ${match[0]}` : ''} (A.2)`;
  }
  const initial = flat(w);
  if (!(run.weights instanceof Float32Array) || run.weights.length !== initial.length || run.weights.some((x, i) => x !== initial[i])) {
    problems.weights = `${where}: testAccuracy changed the model's weights (BatchNorm's moving statistics move when the model runs in training mode): evaluation must change nothing (A.2)`;
  }
  return problems;
}

/** The two parts of a training-function check as graded parts: its returned value, the weights after it. */
export function gradeProblems(p: Problems, parts: [string, string]): Promise<void> {
  return gradeParts(
    (['value', 'weights'] as const).map((k, i) => ({
      name: parts[i]!,
      check: () => {
        if (p[k]) throw new GradingFailure(p[k]);
      },
    })),
  );
}
