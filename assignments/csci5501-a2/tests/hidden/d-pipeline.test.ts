// D (hidden): normalisation from the data, augmentation on training data only.
import { test } from 'vitest';
import { expectClose, gradeParts, GradingFailure, runSeed, useSubmission } from 'dlgrade/kit';
import { callPipeline, channelStats, describeCase, loaderProblem, randomImages, unaugmentedFraction, type PipelineCase } from '../../pipeline-checks.ts';

const sub = useSubmission();

const spec = (n: number, h: number, c: number, s: number) => ({ n, height: h, width: h, channels: c, seed: s });

test('D.pipeline.normalisation: mean and std come from the training data, per channel (or meanStd when given)', async () => {
  const s = runSeed('csci5501-a2:pipeline-hidden') % 1_000_000;
  const fromData = (c: PipelineCase) => ({
    name: `${c.dataset}, ${c.train.channels} channel(s)`,
    check: async () => {
      const p = await callPipeline(sub, c, []);
      const want = channelStats(randomImages(c.train));
      const where = `${describeCase(c)}: the normalisation statistics`;
      if (p.mean.length !== c.train.channels) {
        throw new GradingFailure(`${where}: expected ${c.train.channels} mean(s), one per channel, got ${p.mean.length} (D: CIFAR-10's mean is per channel, data.mean(axis=(0, 1, 2)))`);
      }
      expectClose(p.mean, want.mean, { abs: 1e-4 }, `${where}: mean per channel over every pixel of the raw training images (D)`);
      expectClose(p.std, want.std, { abs: 1e-4, rel: 1e-3 }, `${where}: std per channel over every pixel of the raw training images (D)`);
    },
  });
  const given: PipelineCase = { dataset: 'cifar10', train: spec(120, 8, 3, s + 2), test: spec(10, 8, 3, s + 3), opts: { valSize: 20, meanStd: [[0.5, 0.4, 0.3], [0.2, 0.25, 0.3]] } };
  await gradeParts([
    fromData({ dataset: 'cifar10', train: spec(300, 8, 3, s), test: spec(20, 8, 3, s + 1), opts: { valSize: 50 } }),
    fromData({ dataset: 'mnist', train: spec(300, 10, 1, s + 4), test: spec(20, 10, 1, s + 5), opts: { valSize: 50 } }),
    {
      name: 'meanStd given',
      check: async () => {
        const p = await callPipeline(sub, given, ['test']);
        const [mean, std] = given.opts!.meanStd!;
        const where = `${describeCase(given)}`;
        expectClose(p.mean, mean, 1e-7, `${where}: mean (D: use meanStd when it is given)`);
        expectClose(p.std, std, 1e-7, `${where}: std (D: use meanStd when it is given)`);
        const problem = loaderProblem(p.loaders.test, randomImages(given.test), Int32Array.from({ length: given.test.n }, (_, i) => i), mean, std, 64, 'test');
        if (problem) throw new GradingFailure(`${where}: ${problem}`);
      },
    },
  ]);
});

test('D.pipeline.augmentation: augmentation on training data only; validation and test images are only normalised', async () => {
  const s = runSeed('csci5501-a2:pipeline-hidden') % 1_000_000;
  const cases: PipelineCase[] = [
    { dataset: 'cifar10', train: spec(400, 12, 3, s + 10), test: spec(30, 12, 3, s + 11), opts: { valSize: 100, batchSize: 32, seed: 3 } },
    { dataset: 'mnist', train: spec(300, 28, 1, s + 12), test: spec(30, 28, 1, s + 13), opts: { valSize: 100, batchSize: 32, seed: 3 } },
  ];
  await gradeParts(
    cases.flatMap((c) => {
      const raw = randomImages(c.train);
      const test = randomImages(c.test);
      // One probe call shared by both parts, started by whichever part runs first.
      let pending: ReturnType<typeof callPipeline> | undefined;
      const result = () => (pending ??= callPipeline(sub, c, ['train', 'val', 'test']));
      const where = describeCase(c);
      return [
        {
          name: `${c.dataset}: training images augmented`,
          check: async () => {
            const p = await result();
            const t = p.loaders.train!;
            if (t.ys.length !== p.trainIndices.length) {
              throw new GradingFailure(`${where}: expected the training loader to yield ${p.trainIndices.length} images per epoch (the training split), got ${t.ys.length}`);
            }
            const want = Array.from(p.trainIndices, (i) => raw.labels[i]).sort((a, b) => a - b);
            const got = Array.from(t.ys).sort((a, b) => a - b);
            if (want.join() !== got.join()) throw new GradingFailure(`${where}: the training loader's labels are not those of the training split (D: augment the image, keep its label)`);
            const plain = unaugmentedFraction(t, raw, p.trainIndices, p.mean, p.std);
            if (plain > 0.5) {
              const what = c.dataset === 'cifar10' ? 'RandomHorizontalFlip + RandomCrop(32, padding=4)' : 'RandomRotation(10)';
              throw new GradingFailure(`${where}: ${Math.round(plain * 100)}% of the training images came out exactly as (x - mean) / std of an original image: expected most to be augmented (${what}) (D: augmentation belongs in the training loader)`);
            }
          },
        },
        {
          name: `${c.dataset}: validation and test images only normalised`,
          check: async () => {
            const p = await result();
            const problem =
              loaderProblem(p.loaders.val, raw, p.valIndices, p.mean, p.std, c.opts!.batchSize!, 'validation') ??
              loaderProblem(p.loaders.test, test, Int32Array.from({ length: c.test.n }, (_, i) => i), p.mean, p.std, c.opts!.batchSize!, 'test');
            if (problem) throw new GradingFailure(`${where}: ${problem} (D: val_test_transform is ToTensor + Normalize only)`);
          },
        },
      ];
    }),
  );
});
