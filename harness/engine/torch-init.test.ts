import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyVGG } from '../models/tiny-vgg.ts';
import { initEngine } from './backend.ts';
import { seedDropout } from './seeded-dropout.ts';
import { initLikeTorch } from './torch-init.ts';

beforeAll(async () => {
  await initEngine('cpu');
});

function zoo(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 16, kernelSize: 3, inputShape: [12, 12, 5], name: 'conv', biasInitializer: 'ones' }),
      tf.layers.batchNormalization({ name: 'bn', betaInitializer: 'ones', gammaInitializer: 'zeros', movingMeanInitializer: 'ones', movingVarianceInitializer: 'zeros' }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' }),
      tf.layers.conv2dTranspose({ filters: 6, kernelSize: 2, name: 'convT' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 200, name: 'dense' }),
      tf.layers.dropout({ rate: 0.5, name: 'drop' }),
    ],
  });
}

function weightsOf(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

function bytesEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('initLikeTorch', () => {
  it('draws U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases with PyTorch fan_in, BatchNorm 1/0/0/1', () => {
    const model = zoo();
    const report = initLikeTorch(model, 1);
    expect(report.initialised).toEqual(['conv', 'bn', 'dw', 'convT', 'dense']);
    expect(report.dropout).toEqual(['drop']);
    const w = weightsOf(model);
    const fanIn: Record<string, number> = {
      'conv/kernel': 3 * 3 * 5, 'conv/bias': 3 * 3 * 5,
      'dw/depthwise_kernel': 3 * 3, 'dw/bias': 3 * 3,
      // ConvTranspose2d(32, 6, 2): PyTorch's weight is (32, 6, 2, 2), fan_in = 6 * 2 * 2.
      'convT/kernel': 6 * 2 * 2, 'convT/bias': 6 * 2 * 2,
      // 12x12 -> conv 10x10 -> depthwise 8x8 -> transpose 9x9x6, flattened.
      'dense/kernel': 9 * 9 * 6, 'dense/bias': 9 * 9 * 6,
    };
    for (const [name, fi] of Object.entries(fanIn)) {
      const v = w.get(name);
      if (!v) throw new Error(`no weight ${name} in ${[...w.keys()].join(', ')}`);
      const bound = 1 / Math.sqrt(fi);
      const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      expect(max, name).toBeLessThanOrEqual(bound);
      if (v.length >= 200) {
        // Uniform on [-b, b]: the sample fills the range, mean ~ 0, variance ~ b^2/3.
        const mean = v.reduce((s, x) => s + x, 0) / v.length;
        const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
        expect(max, name).toBeGreaterThan(0.97 * bound);
        expect(Math.abs(mean), name).toBeLessThan((4 * bound) / Math.sqrt(3 * v.length));
        expect(variance / (bound * bound / 3), name).toBeGreaterThan(0.9);
        expect(variance / (bound * bound / 3), name).toBeLessThan(1.1);
      }
    }
    expect(Array.from(w.get('bn/gamma') ?? [])).toEqual(new Array(16).fill(1));
    expect(Array.from(w.get('bn/beta') ?? [])).toEqual(new Array(16).fill(0));
    expect(Array.from(w.get('bn/moving_mean') ?? [])).toEqual(new Array(16).fill(0));
    expect(Array.from(w.get('bn/moving_variance') ?? [])).toEqual(new Array(16).fill(1));
    model.dispose();
  });

  it('same seed: bitwise-identical weights; different seed: different weights; same on cpu and wasm', async () => {
    const a = zoo();
    const b = zoo();
    const c = zoo();
    initLikeTorch(a, 'seed-1');
    initLikeTorch(b, 'seed-1');
    initLikeTorch(c, 'seed-2');
    const [wa, wb, wc] = [weightsOf(a), weightsOf(b), weightsOf(c)];
    for (const [name, v] of wa) {
      expect(bytesEqual(v, wb.get(name) ?? new Float32Array()), name).toBe(true);
      if (!name.startsWith('bn/')) expect(bytesEqual(v, wc.get(name) ?? new Float32Array()), name).toBe(false);
    }
    await initEngine('wasm');
    const d = zoo();
    initLikeTorch(d, 'seed-1');
    for (const [name, v] of weightsOf(d)) expect(bytesEqual(v, wa.get(name) ?? new Float32Array()), `wasm ${name}`).toBe(true);
    tf.dispose([a, b, c, d].flatMap((m) => m.weights.map((w) => w.read())));
    await initEngine('cpu');
  });

  it('initialises the layers of nested models', () => {
    const model = tinyVGG();
    const report = initLikeTorch(model, 3);
    expect(report.initialised).toContain('block1/block1_conv1');
    expect(report.initialised).toContain('classifier/classifier_fc2');
    expect(report.dropout).toEqual(['classifier/classifier_dropout']);
    const fc2 = Array.from((model.layers[2] as tf.LayersModel).getLayer('classifier_fc2').getWeights()[0].dataSync());
    expect(fc2.reduce((m, x) => Math.max(m, Math.abs(x)), 0)).toBeLessThanOrEqual(1 / Math.sqrt(512));
    model.dispose();
  });

  it('refuses a layer whose PyTorch default it does not know, and an unbuilt model, naming the layer', () => {
    const rnn = tf.sequential({ layers: [tf.layers.simpleRNN({ units: 3, inputShape: [4, 2], name: 'rnn' })] });
    expect(() => initLikeTorch(rnn, 0)).toThrow(/layer "rnn" \(SimpleRNN\)/);
    // tfjs builds a model's layers when it is assembled; a layer on its own stays unbuilt until first applied.
    expect(() => initLikeTorch(tf.layers.dense({ units: 3, name: 'head' }), 0)).toThrow(/layer "head" \(Dense\) is not built yet/);
  });
});

describe('seedDropout', () => {
  const maskOf = (layer: tf.layers.Layer) =>
    tf.tidy(() => Array.from((layer.apply(tf.ones([4, 64]), { training: true }) as tf.Tensor).dataSync()));

  it('a fixed tfjs seed repeats one mask forever (why seedDropout exists)', () => {
    const d = tf.layers.dropout({ rate: 0.5, seed: 42 });
    expect(maskOf(d)).toEqual(maskOf(d));
  });

  it('gives a new mask each training call, the same sequence for the same seed, another for another seed', () => {
    const run = (seed: number) => {
      const model = tf.sequential({ layers: [tf.layers.dropout({ rate: 0.5, inputShape: [64] })] });
      expect(seedDropout(model, seed)).toEqual([model.layers[0].name]);
      const masks = [maskOf(model.layers[0]), maskOf(model.layers[0]), maskOf(model.layers[0])];
      model.dispose();
      return masks;
    };
    const a = run(5);
    expect(a[0]).not.toEqual(a[1]);
    expect(a[1]).not.toEqual(a[2]);
    // rate 0.5: about half the units dropped, survivors scaled by 2.
    const dropped = a[0].filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(256 * 0.35);
    expect(dropped).toBeLessThan(256 * 0.65);
    expect(new Set(a[0])).toEqual(new Set([0, 2]));
    expect(run(5)).toEqual(a);
    expect(run(6)[0]).not.toEqual(a[0]);
  });

  it('inference calls draw nothing, so they do not shift later masks', () => {
    const masks = (withInference: boolean) => {
      const d = tf.layers.dropout({ rate: 0.5 });
      seedDropout(tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [64] }), d] }), 9);
      const first = maskOf(d);
      if (withInference) tf.tidy(() => d.apply(tf.ones([4, 64]), { training: false }) as tf.Tensor);
      return [first, maskOf(d)];
    };
    expect(masks(true)).toEqual(masks(false));
  });

  it('refuses random layers tfjs cannot seed, naming them', () => {
    const model = tf.sequential({ layers: [tf.layers.gaussianNoise({ stddev: 0.1, inputShape: [3], name: 'noise' })] });
    expect(() => seedDropout(model, 1)).toThrow(/layer "noise" \(GaussianNoise\) draws unseeded random numbers/);
  });
});
