// C. AdamW (PyTorch's trajectory for lr 0.00182, weight decay 3.5e-5, and per-run ones under a cycling lr and
// beta1) and OneCycleLR (PyTorch's 58,650-step schedule of the notebook).
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import golden from '../../golden.json' with { type: 'json' };
import { adamwTrajectory, checkAdamW, checkOneCycle, randomAdamWCase } from '../../schedule-checks.ts';

const sub = useSubmission();
const call = <R>(probe: string, args: unknown) => sub.call<R>(probe, args);
const G = golden.adamw;
const O = golden.onecycle;

test('C.adamw: AdamW steps as torch.optim.AdamW (golden lr 0.00182 wd 3.5e-5; per-run with a cycling lr and beta1)', async () => {
  const r = randomAdamWCase(runRng('C.adamw'));
  await gradeParts([
    { name: `golden ${G.key}`, check: () => checkAdamW(call, G.w0, G.grads, G.grads.map(() => ({ lr: G.lr, beta1: 0.9 })), G.weightDecay, G.trajectory, "PyTorch's w0 and gradients (golden/optimizers.json)") },
    { name: 'per-run, lr and beta1 changing every step', check: () => checkAdamW(call, r.w0, r.grads, r.steps, r.weightDecay, adamwTrajectory(r.w0, r.grads, r.steps, { weightDecay: r.weightDecay }), 'per-run weights and gradients, lr and beta1 set before each step') },
  ]);
});

test("C.onecycle: OneCycleLR's lr and beta1 over the notebook's 58,650 steps (golden), and no step past the end", async () => {
  await checkOneCycle(call, { maxLr: O.maxLr, epochs: O.epochs, stepsPerEpoch: O.stepsPerEpoch, pctStart: O.pctStart }, O.samples.map((s) => s.step), 'the notebook: 150 epochs of 391 batches; golden/schedules.json');
});
