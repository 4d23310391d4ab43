// F (hidden): the replay on other set-ups, what fit() hands trainOneEpoch, and convergence of the whole recipe
// on the synthetic CIFAR-like set (after the due date).
import { test } from 'vitest';
import { GradingFailure, runRng, useSubmission } from 'dlgrade/kit';
import { checkConvergence } from '../../convergence.ts';
import { loopModelWeights, type LoopModelSpec } from '../../loop-model.ts';
import { crossEntropy } from '../../loss-maths.ts';
import { oneCycleAt } from '../../one-cycle.ts';
import type { WiringEpoch } from '../../probes.ts';
import { checkLoopTrajectory, loopSetup, randomImages } from '../../training-checks.ts';

const sub = useSubmission();
const call = <R>(probe: string, args: unknown) => sub.call<R>(probe, args);

test('F.loop.hidden: the replay with other batch sizes, an uneven last batch, no MixUp (alpha 0) and three epochs', async () => {
  const rng = runRng('F.loop.hidden');
  await checkLoopTrajectory(call, () => loopSetup(rng, { n: 23, batchSize: 6, epochs: 3, mixupAlpha: 0, maxGradNorm: 0.2 }));
});

test("F.fit: fit() builds AdamW and OneCycleLR (max lr = lr x 6.74 over epochs x len(train)) and passes the notebook's options", async () => {
  const rng = runRng('F.fit');
  const spec: LoopModelSpec = { shape: [4, 4, 3], filters: 3, classes: 3 };
  const epochs = 3;
  const lr = 0.002 + 0.01 * rng.next();
  const logits = Float32Array.from({ length: 12 }, () => 2 * rng.normal());
  const labels = Int32Array.from({ length: 4 }, () => rng.int(3));
  const r = await call<WiringEpoch[]>('fitWiring', { spec, weights: loopModelWeights(spec, 1 + rng.int(1e9)), train: randomImages(rng, 24, spec.shape, 3), test: randomImages(rng, 6, spec.shape, 3), batchSize: 8, epochs, lr, seed: 1 + rng.int(1e9), logits, labels });
  const where = `fit(train of 3 batches, test, { epochs: ${epochs}, lr: ${lr} })`;
  if (r.length !== epochs) throw new GradingFailure(`${where}: trainOneEpoch was called ${r.length} times, expected ${epochs} (F.3)`);
  const cfg = { maxLr: lr * 6.74, totalSteps: epochs * 3, pctStart: 0.3 };
  const problems: string[] = [];
  r.forEach((e, i) => {
    const want = oneCycleAt(cfg, 3 * i);
    if (!(Math.abs(e.lrBefore - want.lr) <= 1e-9 * want.lr && Math.abs(e.beta1Before - want.beta1) <= 1e-9)) problems.push(`epoch ${i + 1} starts with learningRate ${e.lrBefore} and beta1 ${e.beta1Before}, expected ${want.lr} and ${want.beta1} (OneCycleLR({ maxLr: lr * 6.74, epochs, stepsPerEpoch: train.length, pctStart: 0.3 }) stepped after every batch)`);
    if (e.mixupAlpha !== 0.4 || e.maxGradNorm !== 1) problems.push(`epoch ${i + 1}: trainOneEpoch got mixupAlpha ${String(e.mixupAlpha)} and maxGradNorm ${String(e.maxGradNorm)}, the notebook's are 0.4 and 1.0`);
    if (!e.hasRandom) problems.push(`epoch ${i + 1}: opts.random is not a Random (createRandom(seed))`);
    const ce = crossEntropy(logits, labels, 3, 0.04);
    if (!(Math.abs(e.criterionValue - ce) <= 1e-5 * Math.max(1, ce))) problems.push(`epoch ${i + 1}: the criterion gives ${e.criterionValue} on a test batch, cross-entropy with label smoothing 0.04 gives ${ce}`);
  });
  if (problems.length) throw new GradingFailure(`${where}:\n- ${[...new Set(problems)].slice(0, 6).join('\n- ')}\n(F.3, contract.ts Trainer.fit)`);
});

test('F.train.synthetic: the whole recipe on synthetic CIFAR-like images: the best checkpoint, evaluated by the grader', async () => {
  await checkConvergence(sub);
});
