// B. Cross-entropy with label smoothing 0.04 and the MixUp criterion: PyTorch's values (golden/losses.json)
// and per-run batches against float64 maths, with the gradient.
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import golden from '../../golden.json' with { type: 'json' };
import { checkCrossEntropy, checkMixupCriterion, randomLossCase, type LossCase } from '../../loss-cases.ts';

const sub = useSubmission();
const call = <R>(probe: string, args: unknown) => sub.call<R>(probe, args);
const L = golden.losses;
const goldenCase: LossCase = { name: "PyTorch's batch (golden/losses.json)", logits: Float32Array.from(L.logits.flat()), n: L.logits.length, classes: L.logits[0]!.length, labels: Int32Array.from(L.target) };

test('B.smoothing: crossEntropyLoss with label smoothing 0.04 (and 0) as nn.CrossEntropyLoss', async () => {
  await gradeParts([
    { name: 'golden batch', check: () => checkCrossEntropy(call, goldenCase, [0.04, 0]) },
    { name: 'per-run batch', check: () => checkCrossEntropy(call, randomLossCase(runRng('B.smoothing'), 'a per-run batch'), [0.04, 0.1]) },
  ]);
});

test('B.mixup: mixupCriterion = lam * criterion(yA) + (1 - lam) * criterion(yB)', async () => {
  const rng = runRng('B.mixup');
  const c = randomLossCase(rng, 'a per-run batch');
  await gradeParts([
    { name: 'golden, no smoothing', check: () => checkMixupCriterion(call, goldenCase, Int32Array.from(L.target_b), L.lam, 0) },
    { name: 'golden, smoothing 0.04', check: () => checkMixupCriterion(call, goldenCase, Int32Array.from(L.target_b), L.lam, 0.04) },
    { name: 'per-run', check: () => checkMixupCriterion(call, c, Int32Array.from(c.labels, () => rng.int(c.classes)), 0.05 + 0.9 * rng.next(), 0.04) },
  ]);
});
