// B (hidden): other batch sizes, class counts and smoothing values.
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { checkCrossEntropy, randomLossCase } from '../../loss-cases.ts';

const sub = useSubmission();
const call = <R>(probe: string, args: unknown) => sub.call<R>(probe, args);

test('B.hidden: crossEntropyLoss on other batches, classes and smoothing values', async () => {
  const rng = runRng('B.hidden');
  await gradeParts(
    [0.2, 0.04, 0.5].map((eps, i) => ({ name: `smoothing ${eps}`, check: () => checkCrossEntropy(call, randomLossCase(rng, `per-run batch ${i + 1}`), [eps]) })),
  );
});
