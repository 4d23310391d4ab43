// F. ResNet-18: output shapes, the resize (golden and inside the model), trainable counts per freeze option.
import { afterAll, beforeAll, test } from 'vitest';
import { gradeParts, note } from '../../../../harness/checks/report-helpers.ts';
import { openSubmission, seed } from '../../../../harness/runner/context.ts';
import type { SubmissionHandle } from '../../../../harness/runner/submission.ts';
import { num } from '../../checks.ts';
import golden from '../../golden.json' with { type: 'json' };
import { checkOutputShapes, checkResizeGolden, checkResizesInside, checkTrainable, FREEZE_OPTIONS, resnetParams } from '../../resnet-checks.ts';

let sub: SubmissionHandle;
beforeAll(async () => {
  sub = await openSubmission();
});
afterAll(() => sub?.close());

test('F.shape: output [batch, 10] for images of any size', async () => {
  await gradeParts([
    { name: 'inputSize 64, [2, 32, 32, 3] and [1, 40, 48, 3]', check: () => checkOutputShapes(sub, 64, [[2, 32, 32, 3], [1, 40, 48, 3]]) },
  ]);
});

test("F.resize: bilinear resize matches PyTorch's (align_corners=False) and happens inside the model", async () => {
  await gradeParts([
    { name: 'resizeImages against golden/interpolate.json', check: () => checkResizeGolden(sub) },
    { name: 'the model resizes its input', check: async () => void (await checkResizesInside(sub, 48, [1, 32, 32, 3], seed())) },
  ]);
});

test('F.trainable: trainable parameters for the six freeze options', async () => {
  const rows = await resnetParams(sub, 32);
  await gradeParts(
    FREEZE_OPTIONS.map((o, i) => ({
      name: o.blocks ? o.blocks.join(', ') : 'nothing frozen',
      check: () => {
        const expected = golden.models.resnet18_10_classes_trainable[o.key];
        checkTrainable(rows[i], expected);
        note(`freezeBlocks ${o.blocks ? o.blocks.join(', ') : 'none'}: ${num(rows[i].trainable)} trainable`);
      },
    })),
  );
});
