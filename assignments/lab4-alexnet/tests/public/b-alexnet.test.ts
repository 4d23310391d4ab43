// B. AlexNet adapted to CIFAR-10: LRN (B.1) and adaptive pooling (B.2) as functions on data (golden and per-run
// inputs); the network (B.3) read off the model rebuilt in the grader.
import { test } from 'vitest';
import { attachArtifact, gradeParts, modelArtifact, runRng, useSubmission } from 'dlgrade/kit';
import { publicLrnParts, publicPoolParts } from '../../function-checks.ts';
import { architectureParts, checkParams, modelSource } from '../../model-checks.ts';

const sub = useSubmission();
const models = modelSource(sub);

test('B.lrn: localResponseNorm equals nn.LocalResponseNorm(5, 1e-4, 0.75, 2) on golden/lrn.json and on other activations', async () => {
  await gradeParts(publicLrnParts(sub, runRng('lab4-alexnet:lrn')));
});

test("B.pool: adaptiveAvgPool2d equals nn.AdaptiveAvgPool2d, also when the output size does not divide the input's", async () => {
  await gradeParts(publicPoolParts(sub, runRng('lab4-alexnet:pool')));
});

test("B.params: 36,051,786 trainable parameters (PyTorch's count), layer by layer", async () => {
  const model = await models('AlexNetCIFAR');
  attachArtifact('models', modelArtifact(model, 'AlexNetCIFAR', 36_051_786));
  checkParams(model, 'AlexNetCIFAR');
});

test('B.architecture: the adapted layers: 3x3 first conv, no first pool, LRN after the first two convs, AdaptiveAvgPool to 4x4, dropout before both hidden FC layers; 32x32 -> 16x16 -> 8x8 -> 4x4', async () => {
  await gradeParts(await architectureParts(models, 'AlexNetCIFAR'));
});
