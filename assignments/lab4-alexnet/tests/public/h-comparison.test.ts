// H. F1 scores, model size and the summary table, on data: label sets and histories drawn from the run seed.
import { test } from 'vitest';
import { gradeParts, runRng, runSeed, useSubmission } from 'dlgrade/kit';
import { f1Part, goldenSet, randomHistory, randomSet, sizePart, summaryParts } from '../../metrics-checks.ts';

const sub = useSubmission();

test('H.f1: per-class F1 and macro F1 (f1_score(average=None) and its mean)', async () => {
  await gradeParts([f1Part(sub, goldenSet()), f1Part(sub, randomSet(runRng('lab4-alexnet:f1'), '160 samples of 9 classes', 160, 9))]);
});

test('H.size: model size in MB from the trainable parameters', async () => {
  const seed = runSeed('lab4-alexnet:size') % 100_000;
  await gradeParts([sizePart(sub, 3, seed, []), sizePart(sub, 5, seed, ['conv'])]);
});

test('H.summary: the comparative summary table: parameters, best and final accuracies, training time, overfitting gap', async () => {
  const rng = runRng('lab4-alexnet:summary');
  const runs = [
    { name: 'Baseline NN', parameters: 1_707_274, history: randomHistory(rng, 6) },
    { name: 'AlexNet (Adapted)', parameters: 36_051_786, history: randomHistory(rng, 6) },
    { name: 'TinyVGG', parameters: 4_460_874, history: randomHistory(rng, 6) },
  ];
  await gradeParts(summaryParts(sub, runs));
});
