// C (hidden): the block's output against the grader's computation for other sizes: a projection to more
// channels (both modes), equal widths everywhere, a bottleneck wider than input and output with a projection to
// fewer channels on one image, a tall thin image.
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { test } from 'vitest';
import { blockModel, expectBlockForward } from '../../block-checks.ts';

const sub = useSubmission();

test('C.forward.hidden: other channel counts and image sizes', async () => {
  const rng = runRng('C.forward.hidden');
  const cases: [[number, number, number], [number, number, number], boolean][] = [
    [[5, 3, 7], [3, 5, 7], false],
    [[5, 3, 7], [3, 5, 7], true],
    [[7, 7, 7], [2, 4, 4], true],
    [[6, 12, 4], [1, 6, 5], false],
    [[4, 2, 4], [2, 1, 9], true],
  ];
  await gradeParts(
    cases.map(([s, input, training]) => ({
      name: `block ${s.join(', ')} on [${input.join(', ')}, ${s[0]}], ${training ? 'training' : 'inference'} mode`,
      check: async () => expectBlockForward(await blockModel(sub, s), s, rng, input, training),
    })),
  );
});
