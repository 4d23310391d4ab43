// The grader's float64 torch.optim.SGD over several variables (the learning rate may change between steps) and
// StepLR's learning rate per epoch, with the usual wrong versions of each so feedback can name the bug.

export interface SgdRule {
  momentum: number;
  weightDecay: number;
  /** How the decay and the momentum buffer are applied: PyTorch's, or a mistake. */
  variant?: 'torch' | 'no-decay' | 'decoupled-decay' | 'ema-momentum' | 'fixed-lr';
}

/**
 * The weights after each step: vars[v] starts at w0[v]; step t applies grads[t][v] with learning rate lrs[t].
 * Returns [step][variable][element].
 */
export function sgdSteps(w0: readonly (readonly number[])[], grads: readonly (readonly (readonly number[])[])[], lrs: readonly number[], rule: SgdRule): number[][][] {
  const { momentum, weightDecay, variant = 'torch' } = rule;
  const w = w0.map((v) => [...v]);
  const buf: (number[] | null)[] = w0.map(() => null);
  return grads.map((g, t) => {
    const lr = variant === 'fixed-lr' ? lrs[0]! : lrs[t]!;
    w.forEach((wv, v) => {
      const d = wv.map((x, i) => g[v]![i]! + (variant === 'torch' || variant === 'ema-momentum' || variant === 'fixed-lr' ? weightDecay * x : 0));
      let step = d;
      if (momentum !== 0) {
        const prev = buf[v];
        const next = prev ? d.map((di, i) => momentum * prev[i]! + (variant === 'ema-momentum' ? (1 - momentum) * di : di)) : variant === 'ema-momentum' ? d.map((di) => (1 - momentum) * di) : [...d];
        buf[v] = next;
        step = next;
      }
      for (let i = 0; i < wv.length; i++) {
        if (variant === 'decoupled-decay') wv[i]! *= 1 - lr * weightDecay;
        wv[i]! -= lr * step[i]!;
      }
    });
    return w.map((v) => [...v]);
  });
}

export const SGD_MISTAKES: { variant: NonNullable<SgdRule['variant']>; why: string }[] = [
  { variant: 'no-decay', why: 'these are SGD steps without weight decay (tf.train.momentum has none): add weightDecay * w to the gradient' },
  {
    variant: 'decoupled-decay',
    why: "the weight decay bypasses the momentum buffer (applied to the weight directly, as AdamW's w *= 1 - lr * weightDecay, or added after the buffer); torch.optim.SGD adds weightDecay * w to the gradient first, so it goes into the buffer",
  },
  { variant: 'ema-momentum', why: 'the momentum buffer is an average (momentum * buf + (1 - momentum) * d); torch.optim.SGD uses momentum * buf + d, starting from d' },
  { variant: 'fixed-lr', why: 'the learning rate set on optimizer.learningRate between steps was not used: read this.learningRate at every step' },
];

/** Largest absolute difference between two step lists of the same outline (Infinity when they differ or hold NaN). */
export function stepsDistance(a: readonly (readonly (readonly number[])[])[], b: readonly (readonly (readonly number[])[])[]): number {
  if (!Array.isArray(a) || a.length !== b.length) return Infinity;
  let d = 0;
  for (let t = 0; t < b.length; t++) {
    if (!Array.isArray(a[t]) || a[t]!.length !== b[t]!.length) return Infinity;
    for (let v = 0; v < b[t]!.length; v++) {
      const x = a[t]![v]!;
      const y = b[t]![v]!;
      if (!x || x.length !== y.length) return Infinity;
      for (let i = 0; i < y.length; i++) {
        const e = Math.abs(x[i]! - y[i]!);
        if (!(e <= d)) d = Number.isNaN(e) ? Infinity : e;
      }
    }
  }
  return d;
}

/** StepLR: the learning rate in effect during each of `epochs` epochs when step() runs once after each. */
export function stepLrSchedule(lr: number, stepSize: number, gamma: number, epochs: number): number[] {
  // PyTorch's chainable form (what get_last_lr reports): multiply by gamma whenever the epoch count hits a multiple.
  const out: number[] = [];
  let current = lr;
  for (let e = 0; e < epochs; e++) {
    if (e > 0 && e % stepSize === 0) current *= gamma;
    out.push(current);
  }
  return out;
}

export const STEPLR_MISTAKES: { schedule: (lr: number, stepSize: number, gamma: number, epochs: number) => number[]; why: string }[] = [
  {
    schedule: (lr, s, g, n) => stepLrSchedule(lr, s, g, n + 1).slice(1),
    why: 'the learning rate drops one epoch early: step() must count epochs from 0 (the first drop comes after stepSize calls)',
  },
  { schedule: (lr, s, g, n) => Array.from({ length: n }, (_, e) => lr * g ** (e / s)), why: 'the learning rate decays smoothly (gamma ** (epoch / stepSize)); StepLR keeps it constant for stepSize epochs: floor(epoch / stepSize)' },
  { schedule: (lr, _s, g, n) => Array.from({ length: n }, (_, e) => lr * g ** e), why: 'the learning rate is multiplied by gamma at every step(); StepLR does it every stepSize steps' },
  { schedule: (lr, _s, _g, n) => new Array<number>(n).fill(lr), why: 'the learning rate never changes: step() must set optimizer.learningRate' },
];

/** Whether two schedules agree within a relative 1e-9 (chainable and closed forms differ in the last bits). */
export function sameSchedule(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-9 * Math.max(Math.abs(b[i]!), 1e-12));
}
