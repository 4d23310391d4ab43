// B (hidden): the exact architecture with other activations, convergence on the synthetic CIFAR-like set.
import { afterAll, beforeAll, test } from 'vitest';
import { attachArtifact, expectThreshold, gradeParts, GradingFailure, note } from '../../../../harness/checks/report-helpers.ts';
import { syntheticImages } from '../../../../harness/data/synthetic.ts';
import { openSubmission, seed, testSpec, thresholdOf } from '../../../../harness/runner/context.ts';
import type { SubmissionHandle } from '../../../../harness/runner/submission.ts';
import { architectureTokens, convNetTokens, firstDifference } from '../../checks.ts';
import type { ActivationName } from '../../contract.ts';
import { convnetModel, explainConvNetError } from '../../convnet-expected.ts';
import type { FitResult } from '../../probes.ts';

let sub: SubmissionHandle;
beforeAll(async () => {
  sub = await openSubmission();
});
afterAll(() => sub?.close());

test('B.architecture: exactly the layers of table B.1, activation honoured', async () => {
  const archPart = (activation: ActivationName | undefined, numClasses?: number) => ({
    name: `activation ${activation ?? 'default (relu)'}${numClasses ? `, ${numClasses} classes` : ''}`,
    check: async () => {
      const opts = { ...(activation ? { activation } : {}), ...(numClasses ? { numClasses } : {}) };
      const r = await convnetModel(sub, opts, []);
      const got = architectureTokens(r.layers);
      const want = convNetTokens(activation ?? 'relu', numClasses ?? 10);
      const diff = firstDifference(got, want);
      if (diff) {
        throw new GradingFailure(`createConvNet(${JSON.stringify(opts)}): the layers differ from table B.1 at ${diff}.\nExpected: ${want.join(' -> ')}\nGot:      ${got.join(' -> ')}\n(B.2: three blocks Conv2D(3x3, stride 1, padding 'same') -> BatchNorm -> activation -> MaxPool(2x2, stride 2), then Flatten -> Dense(64) -> activation -> Dense(classes))`);
      }
    },
  });
  await gradeParts([
    archPart(undefined),
    archPart('silu', 7),
    archPart('leaky_relu'),
    {
      name: "BatchNorm with PyTorch's defaults",
      check: async () => {
        const r = await convnetModel(sub, {}, []);
        const bns = r.layers.filter((l) => l.className === 'BatchNormalization');
        const off = bns.filter((l) => Math.abs(Number(l.config.epsilon) - 1e-5) > 1e-12 || Math.abs(Number(l.config.momentum) - 0.9) > 1e-12);
        if (bns.length !== 3 || off.length) {
          throw new GradingFailure(
            `createConvNet(): expected 3 BatchNormalization layers with epsilon 1e-5 and momentum 0.9 (nn.BatchNorm2d's eps 1e-5 and momentum 0.1; tfjs weighs the old statistic), got ${bns.map((l) => `epsilon ${l.config.epsilon}, momentum ${l.config.momentum}`).join('; ') || 'none'} (B.2)`,
          );
        }
      },
    },
  ]);
});

test('B.train.synthetic: accuracy on synthetic CIFAR-like images, and beats the FC classifier', async () => {
  const trainImages = 1000;
  const testImages = 500;
  const dataSeed = seed('data');
  const r = await sub
    .call<{ convnet: FitResult; fc: FitResult }>('convnetTrain', { trainImages, testImages, dataSeed, budget: { epochs: 6, batchSize: 32, lr: 3e-3, seed: seed() } }, { timeoutMs: testSpec('B.train.synthetic').timeoutMs })
    .catch((e: unknown) => explainConvNetError(e, {}));
  const labels = syntheticImages({ n: testImages, seed: dataSeed + 1000 }).labels;
  const acc = (p: Int32Array) => Math.round((1000 * p.reduce((s, v, i) => s + (v === labels[i] ? 1 : 0), 0)) / testImages) / 10;
  const [convnet, fc] = [acc(r.convnet.predictions), acc(r.fc.predictions)];
  attachArtifact('curves', { title: 'B: ConvNet on 1,000 synthetic images (harness loop)', trainLoss: r.convnet.epochLoss });
  attachArtifact('curves', { title: 'B: FC [128, 64] on the same images (harness loop)', trainLoss: r.fc.epochLoss });
  note(`ConvNet ${convnet}% vs FC [128, 64] ${fc}% on ${testImages} held-out images`);
  expectThreshold(convnet, thresholdOf('B.train.synthetic'), `ConvNet held-out accuracy (%) after 6 epochs on ${trainImages} images (B.2/B.3)`);
  if (!(convnet > fc)) {
    throw new GradingFailure(`ConvNet held-out accuracy ${convnet}% does not beat the FullyConnectedClassifier [128, 64] (${fc}%) trained with the same budget on the same images: expected the ConvNet to be better (B.2/B.3: convolutions, BatchNorm, pooling as in table B.1)`);
  }
});
