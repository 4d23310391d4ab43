// Grader-side computations of CSCI-5501 A2: the expected answers the suites compare probe data with,
// computed independently of the submission (plain JS, no tfjs), and the diagnoses that name a bug.
import type { ActivationName } from './contract.ts';
import type { DenseWeights, LayerInfo } from './probes.ts';

// ---------------------------------------------------------------------------------------------------------
// Shapes

/** "(32, 32, 12)", "32x32x12", "[32,32,12]", "768", "(768,)" -> the integers; null when it holds none or a "??". */
export function parseShape(s: unknown): number[] | null {
  if (typeof s === 'number' && Number.isInteger(s)) return [s];
  if (typeof s !== 'string' || s.includes('?')) return null;
  const nums = s.match(/\d+/g);
  return nums ? nums.map(Number) : null;
}

/** A shape without its batch axis, written as seed 002's table does: "(32, 32, 12)" or "768". */
export function hwcString(shape: readonly (number | null)[]): string {
  const rest = shape.slice(1);
  return rest.length === 1 ? String(rest[0]) : `(${rest.join(', ')})`;
}

export const fmt = (shape: readonly (number | null)[] | undefined) => (shape ? `[${shape.map((d) => (d === null ? 'None' : d)).join(', ')}]` : 'nothing');

/** n with thousands separators, as the seed writes parameter counts. */
export const num = (n: number) => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------------------
// Activations and the FC forward pass

const erf = (x: number): number => {
  // Abramowitz-Stegun 7.1.26 is only 1.5e-7 accurate; this series/continued fraction pair is ~1e-15.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = x;
    let term = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
};

export const ACTIVATIONS: Record<ActivationName, (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  silu: (x) => x / (1 + Math.exp(-x)),
  leaky_relu: (x) => (x >= 0 ? x : 0.01 * x),
  elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/**
 * flatten -> (Dense -> activation)* -> Dense on `batch` inputs of `x`, with the submission's own Dense weights
 * (kernel [in, out] row-major, bias [out]): what the FC classifier must compute, in float64.
 */
export function mlpForward(x: Float32Array, batch: number, dense: DenseWeights[], activation: ActivationName): Float64Array {
  const act = ACTIVATIONS[activation];
  let h = Float64Array.from(x);
  let width = x.length / batch;
  dense.forEach((d, li) => {
    const [fanIn, fanOut] = d.kernelShape;
    if (fanIn !== width) throw new Error(`Dense layer ${d.layer} expects ${fanIn} inputs, the previous layer gives ${width}`);
    const out = new Float64Array(batch * fanOut);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < fanOut; j++) {
        let s = d.bias ? d.bias[j] : 0;
        for (let i = 0; i < fanIn; i++) s += h[b * fanIn + i] * d.kernel[i * fanOut + j];
        out[b * fanOut + j] = li < dense.length - 1 ? act(s) : s;
      }
    }
    h = out;
    width = fanOut;
  });
  return h;
}

/** Accuracy in % and mean softmax cross-entropy of logits [n, classes] against labels, in float64. */
export function accuracyAndLoss(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): { accuracy: number; loss: number } {
  const n = labels.length;
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    let arg = 0;
    for (let k = 0; k < classes; k++) {
      const v = logits[i * classes + k];
      if (v > max) {
        max = v;
        arg = k;
      }
    }
    let z = 0;
    for (let k = 0; k < classes; k++) z += Math.exp(logits[i * classes + k] - max);
    loss += Math.log(z) + max - logits[i * classes + labels[i]];
    if (arg === labels[i]) correct++;
  }
  return { accuracy: (100 * correct) / n, loss: loss / n };
}

