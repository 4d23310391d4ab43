// Reference maths the grader computes expected answers with: float64, plain JS, no tfjs (so an expected value
// never shares a bug or a rounding path with the engine under test). Activations by PyTorch's names,
// softmax cross-entropy and accuracy, a linear layer, Adam/AdamW/SGD trajectories, the early-stopping rule.

const erf = (x: number): number => {
  // Abramowitz-Stegun 7.1.26 is only 1.5e-7 accurate; this series / continued-fraction pair is ~1e-15.
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
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
};

/** Element-wise activations with PyTorch's constants (LeakyReLU 0.01, ELU 1, exact GELU). */
export const ACTIVATION_FNS = {
  relu: (x: number) => Math.max(0, x),
  silu: (x: number) => x / (1 + Math.exp(-x)),
  leaky_relu: (x: number) => (x >= 0 ? x : 0.01 * x),
  elu: (x: number) => (x >= 0 ? x : Math.exp(x) - 1),
  gelu: (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  tanh: Math.tanh,
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
} satisfies Record<string, (x: number) => number>;

export type ActivationFnName = keyof typeof ACTIVATION_FNS;

/** Accuracy in % and mean softmax cross-entropy of logits [n, classes] against labels. */
export function accuracyAndLoss(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): { accuracy: number; loss: number } {
  const n = labels.length;
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    let arg = 0;
    for (let k = 0; k < classes; k++) {
      const v = logits[i * classes + k]!;
      if (v > max) {
        max = v;
        arg = k;
      }
    }
    let z = 0;
    for (let k = 0; k < classes; k++) z += Math.exp(logits[i * classes + k]! - max);
    loss += Math.log(z) + max - logits[i * classes + labels[i]!]!;
    if (arg === labels[i]) correct++;
  }
  return { accuracy: (100 * correct) / n, loss: loss / n };
}

/** x [n, features] (row-major) times kernel [features, out] plus bias. */
export function linear(x: ArrayLike<number>, n: number, kernel: ArrayLike<number>, bias: ArrayLike<number> | null, out: number): Float64Array {
  const features = x.length / n;
  const y = new Float64Array(n * out);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < out; k++) {
      let s = bias ? bias[k]! : 0;
      for (let f = 0; f < features; f++) s += x[i * features + f]! * kernel[f * out + k]!;
      y[i * out + k] = s;
    }
  }
  return y;
}

export interface EarlyStop {
  bestEpoch: number;
  /** null: every epoch ran. */
  stoppedEpoch: number | null;
  epochsRun: number;
}

/**
 * The epochs the usual early-stopping rule gives for a loss sequence (epochs = its length): a loss lower than
 * the best so far resets the counter, anything else (ties included) adds one; stop when it reaches patience.
 */
export function expectedEarlyStop(losses: readonly number[], patience: number): EarlyStop {
  let best = Infinity;
  let bestEpoch = 0;
  let counter = 0;
  for (let e = 1; e <= losses.length; e++) {
    if (losses[e - 1]! < best) {
      best = losses[e - 1]!;
      bestEpoch = e;
      counter = 0;
    } else if (++counter >= patience) {
      return { bestEpoch, stoppedEpoch: e, epochsRun: e };
    }
  }
  return { bestEpoch, stoppedEpoch: null, epochsRun: losses.length };
}

export type Trajectory = number[][];

/** torch.optim.Adam from w0 over the given gradients (l2: L2 added to the gradient; decoupled: AdamW's decay). */
export function adamTrajectory(w0: readonly number[], grads: readonly (readonly number[])[], lr: number, opts: { l2?: number; decoupled?: number; eps?: number; betas?: [number, number] } = {}): Trajectory {
  const { l2 = 0, decoupled = 0, eps = 1e-8, betas: [b1, b2] = [0.9, 0.999] } = opts;
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  return grads.map((g, t) => {
    for (let i = 0; i < w.length; i++) {
      w[i]! *= 1 - lr * decoupled;
      const gi = g[i]! + l2 * w[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      const mh = m[i]! / (1 - b1 ** (t + 1));
      const vh = v[i]! / (1 - b2 ** (t + 1));
      w[i]! -= (lr * mh) / (Math.sqrt(vh) + eps);
    }
    return [...w];
  });
}

/** torch.optim.SGD (momentum, dampening 0, weight decay added to the gradient, no Nesterov). */
export function sgdTrajectory(w0: readonly number[], grads: readonly (readonly number[])[], lr: number, opts: { momentum?: number; weightDecay?: number } = {}): Trajectory {
  const { momentum = 0, weightDecay = 0 } = opts;
  const w = [...w0];
  const buf = w.map(() => 0);
  return grads.map((g, t) => {
    for (let i = 0; i < w.length; i++) {
      const d = g[i]! + weightDecay * w[i]!;
      buf[i] = t === 0 ? d : momentum * buf[i]! + d;
      w[i]! -= lr * (momentum ? buf[i]! : d);
    }
    return [...w];
  });
}

/** Largest absolute difference between two trajectories (Infinity when their shapes differ or a value is NaN). */
export function trajectoryDistance(a: Trajectory, b: Trajectory): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  a.forEach((row, i) => {
    if (row.length !== b[i]!.length) d = Infinity;
    else row.forEach((x, j) => (d = Math.max(d, Math.abs(x - b[i]![j]!))));
  });
  return Number.isNaN(d) ? Infinity : d;
}
