// C. BottleneckResBlock, rebuilt in the grader: parameter counts of blocks with and without the projection and
// of the seed's two ConvNets assembled around the block (golden counts); the block's output for weights and
// inputs the grader draws this run, against its own float64 computation, in inference and training mode.
import { attachArtifact, gradeParts, modelArtifact, runRng, useSubmission } from 'dlgrade/kit';
import { test } from 'vitest';
import golden from '../../golden.json' with { type: 'json' };
import { blockModel, expectBlockForward, expectBlockParams, expectSeedParams, seedModel } from '../../block-checks.ts';
import type { SeedLayoutName } from '../../seed-layouts.ts';

const sub = useSubmission();

const PROJECTION: [number, number, number] = [3, 8, 16];
const IDENTITY: [number, number, number] = [16, 8, 16];

test('C.params: blocks with and without projection; the seed\'s two ConvNets built from the block: 32,946 and 121,306', async () => {
  const layouts: [SeedLayoutName, number][] = [
    ['bottleneck_small', golden.models.bottleneck_small],
    ['bottleneck_big', golden.models.bottleneck_big],
  ];
  await gradeParts([
    ...[PROJECTION, IDENTITY].map((s) => ({
      name: `block ${s.join(', ')} (${s[0] === s[2] ? 'identity' : 'projection'} shortcut)`,
      check: async () => expectBlockParams(await blockModel(sub, s), s),
    })),
    ...layouts.map(([layout, count]) => ({
      name: `the seed's ${layout} ConvNet`,
      check: async () => {
        const model = await seedModel(sub, layout);
        if (layout === 'bottleneck_small') attachArtifact('models', modelArtifact(model, "The seed's bottleneck_small ConvNet built from your block", count));
        expectSeedParams(model, layout, count);
      },
    })),
  ]);
});

test('C.forward: the block\'s output against the grader\'s own computation: both shortcut kinds, inference and training mode', async () => {
  const rng = runRng('C.forward');
  await gradeParts(
    [PROJECTION, IDENTITY].flatMap((s) =>
      [false, true].map((training) => ({
        name: `${s[0] === s[2] ? 'identity' : 'projection'} shortcut, ${training ? 'training' : 'inference'} mode`,
        check: async () => expectBlockForward(await blockModel(sub, s), s, rng, [2, 6, 6], training),
      })),
    ),
  );
});
