// C. TinyVGG: parameters, layers and BatchNorm settings, read off the model rebuilt in the grader.
import { test } from 'vitest';
import { attachArtifact, gradeParts, modelArtifact, useSubmission } from 'dlgrade/kit';
import { architectureParts, checkParams, modelSource } from '../../model-checks.ts';

const sub = useSubmission();
const models = modelSource(sub);

test("C.params: 4,460,874 trainable parameters (PyTorch's count: BatchNorm statistics excluded), layer by layer", async () => {
  const model = await models('TinyVGG');
  attachArtifact('models', modelArtifact(model, 'TinyVGG', 4_460_874));
  checkParams(model, 'TinyVGG');
});

test("C.architecture: two blocks of [Conv 3x3, BatchNorm, ReLU] x 2 and MaxPool (32x32 -> 16x16 -> 8x8), the classifier, BatchNorm with PyTorch's settings", async () => {
  await gradeParts(await architectureParts(models, 'TinyVGG'));
});
