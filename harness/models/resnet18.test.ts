// ResNet-18 against torchvision's figures: trainable parameters in total and with blocks frozen
// (golden/models.json), output shapes of each stage at 224 and 64, and PyTorch's symmetric stride-2 padding.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainableParameterCount } from '../checks/parameter-count.ts';
import { initEngine } from '../engine/backend.ts';
import { resNet18 } from './resnet18.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(fs.readFileSync(path.resolve(here, '../../../shared/golden/models.json'), 'utf8')) as {
  csci5501_a2: { resnet18_10_classes_trainable: Record<string, number> };
};
const counts = golden.csci5501_a2.resnet18_10_classes_trainable;

beforeAll(async () => {
  await initEngine('wasm');
});

function freezeTopLevel(model: tf.LayersModel, blocks: string[]): void {
  // Freezing by top-level block name (the correct rule; the seed's substring rule is the fixture bug).
  for (const l of model.layers) if (blocks.some((b) => l.name === b || l.name.startsWith(`${b}.`))) l.trainable = false;
}

describe('resNet18', () => {
  it('has torchvision resnet18(num_classes=10)\'s 11,181,642 trainable parameters', () => {
    const m = resNet18({ numClasses: 10, inputShape: [64, 64, 3] });
    expect(trainableParameterCount(m)).toBe(counts.none_frozen);
    expect(counts.none_frozen).toBe(11_181_642);
    m.dispose();
  });

  it.each([
    ['frozen_conv1_bn1', ['conv1', 'bn1']],
    ['frozen_layer1', ['layer1']],
    ['frozen_layer1_layer2', ['layer1', 'layer2']],
    ['frozen_layer1_layer2_layer3', ['layer1', 'layer2', 'layer3']],
    ['frozen_layer1_to_layer4', ['layer1', 'layer2', 'layer3', 'layer4']],
  ])('%s matches PyTorch when frozen by block name', (key, blocks) => {
    const m = resNet18({ numClasses: 10, inputShape: [64, 64, 3] });
    freezeTopLevel(m, blocks);
    expect(trainableParameterCount(m)).toBe(counts[key]);
    m.dispose();
  });

  it('stage outputs follow torchvision at 224x224 (112, 56, 56, 28, 14, 7) and 64x64', () => {
    const stages = ['relu', 'maxpool', 'layer1.1.relu2', 'layer2.1.relu2', 'layer3.1.relu2', 'layer4.1.relu2'];
    for (const [size, want] of [
      [224, [112, 56, 56, 28, 14, 7]],
      [64, [32, 16, 16, 8, 4, 2]],
    ] as const) {
      const m = resNet18({ inputShape: [size, size, 3] });
      const got = stages.map((n) => m.getLayer(n).outputShape as number[]);
      expect(got.map((s) => s[1])).toEqual(want);
      expect(got.map((s) => s[3])).toEqual([64, 64, 64, 128, 256, 512]);
      expect(m.outputs[0].shape).toEqual([null, 10]);
      m.dispose();
    }
  });

  it('pads stride-2 convolutions symmetrically, as PyTorch does (a centred impulse stays centred)', () => {
    const m = resNet18({ inputShape: [32, 32, 3] });
    // conv1 with a filter that is 1 only at its centre tap: the output samples input pixels 0, 2, 4, ...
    // under PyTorch's padding 3 (tfjs 'same' would sample 1, 3, 5, ...).
    const conv1 = m.getLayer('conv1');
    const w = tf.buffer([7, 7, 3, 64]);
    w.set(1, 3, 3, 0, 0);
    conv1.setWeights([w.toTensor()]);
    const x = tf.buffer([1, 32, 32, 3]);
    x.set(1, 0, 4, 6, 0);
    const sub = tf.model({ inputs: m.inputs, outputs: conv1.output as tf.SymbolicTensor });
    const y = (sub.predict(x.toTensor()) as tf.Tensor).slice([0, 0, 0, 0], [1, 16, 16, 1]).reshape([16, 16]).arraySync() as number[][];
    expect(y[2][3]).toBe(1);
    expect(y.flat().reduce((a, b) => a + b, 0)).toBe(1);
    m.dispose();
  });

  it('refuses inputs smaller than 32x32 and bad class counts', () => {
    expect(() => resNet18({ inputShape: [16, 16, 3] })).toThrow(/too small/);
    expect(() => resNet18({ numClasses: 0 })).toThrow(/numClasses must be a positive integer, got 0/);
  });
});
