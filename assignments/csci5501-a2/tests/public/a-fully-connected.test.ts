// A. FullyConnectedClassifier: output shapes (A.2 flattens) and parameter counts (A.1 layers), on the model
// rebuilt in the grader from what createFullyConnectedClassifier built.
import { test } from 'vitest';
import { attachArtifact, fmtShape, gradeParts, GradingFailure, inspectModel, modelArtifact, num, useSubmission, type Submission } from 'dlgrade/kit';
import type { FullyConnectedOptions } from '../../contract.ts';
import golden from '../../golden.json' with { type: 'json' };

const sub = useSubmission();

const fcModel = (s: Submission, opts: FullyConnectedOptions) => s.model('fcModel', { opts }, { what: `createFullyConnectedClassifier(${JSON.stringify(opts)})` });

/** Checks output [batch, classes]; names the missing flatten when Dense layers ran on the image's last axis. */
async function expectFcOutput(opts: FullyConnectedOptions, batch: number): Promise<void> {
  const input = [batch, ...opts.imageSize];
  const classes = opts.numClasses ?? 10;
  const call = `createFullyConnectedClassifier(${JSON.stringify(opts)}) on a [${input.join(', ')}] batch`;
  const o = inspectModel(await fcModel(sub, opts), { inputs: [input] }).outputs[0]!;
  if (o.error) throw new GradingFailure(`${call}: expected logits [${batch}, ${classes}], but predict threw ${o.error} (A.2: forward)`);
  const got = o.shape!;
  if (got.length === 2 && got[0] === batch && got[1] === classes) return;
  const unflattened = got.length === input.length && got[0] === batch && got.slice(1, -1).join() === input.slice(1, -1).join();
  const hint = unflattened
    ? ': the input was not flattened before the first Dense layer (A.2: flatten each image to one vector first, e.g. tf.layers.flatten)'
    : got.length === 2 && got[0] === batch
      ? `: the last layer has ${got[1]} units (A.1: the output layer is Dense(numClasses))`
      : ' (A.1/A.2)';
  throw new GradingFailure(`${call}: expected output shape [${batch}, ${classes}], got ${fmtShape(got)}${hint}`);
}

test('A.shape: output is [batch, 10] for [4,28,28,1], [3,32,32,3] and [1,28,28,1]', async () => {
  const cases: [FullyConnectedOptions, number][] = [
    [{ imageSize: [28, 28, 1], hiddenUnits: [512, 256] }, 4],
    [{ imageSize: [32, 32, 3], hiddenUnits: [1024, 512, 256] }, 3],
    [{ imageSize: [28, 28, 1] }, 1],
  ];
  await gradeParts(cases.map(([opts, batch]) => ({ name: `[${[batch, ...opts.imageSize].join(', ')}]`, check: () => expectFcOutput(opts, batch) })));
});

test('A.params: parameter counts 535,818 / 3,805,450 / 402,250', async () => {
  const g = golden.models;
  const cases: [FullyConnectedOptions, number, string][] = [
    [{ imageSize: [28, 28, 1], hiddenUnits: [512, 256], activation: 'silu' }, g.fully_connected_mnist_hidden_512_256, 'MNIST, hidden [512, 256]'],
    [{ imageSize: [32, 32, 3], hiddenUnits: [1024, 512, 256], activation: 'silu' }, g.fully_connected_cifar10_hidden_1024_512_256, 'CIFAR-10, hidden [1024, 512, 256]'],
    [{ imageSize: [32, 32, 3] }, g.fully_connected_cifar10_default_hidden_128_64, 'CIFAR-10, default hidden [128, 64]'],
  ];
  await gradeParts(
    cases.map(([opts, expected, name]) => ({
      name,
      check: async () => {
        const model = await fcModel(sub, opts);
        attachArtifact('models', modelArtifact(model, `FullyConnectedClassifier (${name})`, expected));
        const { params, layers } = inspectModel(model);
        if (params.trainable === expected) return;
        const denseLayers = layers.filter((l) => l.className === 'Dense');
        const where = `createFullyConnectedClassifier(${JSON.stringify(opts)}) (${name})`;
        const unflattened = denseLayers.find((l) => l.outputShape.length > 2);
        if (unflattened) {
          throw new GradingFailure(
            `${where}: expected ${num(expected)} trainable parameters (PyTorch's figure), got ${num(params.trainable)}: the first Dense layer sees only the image's last axis (its output is ${fmtShape(unflattened.outputShape)}), because the input was not flattened (A.2: flatten each ${opts.imageSize.join('x')} image to ${opts.imageSize.reduce((a, b) => a * b, 1)} values first)`,
          );
        }
        throw new GradingFailure(
          `${where}: expected ${num(expected)} trainable parameters (PyTorch's figure), got ${num(params.trainable)}; the Dense layers have units [${denseLayers.map((l) => l.config.units).join(', ')}], expected [${[...(opts.hiddenUnits ?? [128, 64]), 10].join(', ')}] after a flatten of ${opts.imageSize.join('x')} (A.1: one Dense per hidden width, then Dense(numClasses))`,
        );
      },
    })),
  );
});
