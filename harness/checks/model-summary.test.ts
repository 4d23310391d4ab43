import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/backend.ts';
import { alexNetCIFAR } from '../models/alexnet.ts';
import { convNet } from '../models/convnet.ts';
import { fullyConnectedClassifier } from '../models/fully-connected.ts';
import { tinyVGG } from '../models/tiny-vgg.ts';
import { formatShape, formatShapeHWC, formatSummary, summarizeModel } from './model-summary.ts';

const GOLDEN_DIR = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../../shared/golden/', import.meta.url));
const golden = JSON.parse(readFileSync(`${GOLDEN_DIR}/models.json`, 'utf8')) as { csci5501_a2: { convnet: number; convnet_shape_table_HxWxC: string[] } };

beforeAll(async () => {
  await initEngine('cpu');
});

describe('summarizeModel', () => {
  it('reproduces the ConvNet shape table of seed 002 B.1 (golden convnet_shape_table_HxWxC) from the output shapes', () => {
    const model = convNet();
    const s = summarizeModel(model, { expectedTotal: golden.csci5501_a2.convnet });
    const table = [formatShapeHWC(model.inputs[0].shape), ...s.layers.map((r) => formatShapeHWC(r.outputShape))];
    expect(table).toEqual(golden.csci5501_a2.convnet_shape_table_HxWxC);
    expect(s.layers.map((r) => r.kind)).toEqual([
      ...['Conv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D'],
      ...['Conv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D'],
      ...['Conv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D'],
      'Flatten', 'Dense', 'ReLU', 'Dense',
    ]);
    expect(s.trainableParams).toBe(golden.csci5501_a2.convnet);
    expect(s.totalParams).toBe(golden.csci5501_a2.convnet);
    model.dispose();
  });

  it('expands nested models, naming their layers by path', () => {
    const model = tinyVGG();
    const s = summarizeModel(model);
    expect(s.title).toBe('TinyVGG');
    expect(s.layers[0]).toEqual({ name: 'block1/block1_conv1', kind: 'Conv2D', outputShape: [null, 32, 32, 64], params: 1792, trainable: 1792 });
    expect(s.layers.at(-1)).toEqual({ name: 'classifier/classifier_fc2', kind: 'Dense', outputShape: [null, 10], params: 5130, trainable: 5130 });
    expect(s.layers.map((r) => r.name)).toContain('block2/block2_pool');
    expect(s.layers.reduce((a, r) => a + r.params, 0)).toBe(s.totalParams);
    model.dispose();
  });

  it('shows custom layers (LRN, adaptive pooling) of AlexNet with their shapes', () => {
    const model = alexNetCIFAR();
    const s = summarizeModel(model);
    const byName = new Map(s.layers.map((r) => [r.name, r]));
    expect(byName.get('features/features_lrn2')).toMatchObject({ kind: 'LocalResponseNorm', outputShape: [null, 32, 32, 192], params: 0 });
    expect(byName.get('avgpool')).toMatchObject({ kind: 'AdaptiveAvgPool2d', outputShape: [null, 4, 4, 256] });
    expect(byName.get('flatten')?.outputShape).toEqual([null, 4096]);
    model.dispose();
  });

  it('records expected counts and the formatter flags the layer and total that differ', () => {
    const model = fullyConnectedClassifier({ imageSize: [28, 28, 1], hiddenUnits: [512, 256] });
    const s = summarizeModel(model, { title: 'FC (MNIST)', expectedTotal: 535_000, expectedParams: { fc1: 401_920, fc2: 131_000 } });
    expect(s.layers.find((r) => r.name === 'fc1')?.expectedParams).toBe(401_920);
    const text = formatSummary(s);
    expect(text).toMatch(/^FC \(MNIST\)/);
    expect(text).toMatch(/fc1 +Dense +\(\?, 512\) +401,920 +401,920 +401,920\n/);
    expect(text).toMatch(/fc2 +Dense +\(\?, 256\) +131,328 +131,328 +131,000  <-- differs/);
    expect(text).toContain('Trainable params: 535,818 (expected 535,000: differs by 818)');
    model.dispose();
  });

  it('formats shapes for tables', () => {
    expect(formatShape([null, 8, 8, 48])).toBe('(?, 8, 8, 48)');
    expect(formatShape([])).toBe('-');
    expect(formatShapeHWC([null, 4, 4, 48])).toBe('(4, 4, 48)');
    expect(formatShapeHWC([null, 768])).toBe('768');
  });

  it('reports frozen parameters as non-trainable', () => {
    const model = convNet();
    model.getLayer('conv1').trainable = false;
    const s = summarizeModel(model);
    expect(s.totalParams - s.trainableParams).toBe(336);
    expect(formatSummary(s)).toContain('Non-trainable params: 336');
    model.dispose();
  });
});
