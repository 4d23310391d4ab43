// E (hidden): the training and evaluation functions on other sizes and schedules.
import { test } from 'vitest';
import { gradeParts, runRng, runSeed, useSubmission } from 'dlgrade/kit';
import { TRAIN_IMAGE } from '../../tiny-models.ts';
import { evalCase, evaluateParts, predictionParts, randomImages, trainEpochParts, trainModelParts } from '../../training-checks.ts';

const sub = useSubmission();

test('E.hidden: the four functions on other sizes and schedules', async () => {
  const rng = runRng('lab4-alexnet:e-hidden');
  const seed = runSeed('lab4-alexnet:e-hidden') % 100_000;
  const sgd = { lr: 0.08, momentum: 0.5, weightDecay: 1e-3 };
  await gradeParts([
    // One batch holds the whole set; then a last batch of 1.
    ...trainEpochParts(sub, { classes: 4, seed, data: randomImages(rng, 24, TRAIN_IMAGE, 4), batchSize: 24, sgd }),
    ...evaluateParts(sub, evalCase(rng, 3, 17, 4)),
    ...trainModelParts(sub, { classes: 2, seed: seed + 1, data: randomImages(rng, 15, TRAIN_IMAGE, 2), test: randomImages(rng, 9, TRAIN_IMAGE, 2), batchSize: 4, sgd, schedule: { stepSize: 1, gamma: 0.7, epochs: 4 } }),
    ...predictionParts(sub, evalCase(rng, 6, 13, 13)),
  ]);
});
