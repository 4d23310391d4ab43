import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/backend.ts';
import { alexNetCIFAR } from '../models/alexnet.ts';
import { baselineNN } from '../models/baseline-nn.ts';
import { convNet } from '../models/convnet.ts';
import { fullyConnectedClassifier } from '../models/fully-connected.ts';
import { tinyVGG } from '../models/tiny-vgg.ts';
import { countParameters, trainableParameterCount } from './parameter-count.ts';

const GOLDEN_DIR = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../../shared/golden/', import.meta.url));
const golden = JSON.parse(readFileSync(`${GOLDEN_DIR}/models.json`, 'utf8')) as {
  csci5501_a2: Record<string, number>;
  lab4_alexnet: Record<string, number>;
};

beforeAll(async () => {
  await initEngine('cpu');
});

describe('parameter counts match PyTorch (golden/models.json)', () => {
  const cases: [string, number, () => tf.LayersModel][] = [
    ['CSCI-5501 FC, MNIST, hidden [512, 256]', golden.csci5501_a2.fully_connected_mnist_hidden_512_256, () => fullyConnectedClassifier({ imageSize: [28, 28, 1], hiddenUnits: [512, 256], activation: 'silu' })],
    ['CSCI-5501 FC, CIFAR-10, hidden [1024, 512, 256]', golden.csci5501_a2.fully_connected_cifar10_hidden_1024_512_256, () => fullyConnectedClassifier({ imageSize: [32, 32, 3], hiddenUnits: [1024, 512, 256], activation: 'silu' })],
    ['CSCI-5501 FC, CIFAR-10, default hidden [128, 64]', golden.csci5501_a2.fully_connected_cifar10_default_hidden_128_64, () => fullyConnectedClassifier({ imageSize: [32, 32, 3] })],
    ['CSCI-5501 ConvNet', golden.csci5501_a2.convnet, () => convNet({ activation: 'silu' })],
    ['Lab 4 BaselineNN', golden.lab4_alexnet.baseline_nn, () => baselineNN()],
    ['Lab 4 TinyVGG', golden.lab4_alexnet.tinyvgg, () => tinyVGG()],
    ['Lab 4 AlexNetCIFAR', golden.lab4_alexnet.alexnet_cifar, () => alexNetCIFAR()],
  ];
  it.each(cases)('%s: %i trainable parameters', (_name, expected, build) => {
    expect(typeof expected).toBe('number');
    const model = build();
    const c = countParameters(model);
    expect(c.trainable).toBe(expected);
    expect(c.total).toBe(expected);
    expect(trainableParameterCount(model)).toBe(expected);
    // Per-layer rows add up to the total.
    expect(c.layers.reduce((s, l) => s + l.params, 0)).toBe(c.total);
    model.dispose();
  });
});

describe('countParameters', () => {
  it('leaves BatchNorm running statistics out (tfjs countParams() counts them)', () => {
    const model = convNet();
    const c = countParameters(model);
    // 2 running statistics per channel of the three BatchNorms (12, 24, 48 channels).
    expect(c.buffers).toBe(2 * (12 + 24 + 48));
    expect(model.countParams()).toBe(c.total + c.buffers);
    const bn1 = c.layers.find((l) => l.path === 'bn1');
    expect(bn1).toEqual({ path: 'bn1', kind: 'BatchNormalization', params: 24, trainable: 24, buffers: 24 });
    expect(c.layers.find((l) => l.path === 'conv1')).toMatchObject({ kind: 'Conv2D', params: 3 * 3 * 3 * 12 + 12 });
    model.dispose();
  });

  it('counts frozen layers in the total but not as trainable, also inside nested models', () => {
    const model = tinyVGG();
    const before = countParameters(model);
    const block1 = model.layers[0] as tf.LayersModel;
    block1.trainable = false;
    const block2 = model.layers[1] as tf.LayersModel;
    block2.getLayer('block2_conv1').trainable = false;
    const after = countParameters(model);
    const block1Params = before.layers.filter((l) => l.path.startsWith('block1/')).reduce((s, l) => s + l.params, 0);
    expect(block1Params).toBe(1792 + 128 + 36928 + 128);
    expect(after.total).toBe(before.total);
    expect(after.trainable).toBe(before.trainable - block1Params - (3 * 3 * 64 * 128 + 128));
    // tfjs agrees on what will actually be trained.
    const tfjsTrainable = model.trainableWeights.reduce((s, w) => s + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0);
    expect(after.trainable).toBe(tfjsTrainable);
    expect(after.layers.find((l) => l.path === 'block2/block2_conv1')).toMatchObject({ params: 73856, trainable: 0 });
    model.dispose();
  });

  it('counts a layer shared by two paths once', () => {
    const shared = tf.layers.dense({ units: 4, name: 'shared' });
    const a = tf.input({ shape: [4] });
    const b = tf.input({ shape: [4] });
    const out = tf.layers.add().apply([shared.apply(a) as tf.SymbolicTensor, shared.apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [a, b], outputs: out });
    expect(countParameters(model).total).toBe(4 * 4 + 4);
    model.dispose();
  });
});
