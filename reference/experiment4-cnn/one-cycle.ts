import type { OneCycleOptions, ScheduledOptimizer } from '../../assignments/experiment4-cnn/contract.ts';
// STARTER: import { todo } from './todo.ts';

// C.2 torch.optim.lr_scheduler.OneCycleLR (notebook section 16), cosine annealing, momentum cycling on Adam's
// beta1. Warm-up from maxLr / 25 to maxLr over the first pctStart of the steps, then down to maxLr / 25 / 1e4.
// The formulas are in contract.ts (OneCycleLRClass).

/** cos(a -> b, pct): PyTorch's _annealing_cos. */
function annealCos(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

export class OneCycleLR {
  readonly totalSteps: number;
  private stepCount = 0;
  private readonly phases: { endStep: number; lr: [number, number]; momentum: [number, number] }[];

  constructor(
    private readonly optimizer: ScheduledOptimizer,
    opts: OneCycleOptions,
  ) {
    const total = opts.totalSteps ?? (opts.epochs ?? NaN) * (opts.stepsPerEpoch ?? NaN);
    if (!(Number.isInteger(total) && total > 0)) throw new Error(`OneCycleLR: give totalSteps or epochs and stepsPerEpoch (got ${JSON.stringify(opts)})`);
    this.totalSteps = total;
    const pctStart = opts.pctStart ?? 0.3;
    const initialLr = opts.maxLr / (opts.divFactor ?? 25);
    const minLr = initialLr / (opts.finalDivFactor ?? 1e4);
    const cycle = opts.cycleMomentum ?? true;
    const base = opts.baseMomentum ?? 0.85;
    const max = opts.maxMomentum ?? 0.95;
    // BEGIN SOLUTION
    this.phases = [
      { endStep: pctStart * total - 1, lr: [initialLr, opts.maxLr], momentum: [max, base] },
      { endStep: total - 1, lr: [opts.maxLr, minLr], momentum: [base, max] },
    ];
    // END SOLUTION
    // STARTER: this.phases = [];
    // STARTER: void [pctStart, initialLr, minLr, base, max];
    if (!cycle) this.phases.forEach((p) => (p.momentum = [optimizer.beta1, optimizer.beta1]));
    this.apply();
  }

  /** One scheduler step: call it after each optimizer step. */
  step(): void {
    if (this.stepCount + 1 > this.totalSteps) throw new Error(`OneCycleLR: tried to step ${this.stepCount + 1} times, the schedule has ${this.totalSteps} steps`);
    this.stepCount += 1;
    this.apply();
  }

  /** Sets the optimizer's learning rate and beta1 for the current step. */
  private apply(): void {
    // BEGIN SOLUTION
    const s = this.stepCount;
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i];
      if (s <= phase.endStep || i === this.phases.length - 1) {
        const pct = (s - start) / (phase.endStep - start);
        this.optimizer.learningRate = annealCos(phase.lr[0], phase.lr[1], pct);
        this.optimizer.beta1 = annealCos(phase.momentum[0], phase.momentum[1], pct);
        return;
      }
      start = phase.endStep;
    }
    // END SOLUTION
    // STARTER: void annealCos;
    // STARTER: todo('C.2: OneCycleLR, the lr and beta1 of the current step');
  }
}
