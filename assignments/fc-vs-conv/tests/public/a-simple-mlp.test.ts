// A. SimpleMLP (A.1) on the model rebuilt in the grader: parameter count, output shapes and the forward on the
// grader's weights and inputs. The training functions (A.2) on the tiny classifier, with this run's weights
// and data: trainEpoch against the grader's replay of the epoch, testAccuracy against the grader's answer.
import { test } from 'vitest';
import { attachArtifact, blobs, countParameters, gradeParts, GradingFailure, modelArtifact, num, runRng, runSeed, useSubmission } from 'dlgrade/kit';
import golden from '../../golden.json' with { type: 'json' };
import { checkMlpForward, denseSummary, describeOpts, mlpParameters } from '../../mlp-checks.ts';
import type { TinyRun } from '../../probes.ts';
import { drawTinyWeights, gradeProblems, labelsFor, modesDisagree, replayEpoch, smallestMargin, testAccuracyProblems, trainEpochProblems } from '../../training-checks.ts';

const sub = useSubmission();

test('A.params: SimpleMLP has 308,310 parameters (PyTorch\'s figure), layer by layer', async () => {
  const want = mlpParameters();
  if (want.total !== golden.models.simple_mlp) throw new Error(`mlp-checks.ts counts ${want.total}, golden ${golden.models.simple_mlp}: the grader's formula is wrong`);
  const model = await sub.model('simpleMLP', {}, { what: describeOpts() });
  attachArtifact('models', modelArtifact(model, 'SimpleMLP', want.total));
  const got = countParameters(model).trainable;
  if (got !== want.total) {
    throw new GradingFailure(
      `${describeOpts()}: expected ${num(want.total)} parameters (fc1 3,072 -> 100: ${num(want.layers[0])}, fc2 100 -> 10: ${num(want.layers[1])}), got ${num(got)}; the Dense layers: ${denseSummary(model)} (A.1: flatten the 32x32x3 image to 3,072 values, then nn.Linear(3072, 100) and nn.Linear(100, 10), both with biases)`,
    );
  }
});

test('A.forward: output [batch, 10]; flatten -> Dense(100) -> ReLU -> Dense(10) on weights and inputs the grader picks', async () => {
  const rng = runRng('A.forward');
  await gradeParts(
    [1, 5].map((batch) => ({
      name: `batch ${batch}`,
      check: async () => checkMlpForward(await sub.model('simpleMLP', {}, { what: describeOpts() }), {}, rng, batch),
    })),
  );
});

test('A.trainEpoch: one epoch matches the grader\'s replay (training mode, one step per batch) and returns the mean batch loss', async () => {
  const rng = runRng('A.trainEpoch');
  // 50 images in batches of 16: the last batch holds 2, so a mean over images differs from the seed's mean over batches.
  const data = blobs(50, runSeed('A.trainEpoch'), 3);
  const weights = drawTinyWeights(rng);
  const optimizer = { kind: 'adam' as const, lr: 0.01 };
  const where = 'trainEpoch(model, loader, adam(0.01)) on 50 images in batches of 16 (a small classifier with BatchNorm)';
  const run = await sub.call<TinyRun>('trainEpoch', { data, batchSize: 16, weights, optimizer }, { what: where });
  const problems = trainEpochProblems(run, replayEpoch(data, 16, weights, optimizer), replayEpoch(data, 16, weights, optimizer, false), data, where);
  await gradeProblems(problems, ['the returned mean batch loss', 'the weights after the epoch']);
});

test('A.testAccuracy: percent correct over every image, in inference mode, no weight changed', async () => {
  const rng = runRng('A.testAccuracy');
  // Weights and images whose top two logits are never within 1e-3 (so float rounding cannot flip an answer).
  let weights = drawTinyWeights(rng);
  let data = blobs(70, runSeed('A.testAccuracy'), 3);
  for (let k = 1; (smallestMargin(data.images, data.n, weights) < 1e-3 || !modesDisagree(data.images, data.n, weights, 32)) && k < 20; k++) {
    weights = drawTinyWeights(rng);
    data = blobs(70, `${runSeed('A.testAccuracy')}:${k}`, 3);
  }
  data = { ...data, labels: labelsFor(data.images, data.n, weights, rng, 0.6, 32) };
  const where = 'testAccuracy(model, loader) on 70 images in batches of 32 (a small classifier with BatchNorm, moving statistics set)';
  const run = await sub.call<TinyRun>('testAccuracy', { data, batchSize: 32, weights }, { what: where });
  await gradeProblems(testAccuracyProblems(run, data, 32, weights, where), ['the accuracy', 'no weight changed']);
});
