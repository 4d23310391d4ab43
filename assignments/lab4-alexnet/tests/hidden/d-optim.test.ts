// D (hidden): SGD without momentum and without weight decay; StepLR with step sizes at the extremes.
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { runSgdCase, sgdPart, stepLrPart } from '../../optim-checks.ts';

const sub = useSubmission();

test('D.sgd.hidden: SGD without momentum, and without weight decay', async () => {
  const rng = runRng('lab4-alexnet:sgd-hidden');
  await gradeParts([
    sgdPart(sub, runSgdCase(rng, 'no momentum, weight decay 0.1', { lr: 0.2, momentum: 0, weightDecay: 0.1, steps: 5 })),
    sgdPart(sub, runSgdCase(rng, 'momentum 0.95, no weight decay', { lr: 0.03, momentum: 0.95, weightDecay: 0, steps: 7 })),
  ]);
});

test('D.steplr.hidden: StepLR with a step size of 1 and one longer than the run', async () => {
  await gradeParts([stepLrPart(sub, 'stepSize 1, gamma 0.5', { lr: 0.3, stepSize: 1, gamma: 0.5 }, 8), stepLrPart(sub, 'stepSize 12 over 9 epochs', { lr: 0.05, stepSize: 12, gamma: 0.1 }, 9)]);
});
