// OneCycleLR as PyTorch 1.13 computes it (anneal_strategy 'cos', three_phase False), in float64: the grader's
// expected schedule (exercise C), the scheduler the probes hand a submission's training loop (exercise F),
// and the mistakes a schedule can make, to name them in feedback.
import type { LrScheduler, ScheduledOptimizer } from './contract.ts';

export interface OneCycleConfig {
  maxLr: number;
  totalSteps: number;
  pctStart?: number;
  divFactor?: number;
  finalDivFactor?: number;
  baseMomentum?: number;
  maxMomentum?: number;
}

export interface ScheduleValue {
  lr: number;
  beta1: number;
}

/** How a schedule is computed: PyTorch's, or one of the usual mistakes (named in feedback). */
export type OneCycleVariant = 'torch' | 'rounded-phase' | 'linear' | 'no-momentum' | 'one-step-ahead';

const cosAnneal = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
const linAnneal = (start: number, end: number, pct: number) => (end - start) * pct + start;

/** lr and beta1 used at optimizer step `step` (after `step` scheduler steps). */
export function oneCycleAt(cfg: OneCycleConfig, step: number, variant: OneCycleVariant = 'torch'): ScheduleValue {
  const { maxLr, totalSteps: T, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4, baseMomentum = 0.85, maxMomentum = 0.95 } = cfg;
  const initialLr = maxLr / divFactor;
  const minLr = initialLr / finalDivFactor;
  const anneal = variant === 'linear' ? linAnneal : cosAnneal;
  const s = variant === 'one-step-ahead' ? step + 1 : step;
  const end1 = variant === 'rounded-phase' ? Math.floor(pctStart * T) - 1 : pctStart * T - 1;
  const end2 = T - 1;
  const [pct, lr, mom] = s <= end1 ? [s / end1, [initialLr, maxLr], [maxMomentum, baseMomentum]] : [(s - end1) / (end2 - end1), [maxLr, minLr], [baseMomentum, maxMomentum]];
  return { lr: anneal(lr[0], lr[1], pct), beta1: variant === 'no-momentum' ? maxMomentum : anneal(mom[0], mom[1], pct) };
}

/** The schedule's values at steps 0..count-1. */
export function oneCycleSeries(cfg: OneCycleConfig, count: number, variant: OneCycleVariant = 'torch'): ScheduleValue[] {
  return Array.from({ length: count }, (_, s) => oneCycleAt(cfg, s, variant));
}

/** What a wrong schedule most likely is: the variant whose values the submission's match, or null. */
export function nameScheduleMistake(cfg: OneCycleConfig, got: readonly ScheduleValue[], rel = 1e-9): string | null {
  const close = (a: number, b: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-12);
  const names: Record<Exclude<OneCycleVariant, 'torch'>, string> = {
    'rounded-phase': 'the warm-up ends at step floor(pctStart * total) - 1; PyTorch keeps pctStart * total - 1 as a float',
    linear: 'these are linear ramps; anneal_strategy is cos: b + (a - b) / 2 * (cos(pi * pct) + 1)',
    'no-momentum': "beta1 does not cycle: OneCycleLR moves Adam's beta1 from maxMomentum to baseMomentum and back, opposite to the lr",
    'one-step-ahead': 'the values are one step ahead: construction sets step 0 (lr = maxLr / divFactor), and each step() moves to the next',
  };
  for (const [v, why] of Object.entries(names) as [OneCycleVariant, string][]) {
    const want = oneCycleSeries(cfg, got.length, v);
    if (got.every((g, i) => close(g.lr, want[i].lr) && close(g.beta1, want[i].beta1))) return why;
  }
  return null;
}

/** A OneCycleLR the grader trusts: drives `optimizer` (learningRate, beta1) with PyTorch's values. */
export class OneCycleDriver implements LrScheduler {
  private s = 0;
  constructor(
    private readonly optimizer: ScheduledOptimizer,
    private readonly cfg: OneCycleConfig,
  ) {
    this.apply();
  }

  get stepCount(): number {
    return this.s;
  }

  step(): void {
    if (this.s + 1 > this.cfg.totalSteps) throw new Error(`OneCycleLR: tried to step ${this.s + 1} times, the schedule has ${this.cfg.totalSteps} steps`);
    this.s += 1;
    this.apply();
  }

  private apply(): void {
    const v = oneCycleAt(this.cfg, this.s);
    this.optimizer.learningRate = v.lr;
    this.optimizer.beta1 = v.beta1;
  }
}
