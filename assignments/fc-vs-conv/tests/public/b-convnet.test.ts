// B. The ConvNet challenge, on the model rebuilt in the grader from what createConvNet built: logits for
// [batch, 32, 32, 3] batches, fewer parameters than SimpleMLP (counted here, PyTorch's way), within the compute
// cap. Whether it reaches SimpleMLP's accuracy is B.train (tests/hidden), trained by the grader.
import * as tf from '@tensorflow/tfjs';
import { attachArtifact, countParameters, expectShape, gradeParts, GradingFailure, initLikeTorch, modelArtifact, num, runSeed, useSubmission } from 'dlgrade/kit';
import { test } from 'vitest';
import golden from '../../golden.json' with { type: 'json' };
import { biggestLayers, computeReport, convNetModel, forwardShape, IMAGE, MAX_MACS } from '../../convnet-checks.ts';

const sub = useSubmission();
const MLP = golden.models.simple_mlp;

test('B.shape: createConvNet: logits [batch, classes] for [batch, 32, 32, 3] images', async () => {
  const cases: [number, number | undefined][] = [
    [1, undefined],
    [5, undefined],
    [2, 7],
  ];
  await gradeParts([
    ...cases.map(([batch, classes]) => ({
      name: `batch ${batch}, ${classes ?? 10} classes`,
      check: async () => {
        const model = await convNetModel(sub, classes);
        const where = `createConvNet(${classes ?? ''}) on a [${batch}, 32, 32, 3] batch`;
        expectShape(forwardShape(model, batch, where), [batch, classes ?? 10], `${where} (B)`);
      },
    })),
    {
      name: 'raw logits',
      check: async () => {
        const model = await convNetModel(sub);
        forwardShape(model, 4, 'createConvNet() on a [4, 32, 32, 3] batch');
        initLikeTorch(model, runSeed('B.shape'));
        const rows = tf.tidy(() => {
          const y = model.predict(tf.randomUniform([4, ...IMAGE], 0, 1, 'float32', runSeed('B.shape:x'))) as tf.Tensor2D;
          return { min: y.min().dataSync()[0]!, sums: y.sum(1).arraySync() as number[] };
        });
        if (rows.min >= 0 && rows.sums.every((s) => Math.abs(s - 1) < 1e-4)) {
          throw new GradingFailure('createConvNet(): every output row is non-negative and sums to 1: the model ends with a softmax. Return raw logits (no activation on the last Dense layer): the loss applies the softmax itself (nn.CrossEntropyLoss), and a second one slows training down (B)');
        }
      },
    },
  ]);
});

test('B.params: fewer parameters than SimpleMLP (308,310), counted by the grader', async () => {
  const model = await convNetModel(sub);
  forwardShape(model, 2, 'createConvNet() on a [2, 32, 32, 3] batch');
  const counts = countParameters(model);
  attachArtifact('models', modelArtifact(model, `Your ConvNet (${num(counts.total)} parameters)`));
  const frozen = counts.total - counts.trainable;
  if (counts.total < MLP) return;
  throw new GradingFailure(
    `createConvNet(): expected fewer parameters than SimpleMLP (${num(MLP)}), got ${num(counts.total)}${frozen ? ` (${num(frozen)} of them in layers with trainable: false, which still count)` : ''}. Most are in ${biggestLayers(model)}: pool (or stride) further before flattening, use fewer units or channels, or replace the Flatten + Dense head by global average pooling (B)`,
  );
});

test('B.compute: at most 40 M multiply-adds per image (the grading budget\'s compute cap)', async () => {
  const model = await convNetModel(sub);
  forwardShape(model, 1, 'createConvNet() on a [1, 32, 32, 3] batch');
  const { total, top } = computeReport(model);
  if (total <= MAX_MACS) return;
  throw new GradingFailure(`createConvNet(): expected at most ${num(MAX_MACS)} multiply-adds per 32x32x3 image (the cap that keeps the grader's training within its time limit), got ${num(total)}. Most are in ${top}: pool earlier, or use fewer channels at full resolution (B)`);
});
