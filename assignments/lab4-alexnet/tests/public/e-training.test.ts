// E. trainOneEpoch, evaluate, trainModel and getPredictions on the harness's small check models, with data and
// weights drawn from the run seed; the grader replays the training (or evaluates in float64) and compares.
import { test } from 'vitest';
import { attachArtifact, gradeParts, runRng, runSeed, useSubmission } from 'dlgrade/kit';
import { TRAIN_IMAGE } from '../../tiny-models.ts';
import { evalCase, evaluateParts, predictionParts, randomImages, trainEpochParts, trainModelParts } from '../../training-checks.ts';

const sub = useSubmission();
const seedOf = (name: string) => runSeed(`lab4-alexnet:${name}`) % 100_000;

test('E.train.epoch: trainOneEpoch: training mode, one SGD step per batch, loss per sample and accuracy in % (replayed by the grader)', async () => {
  const rng = runRng('lab4-alexnet:train-epoch');
  await gradeParts(trainEpochParts(sub, { classes: 3, seed: seedOf('train-epoch'), data: randomImages(rng, 29, TRAIN_IMAGE, 3), batchSize: 8, sgd: { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 } }));
});

test('E.evaluate: evaluate: inference mode, loss per sample and accuracy in % with an uneven last batch', async () => {
  const rng = runRng('lab4-alexnet:evaluate');
  await gradeParts(evaluateParts(sub, evalCase(rng, 4, 37, 10)));
});

test("E.train.model: trainModel: the seed's history, StepLR stepped once per epoch (final weights replayed by the grader), training time in seconds", async () => {
  const rng = runRng('lab4-alexnet:train-model');
  const c = {
    classes: 3,
    seed: seedOf('train-model'),
    data: randomImages(rng, 21, TRAIN_IMAGE, 3),
    test: randomImages(rng, 11, TRAIN_IMAGE, 3),
    batchSize: 8,
    sgd: { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    schedule: { stepSize: 2, gamma: 0.5, epochs: 5 },
  };
  await gradeParts(trainModelParts(sub, c));
});

test('E.predictions: getPredictions: argmax in inference mode and the labels, in loader order', async () => {
  const rng = runRng('lab4-alexnet:predictions');
  await gradeParts(predictionParts(sub, evalCase(rng, 5, 23, 6)));
});
