// F (hidden): frozen weights stay, the others move after a step; weights load from a file.
import { afterAll, beforeAll, test } from 'vitest';
import { gradeParts, GradingFailure } from '../../../../harness/checks/report-helpers.ts';
import { openSubmission, seed } from '../../../../harness/runner/context.ts';
import type { SubmissionHandle } from '../../../../harness/runner/submission.ts';
import type { ResNetBlock } from '../../contract.ts';
import { checkFreezeStep } from '../../resnet-checks.ts';

let sub: SubmissionHandle;
beforeAll(async () => {
  sub = await openSubmission();
});
afterAll(() => sub?.close());

test('F.freeze.step: after a training step, frozen weights are unchanged and every other parameter moved', async () => {
  const options: ResNetBlock[][] = [['conv1', 'bn1'], ['layer2', 'layer4']];
  await gradeParts(options.map((blocks) => ({ name: blocks.join(', '), check: () => checkFreezeStep(sub, blocks, seed('hidden')) })));
});

test('F.weights.file: pretrained weights load from a weights file', async () => {
  const r = await sub.call<{ weights: number; rows: { name: string; maxDiff: number; found: boolean }[] }>('resnetWeightsFile', { seed: seed('hidden'), inputSize: 32 });
  if (r.rows.length) {
    const missing = r.rows.filter((x) => !x.found).map((x) => x.name);
    const wrong = r.rows.filter((x) => x.found).map((x) => `${x.name} (differs by ${x.maxDiff})`);
    throw new GradingFailure(
      `createResNet18({ weightsPath }) with a weights manifest holding seeded values for all ${r.weights} weights of the model: expected the model to hold exactly those values, but ${r.rows.length} weight(s) do not${missing.length ? `; missing: ${missing.slice(0, 5).join(', ')}` : ''}${wrong.length ? `; wrong: ${wrong.slice(0, 5).join(', ')}` : ''} (F: read the manifest and the .bin next to it, tf.io.decodeWeights, model.loadWeights; contract.ts describes the format)`,
    );
  }
});
