// F. ResNet-18: output shapes, the resize (golden, this run's images, and inside the model), trainable counts
// per freeze option; every model rebuilt in the grader.
import { test } from 'vitest';
import { gradeParts, note, num, runSeed, useSubmission } from 'dlgrade/kit';
import golden from '../../golden.json' with { type: 'json' };
import { checkOutputShapes, checkResize, checkResizesInside, checkTrainable, FREEZE_OPTIONS, resnetParams } from '../../resnet-checks.ts';
import { rngFor } from '../../trainer-checks.ts';

const sub = useSubmission();

test('F.shape: output [batch, 10] for images of any size', async () => {
  await gradeParts([{ name: 'inputSize 64, [2, 32, 32, 3] and [1, 40, 48, 3]', check: () => checkOutputShapes(sub, 64, [[2, 32, 32, 3], [1, 40, 48, 3]]) }]);
});

test("F.resize: bilinear resize matches PyTorch's (align_corners=False) and happens inside the model", async () => {
  await gradeParts([
    { name: 'resizeImages against golden/interpolate.json and this run\'s images', check: () => checkResize(sub, rngFor('resize')) },
    { name: 'the model resizes its input', check: () => checkResizesInside(sub, 48, [1, 32, 32, 3], runSeed('csci5501-a2:resize-inside') % 100_000) },
  ]);
});

test('F.trainable: trainable parameters for the six freeze options', async () => {
  const rows = await resnetParams(sub, 32);
  await gradeParts(
    FREEZE_OPTIONS.map((o, i) => ({
      name: o.blocks ? o.blocks.join(', ') : 'nothing frozen',
      check: () => {
        checkTrainable(rows[i]!, golden.models.resnet18_10_classes_trainable[o.key]);
        note(`freezeBlocks ${o.blocks ? o.blocks.join(', ') : 'none'}: ${num(rows[i]!.trainable)} trainable`);
      },
    })),
  );
});
