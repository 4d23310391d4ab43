// C (hidden): accuracy() and early stopping on other inputs; patience Infinity.
import { afterAll, beforeAll, test } from 'vitest';
import { gradeParts } from '../../../../harness/checks/report-helpers.ts';
import { openSubmission, seed } from '../../../../harness/runner/context.ts';
import type { SubmissionHandle } from '../../../../harness/runner/submission.ts';
import { checkAccuracy, checkEarlyStop, checkStopWeights } from '../../trainer-checks.ts';

let sub: SubmissionHandle;
beforeAll(async () => {
  sub = await openSubmission();
});
afterAll(() => sub?.close());

/** Ties with the best (2.5 after 2.5, 2.4 after 2.4, 2.35 after 2.35) must count as no improvement. */
const TIES = [3.0, 2.5, 2.5, 2.6, 2.4, 2.4, 2.45, 2.3, 2.35, 2.35, 2.36, 2.2];

test('C.accuracy.hidden: accuracy() on other data and batch sizes', async () => {
  const s = seed('hidden');
  await checkAccuracy(sub, [
    { n: 37, batchSize: 10, classes: 4, seed: s },
    { n: 7, batchSize: 3, classes: 2, seed: s + 1 },
  ]);
});

test('C.early.hidden: early stopping on other scripted sequences (ties count as no improvement)', async () => {
  const s = seed('hidden');
  await gradeParts([
    ...[1, 2, 3, 5].map((patience) => ({ name: `stop, patience ${patience}`, check: () => checkEarlyStop(sub, TIES, patience, s) })),
    ...[2, 3].map((patience) => ({ name: `weights, patience ${patience}`, check: () => checkStopWeights(sub, TIES, patience, s) })),
  ]);
});

test('C.early.infinity: patience Infinity never stops', async () => {
  const script = [1.2, 1.0, 1.1, 1.3, 1.5, 1.7, 1.9, 2.1];
  await checkEarlyStop(sub, script, Infinity, seed('hidden'));
  await checkStopWeights(sub, script, Infinity, seed('hidden'));
});
