// F (hidden): on the grader's copy of the model, frozen weights stay and the others move after a step;
// weights load from a file (compared with values the grader draws itself).
import { test } from 'vitest';
import { gradeParts, runSeed, useSubmission } from 'dlgrade/kit';
import type { ResNetBlock } from '../../contract.ts';
import { checkFreezeStep, checkWeightsFile } from '../../resnet-checks.ts';

const sub = useSubmission();

test('F.freeze.step: after a training step, frozen weights are unchanged and every other parameter moved', async () => {
  const options: ResNetBlock[][] = [['conv1', 'bn1'], ['layer2', 'layer4']];
  const s = runSeed('csci5501-a2:freeze-step') % 100_000;
  await gradeParts(options.map((blocks) => ({ name: blocks.join(', '), check: () => checkFreezeStep(sub, blocks, s) })));
});

test('F.weights.file: pretrained weights load from a weights file', async () => {
  await checkWeightsFile(sub, runSeed('csci5501-a2:weights-file') % 100_000, 32);
});