/** x [n, features] (row-major) times kernel [features, classes] plus bias. */
export function linear(x: ArrayLike<number>, n: number, kernel: ArrayLike<number>, bias: ArrayLike<number>, classes: number): Float64Array {
  const features = x.length / n;
  const out = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < classes; k++) {
      let s = bias[k];
      for (let f = 0; f < features; f++) s += x[i * features + f] * kernel[f * classes + k];
      out[i * classes + k] = s;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Early stopping, as contract.ts states it

export interface StopExpectation {
  bestEpoch: number;
  /** null: every epoch ran. */
  stoppedEpoch: number | null;
  epochsRun: number;
}

/** The epochs the contract's rule gives for a validation-loss sequence (epochs = script length). */
export function expectedStop(script: readonly number[], patience: number): StopExpectation {
  let best = Infinity;
  let bestEpoch = 0;
  let counter = 0;
  for (let e = 1; e <= script.length; e++) {
    if (script[e - 1] < best) {
      best = script[e - 1];
      bestEpoch = e;
      counter = 0;
    } else if (++counter >= patience) {
      return { bestEpoch, stoppedEpoch: e, epochsRun: e };
    }
  }
  return { bestEpoch, stoppedEpoch: null, epochsRun: script.length };
}

/** Index of the snapshot equal to `w` (bit for bit), or -1. */
export function matchingSnapshot(snapshots: readonly ArrayLike<number>[], w: ArrayLike<number>): number {
  return snapshots.findIndex((s) => s.length === w.length && Array.prototype.every.call(s, (v: number, i: number) => v === w[i]));
}

// ---------------------------------------------------------------------------------------------------------
// Architecture

/** The activation a layer applies, as ActivationName; 'linear' for none; undefined for layers that are not activations. */
export function activationOf(l: LayerInfo): ActivationName | 'linear' | 'other' | undefined {
  const fromName = (a: unknown): ActivationName | 'linear' | 'other' => {
    switch (a) {
      case 'relu':
        return 'relu';
      case 'swish':
      case 'silu':
        return 'silu';
      case 'elu':
        return 'elu';
      case 'gelu':
        return 'gelu';
      case 'tanh':
        return 'tanh';
      case 'sigmoid':
        return 'sigmoid';
      case 'linear':
      case undefined:
      case null:
        return 'linear';
      default:
        return 'other';
    }
  };
  switch (l.className) {
    case 'ReLU':
      return 'relu';
    case 'LeakyReLU':
      return Math.abs(Number(l.config.alpha) - 0.01) < 1e-9 ? 'leaky_relu' : 'other';
    case 'ELU':
      return Math.abs(Number(l.config.alpha) - 1) < 1e-9 ? 'elu' : 'other';
    case 'Activation':
      return fromName(l.config.activation);
    default:
      return undefined;
  }
}

const pair = (v: unknown) => (Array.isArray(v) ? v.join('x') : `${v}x${v}`);

/**
 * The architecture as a list of tokens, one per operation: "Conv2D(12, 3x3, stride 1x1, same)", "BatchNorm",
 * "act:relu", "MaxPool(2x2, stride 2x2)", "Flatten", "Dense(64)". An activation inside a Conv2D/Dense config
 * becomes its own token, so both ways of writing it compare equal. InputLayer and Dropout(0) are skipped.
 */
export function architectureTokens(layers: readonly LayerInfo[]): string[] {
  const out: string[] = [];
  for (const l of layers) {
    const c = l.config;
    switch (l.className) {
      case 'InputLayer':
        break;
      case 'Conv2D':
        out.push(`Conv2D(${c.filters}, ${pair(c.kernelSize)}, stride ${pair(c.strides)}, ${c.padding}${c.useBias === false ? ', no bias' : ''})`);
        if (activationOf({ ...l, className: 'Activation' }) !== 'linear') out.push(`act:${activationOf({ ...l, className: 'Activation' })}`);
        break;
      case 'Dense':
        out.push(`Dense(${c.units}${c.useBias === false ? ', no bias' : ''})`);
        if (activationOf({ ...l, className: 'Activation' }) !== 'linear') out.push(`act:${activationOf({ ...l, className: 'Activation' })}`);
        break;
      case 'BatchNormalization':
        out.push('BatchNorm');
        break;
      case 'MaxPooling2D':
        out.push(`MaxPool(${pair(c.poolSize)}, stride ${pair(c.strides ?? c.poolSize)}${c.padding && c.padding !== 'valid' ? `, ${c.padding}` : ''})`);
        break;
      case 'Flatten':
        out.push('Flatten');
        break;
      case 'Dropout':
        if (Number(c.rate) !== 0) out.push(`Dropout(${c.rate})`);
        break;
      default: {
        const a = activationOf(l);
        out.push(a ? `act:${a}` : l.className);
      }
    }
  }
  return out;
}

/** Table B.1 as architecture tokens, with the given activation. */
export function convNetTokens(activation: ActivationName, numClasses = 10): string[] {
  const t: string[] = [];
  for (const f of [12, 24, 48]) t.push(`Conv2D(${f}, 3x3, stride 1x1, same)`, 'BatchNorm', `act:${activation}`, 'MaxPool(2x2, stride 2x2)');
  t.push('Flatten', 'Dense(64)', `act:${activation}`, `Dense(${numClasses})`);
  return t;
}

/** First position where two token lists differ, described for feedback; undefined when equal. */
export function firstDifference(got: readonly string[], expected: readonly string[]): string | undefined {
  const n = Math.max(got.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== expected[i]) {
      return `layer ${i + 1}: expected ${expected[i] ?? '(no more layers)'}, got ${got[i] ?? '(no more layers)'}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// ResNet-18

/** The top-level block a weight or layer belongs to: "layer1.0.conv1/kernel" -> "layer1", "bn1/gamma" -> "bn1". */
export function topBlock(name: string): string {
  return name.split(/[./]/)[0];
}

// ---------------------------------------------------------------------------------------------------------
// Optimizers (float64), to name what a wrong trajectory is

export type Trajectory = number[][];

/** Adam (torch.optim.Adam) with optional L2 in the gradient (`l2`) and decoupled decay (`decoupled`, AdamW). */
export function adamTrajectory(w0: readonly number[], grads: readonly (readonly number[])[], lr: number, opts: { l2?: number; decoupled?: number; eps?: number } = {}): Trajectory {
  const { l2 = 0, decoupled = 0, eps = 1e-8 } = opts;
  const b1 = 0.9;
  const b2 = 0.999;
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  return grads.map((g, t) => {
    for (let i = 0; i < w.length; i++) {
      w[i] *= 1 - lr * decoupled;
      const gi = g[i] + l2 * w[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const mh = m[i] / (1 - b1 ** (t + 1));
      const vh = v[i] / (1 - b2 ** (t + 1));
      w[i] -= (lr * mh) / (Math.sqrt(vh) + eps);
    }
    return [...w];
  });
}

/** Largest absolute difference between two trajectories of the same length (Infinity when shapes differ). */
export function trajectoryDistance(a: Trajectory, b: Trajectory): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  a.forEach((row, i) => {
    if (row.length !== b[i].length) d = Infinity;
    else row.forEach((x, j) => (d = Math.max(d, Math.abs(x - b[i][j]))));
  });
  return Number.isNaN(d) ? Infinity : d;
}
