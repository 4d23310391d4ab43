import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/backend.ts';
import { makeRng } from '../engine/seed.ts';
import { adaptiveAvgPool2d, AdaptiveAvgPool2d } from './adaptive-avg-pool.ts';
import { alexNetCIFAR } from './alexnet.ts';
import { baselineNN } from './baseline-nn.ts';
import { convNet } from './convnet.ts';
import { fullyConnectedClassifier } from './fully-connected.ts';
import { tinyVGG } from './tiny-vgg.ts';
import { activationLayer, ACTIVATIONS, batchNorm } from './torch-layers.ts';

beforeAll(async () => {
  await initEngine('wasm');
});

function outShape(model: tf.LayersModel, input: number[]): number[] {
  const x = tf.zeros(input);
  const y = model.predict(x) as tf.Tensor;
  const s = y.shape;
  tf.dispose([x, y]);
  return s;
}

describe('seed architectures give logits of shape [batch, classes]', () => {
  it.each([1, 3])('batch %i through every model', (batch) => {
    const cases: [tf.LayersModel, number[], number][] = [
      [fullyConnectedClassifier({ imageSize: [28, 28, 1], hiddenUnits: [512, 256] }), [28, 28, 1], 10],
      [fullyConnectedClassifier({ imageSize: [28, 28], numClasses: 7 }), [28, 28], 7],
      [convNet({ numClasses: 5 }), [32, 32, 3], 5],
      [baselineNN(), [32, 32, 3], 10],
      [tinyVGG({ numClasses: 4 }), [32, 32, 3], 4],
    ];
    for (const [model, input, classes] of cases) {
      expect(outShape(model, [batch, ...input]), model.name).toEqual([batch, classes]);
      model.dispose();
    }
  });

  it('AlexNetCIFAR maps 32x32x3 to 10 logits; a 36x36 input works through adaptive pooling', () => {
    const a = alexNetCIFAR();
    expect(outShape(a, [1, 32, 32, 3])).toEqual([1, 10]);
    a.dispose();
    const b = alexNetCIFAR({ inputShape: [36, 36, 3], numClasses: 3 });
    expect(outShape(b, [2, 36, 36, 3])).toEqual([2, 3]);
    b.dispose();
  });

  it('rejects hidden widths that are not positive integers, naming the index', () => {
    expect(() => fullyConnectedClassifier({ imageSize: [8, 8, 1], hiddenUnits: [16, 0] })).toThrow(/hiddenUnits\[1\] must be a positive integer, got 0/);
  });
});

describe('PyTorch defaults', () => {
  it('activation layers compute PyTorch functions', () => {
    const xs = [-3, -0.5, 0, 0.7, 2.5];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const erf = (v: number) => {
      // Abramowitz-Stegun 7.1.26 is 1.5e-7 accurate: enough for a float32 comparison at 1e-5.
      const t = 1 / (1 + 0.3275911 * Math.abs(v));
      const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-v * v);
      return Math.sign(v) * y;
    };
    const expected: Record<(typeof ACTIVATIONS)[number], (v: number) => number> = {
      relu: (v) => Math.max(0, v),
      silu: (v) => v * sig(v),
      leaky_relu: (v) => (v > 0 ? v : 0.01 * v),
      elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
      gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
      tanh: Math.tanh,
      sigmoid: sig,
    };
    for (const name of ACTIVATIONS) {
      const x = tf.tensor2d([xs]);
      const y = activationLayer(name).apply(x) as tf.Tensor;
      const got = Array.from(y.dataSync());
      got.forEach((g, i) => expect(g, `${name}(${xs[i]})`).toBeCloseTo(expected[name](xs[i]), 5));
      tf.dispose([x, y]);
    }
  });

  it('BatchNorm uses eps 1e-5 and PyTorch momentum 0.1 (tfjs momentum 0.9)', () => {
    expect(batchNorm('bn').getConfig()).toMatchObject({ epsilon: 1e-5, momentum: 0.9, axis: -1 });
  });
});

describe('AdaptiveAvgPool2d', () => {
  /** Direct transcription of PyTorch's adaptive_avg_pool2d windows, NHWC. */
  function reference(x: Float32Array, [n, h, w, c]: number[], oh: number, ow: number): number[] {
    const out: number[] = [];
    for (let b = 0; b < n; b++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let ch = 0; ch < c; ch++) {
            const [h0, h1] = [Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh)];
            const [w0, w1] = [Math.floor((j * w) / ow), Math.ceil(((j + 1) * w) / ow)];
            let s = 0;
            for (let y = h0; y < h1; y++) for (let z = w0; z < w1; z++) s += x[((b * h + y) * w + z) * c + ch];
            out.push(s / ((h1 - h0) * (w1 - w0)));
          }
    return out;
  }

  it.each([
    [[2, 8, 8, 3], 4, 4],
    [[1, 7, 5, 2], 3, 2],
    [[2, 5, 9, 1], 4, 4],
    [[1, 6, 6, 2], 1, 1],
  ])('input %j to %ix%i matches PyTorch windows', (shape, oh, ow) => {
    const rng = makeRng(`aap-${shape.join('x')}`);
    const values = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal());
    const x = tf.tensor4d(values, shape as [number, number, number, number]);
    const y = adaptiveAvgPool2d(x, oh, ow);
    expect(y.shape).toEqual([shape[0], oh, ow, shape[3]]);
    const want = reference(values, shape, oh, ow);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    tf.dispose([x, y]);
  });

  it('has a gradient when windows overlap (uneven sizes)', () => {
    const x = tf.ones([1, 5, 5, 1]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(adaptiveAvgPool2d(t as tf.Tensor4D, 3, 3)))(x);
    // Rows/cols 0-1, 1-3, 3-4: the middle of each overlap is shared by two windows.
    expect(g.shape).toEqual([1, 5, 5, 1]);
    expect(tf.sum(g).dataSync()[0]).toBeCloseTo(9, 5);
    tf.dispose([x, g]);
  });

  it('rejects a non-positive output size, naming the layer', () => {
    expect(() => new AdaptiveAvgPool2d({ outputSize: 0, name: 'pool' })).toThrow(/"pool": outputSize must be positive integers/);
  });
});
