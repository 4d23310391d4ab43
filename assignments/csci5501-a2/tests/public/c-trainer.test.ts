// C. Trainer: the training loop lowers the loss (C.1), accuracy() (C.2), AdamW, early stopping (C.3) on
// scripted validation losses.
import { afterAll, beforeAll, test } from 'vitest';
import { attachArtifact, gradeParts, GradingFailure, note } from '../../../../harness/checks/report-helpers.ts';
import { openSubmission, seed } from '../../../../harness/runner/context.ts';
import type { SubmissionHandle } from '../../../../harness/runner/submission.ts';
import { checkAccuracy, checkEarlyStop, checkOptimizer, checkStopWeights } from '../../trainer-checks.ts';

let sub: SubmissionHandle;
beforeAll(async () => {
  sub = await openSubmission();
});
afterAll(() => sub?.close());

/** A validation loss that improves, stalls for 1-3 epochs, improves again and then rises. */
const SCRIPT = [1.0, 0.9, 0.95, 0.92, 0.97, 0.85, 0.9, 0.91, 0.93, 0.96, 0.99, 1.0];

test('C.train.loss: trainModel lowers the training loss, one entry per epoch, final = the model weights', async () => {
  const epochs = 6;
  const r = await sub.call<{ trainLosses: number[]; valLosses: number[]; stoppedEpoch: number | null; initial: Float32Array; current: Float32Array; final: Float32Array }>('trainerRun', {
    seed: seed(),
    n: 60,
    batchSize: 16,
    epochs,
    lr: 0.01,
    weightDecay: 0.01,
  });
  attachArtifact('curves', { title: 'C.1: trainModel on separable blobs (tiny model)', trainLoss: r.trainLosses, valLoss: r.valLosses });
  const where = `trainModel(train, val, { epochs: ${epochs}, lr: 0.01, weightDecay: 0.01, earlyStoppingPatience: Infinity }) on a tiny model`;
  if (r.trainLosses.length !== epochs) throw new GradingFailure(`${where}: expected ${epochs} training losses (one per epoch), got ${r.trainLosses.length} (C.1: push the epoch's mean batch loss once per epoch)`);
  if (r.valLosses.length !== epochs) throw new GradingFailure(`${where}: expected ${epochs} validation losses, got ${r.valLosses.length} (C.3: record this.accuracy(val).loss once per epoch)`);
  if (!r.trainLosses.every(Number.isFinite)) throw new GradingFailure(`${where}: training losses are not all finite numbers: [${r.trainLosses.join(', ')}] (C.1)`);
  const moved = r.current.some((v, i) => v !== r.initial[i]);
  if (!moved) throw new GradingFailure(`${where}: the model's weights did not change (C.1: each batch needs an optimizer step, e.g. optimizer.minimize(() => loss))`);
  const [first, last] = [r.trainLosses[0], r.trainLosses.at(-1)!];
  note(`training loss ${first.toFixed(4)} -> ${last.toFixed(4)} over ${epochs} epochs`);
  if (!(last < 0.5 * first)) {
    throw new GradingFailure(`${where}: expected the training loss to fall below half its first value, got [${r.trainLosses.map((l) => l.toFixed(4)).join(', ')}] (C.1: forward in training mode, mean cross-entropy against the labels, one optimizer step per batch)`);
  }
  const same = r.final.length === r.current.length && r.final.every((v, i) => v === r.current[i]);
  if (!same) throw new GradingFailure(`${where}: \`final\` is not the model's weights at the end of training (C.3: final = model.getWeights() copied after the last epoch)`);
});

test('C.optimizer: createOptimizer is AdamW and trainModel builds it with lr and weightDecay', async () => {
  await checkOptimizer(sub, { lr: 0.0123, weightDecay: 0.045 });
});

test('C.accuracy: accuracy() returns accuracy in % and the mean loss per sample', async () => {
  await checkAccuracy(sub, [
    { n: 50, batchSize: 16, classes: 3, seed: seed() },
    { n: 20, batchSize: 64, classes: 5, seed: seed() + 1 },
  ]);
});

test('C.early.stop: early stopping stops at the right epoch for patience 1, 2, 3, 4', async () => {
  await gradeParts([1, 2, 3, 4].map((patience) => ({ name: `patience ${patience}`, check: () => checkEarlyStop(sub, SCRIPT, patience, seed()) })));
});

test('C.early.weights: best = the weights after the best epoch, final = after the last epoch', async () => {
  // Patience larger than the run, so this test does not depend on the stopping rule (C.early.stop checks it).
  const runs: [number[], string][] = [
    [SCRIPT, 'best in the middle'],
    [[0.5, 0.6, 0.7, 0.8, 0.9], 'best at epoch 1'],
  ];
  await gradeParts(runs.map(([script, name]) => ({ name, check: () => checkStopWeights(sub, script, 100, seed()) })));
});
