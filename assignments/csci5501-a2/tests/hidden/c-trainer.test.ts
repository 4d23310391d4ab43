// C (hidden): accuracy() and early stopping on other inputs, drawn from the run seed; patience Infinity.
import { test } from 'vitest';
import { gradeParts, seed, useSubmission } from 'dlgrade/kit';
import { checkAccuracy, checkEarlyStop, checkStopWeights, rngFor, scriptedLosses } from '../../trainer-checks.ts';

const sub = useSubmission();

test('C.accuracy.hidden: accuracy() on other data and batch sizes', async () => {
  await checkAccuracy(
    sub,
    [
      { n: 37, batchSize: 10, classes: 4 },
      { n: 7, batchSize: 3, classes: 2 },
    ],
    rngFor('accuracy-hidden'),
  );
});

test('C.early.hidden: early stopping on other scripted sequences (ties count as no improvement)', async () => {
  // Stalls of at most 4 epochs (patience 1, 2, 3 stop; 5 never does), with ties equal to the best.
  const rng = rngFor('early-hidden');
  const script = scriptedLosses(rng, [1, 2, 4, 3].sort(() => rng.next() - 0.5), 14);
  const s = seed();
  await gradeParts([
    ...[1, 2, 3, 5].map((patience) => ({ name: `stop, patience ${patience}`, check: () => checkEarlyStop(sub, script, patience, s) })),
    ...[2, 3].map((patience) => ({ name: `weights, patience ${patience}`, check: () => checkStopWeights(sub, script, patience, s) })),
  ]);
});

test('C.early.infinity: patience Infinity never stops', async () => {
  const rng = rngFor('early-infinity');
  const script = scriptedLosses(rng, [1], 2);
  for (let i = 0; i < 6; i++) script.push(Math.round((script[1]! + 0.1 * (i + 1)) * 1000) / 1000);
  await checkEarlyStop(sub, script, Infinity, seed());
  await checkStopWeights(sub, script, Infinity, seed());
});
