// A (hidden): SimpleMLP with other options (parameter counts and output shapes on the rebuilt model), and the
// training functions on other data, batch sizes and optimizers (plain SGD, a batch size that divides the data,
// one larger than it).
import { blobs, countParameters, expectShape, gradeParts, GradingFailure, inspectModel, num, runRng, runSeed, useSubmission, type Part } from 'dlgrade/kit';
import { test } from 'vitest';
import { denseSummary, describeOpts, mlpParameters } from '../../mlp-checks.ts';
import type { SimpleMLPOptions } from '../../contract.ts';
import type { TinyRun } from '../../probes.ts';
import type { OptimizerSpec } from '../../tiny-model.ts';
import { drawTinyWeights, gradeProblems, labelsFor, modesDisagree, replayEpoch, smallestMargin, testAccuracyProblems, trainEpochProblems } from '../../training-checks.ts';

const sub = useSubmission();

test('A.options: other image shapes, hidden sizes and numbers of classes', async () => {
  const cases: SimpleMLPOptions[] = [{ imageShape: [28, 28, 1], hiddenDim: 37, numClasses: 7 }, { hiddenDim: 64 }, { numClasses: 5 }];
  await gradeParts(
    cases.map((opts) => ({
      name: describeOpts(opts),
      check: async () => {
        const model = await sub.model('simpleMLP', { opts }, { what: describeOpts(opts) });
        const want = mlpParameters(opts).total;
        const got = countParameters(model).trainable;
        if (got !== want) throw new GradingFailure(`${describeOpts(opts)}: expected ${num(want)} parameters, got ${num(got)}; the Dense layers: ${denseSummary(model)} (A.1: use imageShape, hiddenDim and numClasses)`);
        const shape = [3, ...(opts.imageShape ?? [32, 32, 3])];
        const where = `${describeOpts(opts)} on a [${shape.join(', ')}] batch`;
        const o = inspectModel(model, { inputs: [shape] }).outputs[0]!;
        if (o.error) throw new GradingFailure(`${where}: expected logits [3, ${opts.numClasses ?? 10}], but predict threw ${o.error} (A.1)`);
        expectShape(o.shape, [3, opts.numClasses ?? 10], `${where} (A.1)`);
      },
    })),
  );
});

test('A.training.hidden: both training functions on other data, batch sizes and optimizers', async () => {
  const rng = runRng('A.training.hidden');
  const epochCase = (n: number, batchSize: number, optimizer: OptimizerSpec): Part => ({
    name: `trainEpoch, ${n} images in batches of ${batchSize}, ${optimizer.kind}`,
    check: async () => {
      const data = blobs(n, runSeed(`A.training.hidden:${n}`), 3);
      const weights = drawTinyWeights(rng);
      const where = `trainEpoch(model, loader, ${optimizer.kind}(${optimizer.lr})) on ${n} images in batches of ${batchSize}`;
      const run = await sub.call<TinyRun>('trainEpoch', { data, batchSize, weights, optimizer }, { what: where });
      await gradeProblems(trainEpochProblems(run, replayEpoch(data, batchSize, weights, optimizer), replayEpoch(data, batchSize, weights, optimizer, false), data, where), ['the returned mean batch loss', 'the weights after the epoch']);
    },
  });
  const accuracyCase = (n: number, batchSize: number): Part => ({
    name: `testAccuracy, ${n} images in batches of ${batchSize}`,
    check: async () => {
      let weights = drawTinyWeights(rng);
      let data = blobs(n, runSeed(`A.training.hidden:acc:${n}`), 3);
      for (let k = 1; (smallestMargin(data.images, data.n, weights) < 1e-3 || !modesDisagree(data.images, data.n, weights, batchSize)) && k < 20; k++) {
        weights = drawTinyWeights(rng);
        data = blobs(n, `${runSeed(`A.training.hidden:acc:${n}`)}:${k}`, 3);
      }
      data = { ...data, labels: labelsFor(data.images, data.n, weights, rng, 0.45, batchSize) };
      const where = `testAccuracy(model, loader) on ${n} images in batches of ${batchSize}`;
      const run = await sub.call<TinyRun>('testAccuracy', { data, batchSize, weights }, { what: where });
      await gradeProblems(testAccuracyProblems(run, data, batchSize, weights, where), ['the accuracy', 'no weight changed']);
    },
  });
  await gradeParts([epochCase(37, 8, { kind: 'sgd', lr: 0.1 }), epochCase(48, 16, { kind: 'adam', lr: 0.003 }), accuracyCase(41, 64), accuracyCase(90, 25)]);
});
