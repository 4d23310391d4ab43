// A. The six-block CNN, rebuilt in the grader: output shapes, PyTorch's parameter counts layer by layer, the
// layer sequence, and Dropout2d as behaviour (plain dropout has the same parameter count).
import { test } from 'vitest';
import { attachArtifact, expectShape, gradeParts, GradingFailure, inspectModel, modelArtifact, useSubmission } from 'dlgrade/kit';
import { SEED_CHANNELS } from '../../architecture.ts';
import golden from '../../golden.json' with { type: 'json' };
import { checkParams, checkSequence, checkSpatialDropout } from '../../model-checks.ts';

const sub = useSubmission();
const WHERE = 'createCnn()';

test('A.shape: [1, 32, 32, 3] -> [1, 10] and [3, 32, 32, 3] -> [3, 10]', async () => {
  const model = await sub.model('cnn', {}, { what: WHERE });
  await gradeParts(
    [1, 3].map((batch) => ({
      name: `batch ${batch}`,
      check: () => {
        const o = inspectModel(model, { inputs: [[batch, 32, 32, 3]] }).outputs[0]!;
        if (o.error) throw new GradingFailure(`${WHERE} on a [${batch}, 32, 32, 3] batch: expected logits [${batch}, 10], but predict threw ${o.error} (A)`);
        expectShape(o.shape, [batch, 10], `${WHERE} on a [${batch}, 32, 32, 3] batch (A: global average pooling, then Linear(256, 10))`);
      },
    })),
  );
});

test("A.params: 4,079,429 trainable parameters, layer by layer as the notebook's table", async () => {
  const model = await sub.model('cnn', {}, { what: WHERE });
  attachArtifact('models', modelArtifact(model, 'Six-block CNN (createCnn())', golden.models.six_block_cnn));
  checkParams(model, SEED_CHANNELS, 3, 10, WHERE);
});

test('A.architecture: the notebook layers in order (kernels, padding, BatchNorm2d, ReLU, pooling, global pooling, dropout rates, Linear)', async () => {
  checkSequence(await sub.model('cnn', {}, { what: WHERE }), SEED_CHANNELS, 10, WHERE);
});

test('A.dropout2d: blocks 2-6 drop whole feature maps (nn.Dropout2d), scaled by 1 / (1 - p), not at inference', async () => {
  checkSpatialDropout(await sub.model('cnn', {}, { what: WHERE }), `${WHERE}, its dropout layers applied in the grader`);
});
