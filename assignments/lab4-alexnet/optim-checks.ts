// D: the submission's SGD and StepLR (getOptimizerScheduler), checked as functions on data: trajectories from
// given weights and gradients against golden/optimizers.json and the grader's float64 SGD (optim-maths.ts),
// learning rates per epoch against golden/schedules.json and the StepLR rule.
import { GradingFailure, type Part, type Rng, type Submission } from 'dlgrade/kit';
import type { OptimizerOptions } from './contract.ts';
import golden from './golden.json' with { type: 'json' };
import { sameSchedule, SGD_MISTAKES, sgdSteps, stepLrSchedule, STEPLR_MISTAKES, stepsDistance } from './optim-maths.ts';

/** float32 steps of size ~1 against float64 (golden: 1.7e-7 for the reference). */
const SGD_TOL = 2e-5;
const HARNESS_OPTIMIZERS = ['GraderSgd', 'TorchSgd'];

interface SgdAnswer {
  steps: number[][][];
  optimizer: string;
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

const fmtOpts = (o: OptimizerOptions) => (Object.keys(o).length ? `{ ${Object.entries(o).map(([k, v]) => `${k}: ${v}`).join(', ')} }` : '');

export interface SgdCase {
  name: string;
  opts: OptimizerOptions;
  /** Expected settings (the defaults when opts leaves them out). */
  lr: number;
  momentum: number;
  weightDecay: number;
  w0: number[][];
  grads: number[][][];
  /** Learning rate set on optimizer.learningRate before each step (null: leave it). */
  lrs: (number | null)[];
  /** PyTorch's trajectory when there is one (one variable). */
  golden?: number[][];
}

export function sgdPart(sub: Submission, c: SgdCase): Part {
  return {
    name: c.name,
    check: async () => {
      const where = `getOptimizerScheduler(${fmtOpts(c.opts)}).optimizer, ${c.grads.length} applyGradients on ${c.w0.length} variable(s)${c.lrs.some((l) => l !== null) ? ' with optimizer.learningRate changed between steps' : ''}`;
      const got = await sub.call<SgdAnswer>('sgdSteps', { opts: c.opts, w0: c.w0, grads: c.grads, lrs: c.lrs }, { what: where });
      if (HARNESS_OPTIMIZERS.includes(got.optimizer)) throw new GradingFailure(`${where}: it returned the grader's own SGD (${got.optimizer}); D.1 asks you to write torch.optim.SGD's update`);
      let lr = c.lr;
      const lrs = c.lrs.map((l) => (lr = l ?? lr));
      const rule = { momentum: c.momentum, weightDecay: c.weightDecay };
      const want = c.golden ? c.golden.map((row) => [row]) : sgdSteps(c.w0, c.grads, lrs, rule);
      const d = stepsDistance(got.steps, want);
      if (d <= SGD_TOL) return;
      const settings = got.learningRate !== lrs.at(-1) || got.momentum !== c.momentum || got.weightDecay !== c.weightDecay;
      const mistake = SGD_MISTAKES.find((m) => stepsDistance(sgdSteps(c.w0, c.grads, lrs, { ...rule, variant: m.variant }), want) > SGD_TOL && stepsDistance(got.steps, sgdSteps(c.w0, c.grads, lrs, { ...rule, variant: m.variant })) <= SGD_TOL);
      const why = mistake
        ? mistake.why
        : settings
          ? `the optimizer reports learningRate ${got.learningRate}, momentum ${got.momentum}, weightDecay ${got.weightDecay}; expected ${lrs.at(-1)}, ${c.momentum}, ${c.weightDecay} (defaults lr 0.01, momentum 0.9, weightDecay 5e-4)`
          : 'd = g + weightDecay * w; buf = d on the first step, then momentum * buf + d; w -= learningRate * buf';
      const first = firstStepOff(got.steps, want);
      throw new GradingFailure(`${where}: the weights differ from ${c.golden ? "PyTorch's (golden/optimizers.json " + golden.sgd.key + ')' : "torch.optim.SGD's"} by up to ${d.toExponential(2)}${first}: ${why} (D.1)`);
    },
  };
}

function firstStepOff(got: number[][][], want: number[][][]): string {
  for (let t = 0; t < want.length; t++) {
    if (stepsDistance([got[t] ?? []], [want[t]!]) > SGD_TOL) return ` from step ${t + 1} on (expected ${JSON.stringify(want[t]![0]!.slice(0, 3).map((v) => +v.toPrecision(7)))}..., got ${JSON.stringify((got[t]?.[0] ?? []).slice(0, 3).map((v) => +v.toPrecision(7)))}...)`;
  }
  return '';
}

const vec = (rng: Rng, n: number, scale = 1) => Array.from({ length: n }, () => scale * rng.normal());

export function goldenSgdCase(): SgdCase {
  const g = golden.sgd;
  return { name: `golden ${g.key} with the defaults`, opts: {}, lr: g.lr, momentum: g.momentum, weightDecay: g.weightDecay, w0: [g.w0], grads: g.grads.map((x) => [x]), lrs: g.grads.map(() => null), golden: g.trajectory };
}

/** Two variables, strong decay and momentum, the learning rate changed halfway (as a scheduler would). */
export function runSgdCase(rng: Rng, name: string, o: { momentum: number; weightDecay: number; lr: number; steps: number }): SgdCase {
  const sizes = [5, 3];
  const w0 = sizes.map((n) => vec(rng, n));
  const grads = Array.from({ length: o.steps }, () => sizes.map((n) => vec(rng, n)));
  const lrs = grads.map((_, t) => (t === Math.floor(o.steps / 2) ? o.lr * 0.3 : null));
  return { name, opts: { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay }, lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay, w0, grads, lrs };
}

interface StepLrAnswer {
  lrs: number[];
  lastLrs: number[];
  scheduler: string;
}

export function stepLrPart(sub: Submission, name: string, opts: OptimizerOptions, epochs: number, want?: number[]): Part {
  return {
    name,
    check: async () => {
      const lr = opts.lr ?? 0.01;
      const stepSize = opts.stepSize ?? 10;
      const gamma = opts.gamma ?? 0.1;
      const where = `getOptimizerScheduler(${fmtOpts(opts)}): optimizer.learningRate during each of ${epochs} epochs, scheduler.step() after each`;
      const got = await sub.call<StepLrAnswer>('stepLr', { opts, epochs }, { what: where });
      if (got.scheduler.includes('GraderStepLR')) throw new GradingFailure(`${where}: it returned the grader's own StepLR; D.2 asks you to write it`);
      const expected = want ?? stepLrSchedule(lr, stepSize, gamma, epochs);
      if (!sameSchedule(got.lrs, expected)) {
        const mistake = STEPLR_MISTAKES.find((m) => !sameSchedule(m.schedule(lr, stepSize, gamma, epochs), expected) && sameSchedule(got.lrs, m.schedule(lr, stepSize, gamma, epochs)));
        const e = expected.findIndex((v, i) => !sameSchedule([got.lrs[i] ?? NaN], [v]));
        throw new GradingFailure(
          `${where}: expected learning rate ${expected[e]} in epoch ${e + 1}, got ${got.lrs[e]}${mistake ? `: ${mistake.why}` : ''} (D.2: lr * gamma^floor(epoch / stepSize), epochs counted from 0; ${want ? "PyTorch's StepLR, golden/schedules.json" : 'StepLR'}: [${expected.slice(0, Math.min(epochs, 2 * stepSize + 1)).join(', ')}${epochs > 2 * stepSize + 1 ? ', ...' : ''}])`,
        );
      }
      const after = stepLrSchedule(lr, stepSize, gamma, epochs + 1).slice(1);
      if (!sameSchedule(got.lastLrs, after)) {
        const e = after.findIndex((v, i) => !sameSchedule([got.lastLrs[i] ?? NaN], [v]));
        throw new GradingFailure(`${where}: after step() number ${e + 1}, getLastLr() returned ${got.lastLrs[e]}, expected ${after[e]} (the learning rate step() just set; D.2)`);
      }
    },
  };
}

export const goldenStepLrPart = (sub: Submission) => stepLrPart(sub, `golden ${golden.steplr.key} (the defaults, 30 epochs)`, {}, golden.steplr.perEpoch.length, golden.steplr.perEpoch);
