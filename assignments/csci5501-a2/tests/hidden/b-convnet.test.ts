// B (hidden): the exact architecture with other activations; convergence on the synthetic CIFAR-like set,
// trained by the harness in the grader on the rebuilt architecture, next to the FC classifier.
import { test } from 'vitest';
import { architectureTokens, attachArtifact, expectThreshold, firstDifference, gradeParts, GradingFailure, inspectModel, note, seed, syntheticImages, thresholdOf, trainClassifier, useSubmission } from 'dlgrade/kit';
import { fullyConnectedClassifier } from 'dlgrade/kit/models';
import { convNetTokens } from '../../checks.ts';
import type { ActivationName } from '../../contract.ts';
import { convnetModel } from '../../convnet-expected.ts';

const sub = useSubmission();

test('B.architecture: exactly the layers of table B.1, activation honoured', async () => {
  const archPart = (activation: ActivationName | undefined, numClasses?: number) => ({
    name: `activation ${activation ?? 'default (relu)'}${numClasses ? `, ${numClasses} classes` : ''}`,
    check: async () => {
      const opts = { ...(activation ? { activation } : {}), ...(numClasses ? { numClasses } : {}) };
      const got = architectureTokens(inspectModel(await convnetModel(sub, opts)).layers);
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
        const bns = inspectModel(await convnetModel(sub, {})).layers.filter((l) => l.className === 'BatchNormalization');
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
  const train = syntheticImages({ n: trainImages, seed: seed('data') });
  const held = syntheticImages({ n: testImages, seed: seed('data') + 1000 });
  const budget = { epochs: 6, batchSize: 32, lr: 3e-3, seed: seed() };
  const model = await convnetModel(sub, {});
  const convnet = trainClassifier(model, train, held, budget);
  const fcNet = fullyConnectedClassifier({ imageSize: [32, 32, 3] });
  const fc = (() => {
    try {
      return trainClassifier(fcNet, train, held, budget);
    } finally {
      fcNet.dispose();
    }
  })();
  const acc = (p: Int32Array) => Math.round((1000 * p.reduce((s, v, i) => s + (v === held.labels[i] ? 1 : 0), 0)) / testImages) / 10;
  const [c, f] = [acc(convnet.predictions), acc(fc.predictions)];
  attachArtifact('curves', { title: 'B: ConvNet on 1,000 synthetic images (harness loop)', trainLoss: convnet.epochLoss });
  attachArtifact('curves', { title: 'B: FC [128, 64] on the same images (harness loop)', trainLoss: fc.epochLoss });
  note(`ConvNet ${c}% vs FC [128, 64] ${f}% on ${testImages} held-out images`);
  expectThreshold(c, thresholdOf('B.train.synthetic'), `ConvNet held-out accuracy (%) after 6 epochs on ${trainImages} images (B.2/B.3)`);
  if (!(c > f)) {
    throw new GradingFailure(`ConvNet held-out accuracy ${c}% does not beat the FullyConnectedClassifier [128, 64] (${f}%) trained with the same budget on the same images: expected the ConvNet to be better (B.2/B.3: convolutions, BatchNorm, pooling as in table B.1)`);
  }
});
