// A. BaselineNN: parameters and layers, read off the model rebuilt in the grader.
import { test } from 'vitest';
import { attachArtifact, gradeParts, modelArtifact, useSubmission } from 'dlgrade/kit';
import { architectureParts, checkParams, modelSource } from '../../model-checks.ts';

const sub = useSubmission();
const models = modelSource(sub);

test("A.params: 1,707,274 trainable parameters (PyTorch's count), layer by layer", async () => {
  const model = await models('BaselineNN');
  attachArtifact('models', modelArtifact(model, 'BaselineNN', 1_707_274));
  checkParams(model, 'BaselineNN');
});

test('A.architecture: Flatten, Dense(512), ReLU, Dropout, Dense(256), ReLU, Dropout, Dense(10); logits [batch, 10]', async () => {
  await gradeParts(await architectureParts(models, 'BaselineNN'));
});
