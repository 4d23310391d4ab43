// AdamW and clip_grad_norm_ in float64 (exercises C and D): expected trajectories, and the usual mistakes.
import type { ScheduleValue } from './one-cycle.ts';

export interface AdamWHyper {
  beta2?: number;
  eps?: number;
  weightDecay: number;
}

/** Ways an AdamW can go wrong (named in feedback). */
export type AdamWVariant = 'torch' | 'adam' | 'l2' | 'running-beta1' | 'eps-1e-7' | 'decay-after';

/** torch.optim.AdamW from w0, one step per gradient, with each step's lr and beta1; the weights after each step. */
export function adamwTrajectory(w0: readonly number[], grads: readonly (readonly number[])[], steps: readonly ScheduleValue[], h: AdamWHyper, variant: AdamWVariant = 'torch'): number[][] {
  const beta2 = h.beta2 ?? 0.999;
  const eps = variant === 'eps-1e-7' ? 1e-7 : (h.eps ?? 1e-8);
  const wd = variant === 'adam' ? 0 : h.weightDecay;
  let w = [...w0];
  const m = w0.map(() => 0);
  const v = w0.map(() => 0);
  let beta1Product = 1;
  return grads.map((g, i) => {
    const { lr, beta1 } = steps[i];
    const t = i + 1;
    beta1Product *= beta1;
    const bc1 = variant === 'running-beta1' ? 1 - beta1Product : 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    w = w.map((wj, j) => {
      const gj = variant === 'l2' ? g[j] + wd * wj : g[j];
      const decayed = variant === 'torch' || variant === 'running-beta1' || variant === 'eps-1e-7' ? wj * (1 - lr * wd) : wj;
      m[j] = beta1 * m[j] + (1 - beta1) * gj;
      v[j] = beta2 * v[j] + (1 - beta2) * gj * gj;
      const stepped = decayed - (lr / bc1) * (m[j] / (Math.sqrt(v[j]) / Math.sqrt(bc2) + eps));
      return variant === 'decay-after' ? stepped - lr * wd * stepped : stepped;
    });
    return [...w];
  });
}

/** Largest |a - b| over two trajectories; Infinity when their shapes differ or a value is not a number. */
export function maxAbsDiff(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return Infinity;
    for (let j = 0; j < a[i].length; j++) {
      const e = Math.abs(a[i][j] - b[i][j]);
      if (Number.isNaN(e)) return Infinity;
      d = Math.max(d, e);
    }
  }
  return d;
}

/** Names what a wrong AdamW computed, when its trajectory matches one of the usual mistakes within `tol`. */
export function nameAdamWMistake(got: readonly (readonly number[])[], w0: readonly number[], grads: readonly (readonly number[])[], steps: readonly ScheduleValue[], h: AdamWHyper, tol: number): string | null {
  const names: Record<Exclude<AdamWVariant, 'torch'>, string> = {
    adam: 'these are Adam steps without weight decay: AdamW first multiplies each weight by (1 - lr * weightDecay)',
    l2: "this is Adam with L2 decay added to the gradient; AdamW's decay is decoupled: applied to the weight itself, before the Adam step",
    'running-beta1': "the bias correction uses the running product of the beta1 values (tf.train.adam's accBeta1); PyTorch uses the current beta1: 1 - beta1^t",
    'eps-1e-7': "eps is 1e-7 (tfjs's default); PyTorch's is 1e-8",
    'decay-after': 'the weight decay is applied after the Adam step; AdamW decays the weight first',
  };
  for (const [v, why] of Object.entries(names) as [AdamWVariant, string][]) {
    if (maxAbsDiff(got, adamwTrajectory(w0, grads, steps, h, v)) <= tol) return why;
  }
  return null;
}

/** clip_grad_norm_: the total 2-norm over every gradient, and the gradients times min(1, max / (norm + 1e-6)). */
export function clipGradNormF64(grads: readonly (readonly number[])[], maxNorm: number): { totalNorm: number; clipped: number[][] } {
  const totalNorm = Math.sqrt(grads.reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0));
  const coef = Math.min(1, maxNorm / (totalNorm + 1e-6));
  return { totalNorm, clipped: grads.map((g) => g.map((x) => x * coef)) };
}
