// D. The submission's SGD and StepLR on data: PyTorch's golden trajectory and schedule, and cases drawn from
// the run seed (two variables, the learning rate changed between steps; other step sizes and gammas).
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { goldenSgdCase, goldenStepLrPart, runSgdCase, sgdPart, stepLrPart } from '../../optim-checks.ts';

const sub = useSubmission();

test("D.sgd: SGD with momentum and weight decay follows PyTorch's update (golden/optimizers.json, and two variables with the learning rate changed between steps)", async () => {
  const rng = runRng('lab4-alexnet:sgd');
  const lr = Math.round((0.05 + 0.1 * rng.next()) * 1e4) / 1e4;
  await gradeParts([
    sgdPart(sub, goldenSgdCase()),
    sgdPart(sub, runSgdCase(rng, 'momentum and strong weight decay, two variables', { lr, momentum: 0.8, weightDecay: 0.05, steps: 6 })),
  ]);
});

test('D.steplr: StepLR(10, 0.1) per epoch as golden/schedules.json, and other step sizes and gammas', async () => {
  const rng = runRng('lab4-alexnet:steplr');
  const opts = { lr: Math.round((0.02 + 0.2 * rng.next()) * 1e4) / 1e4, stepSize: 2 + rng.int(4), gamma: Math.round((0.2 + 0.5 * rng.next()) * 100) / 100 };
  await gradeParts([goldenStepLrPart(sub), stepLrPart(sub, `stepSize ${opts.stepSize}, gamma ${opts.gamma}`, opts, 14)]);
});
