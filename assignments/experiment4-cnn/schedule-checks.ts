// Exercise C's checks: AdamW trajectories (PyTorch's golden one and per-run ones under a changing lr and beta1)
// and OneCycleLR schedules, against float64 maths, naming the usual mistakes. Shared by public and hidden suites.
import { GradingFailure, type Rng } from 'dlgrade/kit';
import type { OneCycleOptions } from './contract.ts';
import { nameScheduleMistake, oneCycleAt, type OneCycleConfig, type ScheduleValue } from './one-cycle.ts';
import { adamwTrajectory, maxAbsDiff, nameAdamWMistake } from './optim-maths.ts';

type Call = <R>(probe: string, args: unknown) => Promise<R>;

export async function checkAdamW(call: Call, w0: number[], grads: number[][], steps: ScheduleValue[], weightDecay: number, want: number[][], what: string): Promise<void> {
  const got = await call<number[][]>('adamw', { w0, grads, steps, weightDecay });
  const tol = 2e-6 * Math.max(1, ...w0.map(Math.abs));
  const d = maxAbsDiff(got, want);
  if (d <= tol) return;
  const why = nameAdamWMistake(got, w0, grads, steps, { weightDecay }, tol);
  const first = want.findIndex((row, i) => maxAbsDiff([got[i] ?? []], [row]) > tol);
  throw new GradingFailure(
    `AdamW({ lr, weightDecay: ${weightDecay} }) on ${what}, ${grads.length} steps: the weights after step ${first + 1} are [${(got[first] ?? []).map((v) => v.toPrecision(8)).join(', ')}], PyTorch's [${want[first]!.map((v) => v.toPrecision(8)).join(', ')}]${why ? `: ${why}` : ''} (C.1, contract.ts AdamWClass)`,
  );
}

export function randomAdamWCase(rng: Rng): { w0: number[]; grads: number[][]; steps: ScheduleValue[]; weightDecay: number } {
  const n = 3 + rng.int(5);
  const count = 6 + rng.int(6);
  const w0 = Array.from({ length: n }, () => rng.normal());
  const grads = Array.from({ length: count }, () => Array.from({ length: n }, () => rng.normal() * (0.1 + rng.next())));
  // A schedule that moves both the learning rate and beta1 every step, as OneCycleLR does.
  const cfg: OneCycleConfig = { maxLr: 0.01 + 0.1 * rng.next(), totalSteps: count + 2, pctStart: 0.3 + 0.2 * rng.next(), baseMomentum: 0.8, maxMomentum: 0.95 };
  return { w0, grads, steps: Array.from({ length: count }, (_, s) => oneCycleAt(cfg, s)), weightDecay: 0.01 + 0.2 * rng.next() };
}

export { adamwTrajectory };

/** OneCycleLR's lr and beta1 at `samples` (after that many step() calls), and an error one step past the end. */
export async function checkOneCycle(call: Call, opts: OneCycleOptions, samples: number[], what: string): Promise<void> {
  const total = opts.totalSteps ?? (opts.epochs ?? 0) * (opts.stepsPerEpoch ?? 0);
  const cfg: OneCycleConfig = { maxLr: opts.maxLr, totalSteps: total, pctStart: opts.pctStart, divFactor: opts.divFactor, finalDivFactor: opts.finalDivFactor, baseMomentum: opts.baseMomentum, maxMomentum: opts.maxMomentum };
  const got = await call<{ values: ScheduleValue[]; beyond: string }>('oneCycle', { opts, samples, total });
  const where = `new OneCycleLR(optimizer, ${JSON.stringify(opts)}) (${what})`;
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(b), 1e-12);
  const bad = samples.findIndex((s, i) => {
    const want = oneCycleAt(cfg, s);
    return !(close(got.values[i]?.lr ?? NaN, want.lr) && close(got.values[i]?.beta1 ?? NaN, want.beta1));
  });
  if (bad >= 0) {
    const s = samples[bad]!;
    const want = oneCycleAt(cfg, s);
    const every = samples.length === total + 1 ? nameScheduleMistake(cfg, got.values) : null;
    const g = got.values[bad];
    throw new GradingFailure(
      `${where}: at step ${s} (after ${s} step() calls) expected learningRate ${want.lr} and beta1 ${want.beta1}, got ${g?.lr} and ${g?.beta1}${every ? `: ${every}` : ''} (C.2, contract.ts OneCycleLRClass)`,
    );
  }
  if (got.beyond === 'no error') throw new GradingFailure(`${where}: step() number ${total + 1} should throw (the schedule has ${total} steps; PyTorch raises a ValueError), it did not (C.2)`);
}
