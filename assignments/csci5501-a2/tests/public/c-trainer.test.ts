// C. Trainer: the training loop replayed in the grader (C.1), accuracy() against float64 maths (C.2), AdamW,
// early stopping (C.3) on validation-loss sequences drawn from the run seed.
import { test } from 'vitest';
import { attachArtifact, gradeParts, runSeed, seed, useSubmission } from 'dlgrade/kit';
import { checkAccuracy, checkEarlyStop, checkOptimizer, checkStopWeights, checkTrainingRun, rngFor, scriptedLosses } from '../../trainer-checks.ts';

const sub = useSubmission();

test('C.train.loss: trainModel lowers the training loss, one entry per epoch, final = the model weights', async () => {
  const r = await checkTrainingRun(sub, { seed: runSeed('csci5501-a2:train-run') % 100_000, n: 60, batchSize: 16, epochs: 6, lr: 0.01, weightDecay: 0.01 });
  attachArtifact('curves', { title: 'C.1: trainModel on separable blobs (tiny model)', trainLoss: r.trainLosses, valLoss: r.valLosses });
});

test('C.optimizer: createOptimizer is AdamW and trainModel builds it with lr and weightDecay', async () => {
  const rng = rngFor('optimizer');
  await checkOptimizer(sub, { lr: Math.round((0.001 + rng.next() * 0.05) * 1e4) / 1e4, weightDecay: Math.round((0.01 + rng.next() * 0.1) * 1e4) / 1e4 }, rng);
});

test('C.accuracy: accuracy() returns accuracy in % and the mean loss per sample', async () => {
  await checkAccuracy(
    sub,
    [
      { n: 50, batchSize: 16, classes: 3 },
      { n: 20, batchSize: 64, classes: 5 },
    ],
    rngFor('accuracy'),
  );
});

test('C.early.stop: early stopping stops at the right epoch for patience 1, 2, 3, 4', async () => {
  // Stalls of 1, 2, 3 and 5 epochs in a random order: every patience from 1 to 4 stops, each at its own epoch.
  const rng = rngFor('early-stop');
  const stalls = [1, 2, 3, 5].sort(() => rng.next() - 0.5);
  const script = scriptedLosses(rng, stalls, 16);
  await gradeParts([1, 2, 3, 4].map((patience) => ({ name: `patience ${patience}`, check: () => checkEarlyStop(sub, script, patience, seed()) })));
});

test('C.early.weights: best = the weights after the best epoch, final = after the last epoch', async () => {
  // Patience larger than the run, so this test does not depend on the stopping rule (C.early.stop checks it).
  const rng = rngFor('early-weights');
  const middle = scriptedLosses(rng, [2, 1, 4], 10);
  const rising = [middle[0]!, ...Array.from({ length: 4 }, (_, i) => Math.round((middle[0]! + 0.05 * (i + 1)) * 1000) / 1000)];
  const runs: [number[], string][] = [
    [middle, 'best in the middle'],
    [rising, 'best at epoch 1'],
  ];
  await gradeParts(runs.map(([script, name]) => ({ name, check: () => checkStopWeights(sub, script, 100, seed()) })));
});
