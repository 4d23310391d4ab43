// Conv nets train on wasm with our kernels installed (without them model.fit stops at "Kernel
// 'Conv2DBackpropFilter' not registered for backend 'wasm'"), and a whole network's gradients equal the cpu
// backend's.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineInfo } from '../backend.ts';
import { makeRng } from '../seed.ts';
import { normals, onBoth, relErr, setUpBackends } from './backend-compare.ts';
import { colsLimit } from './im2col.ts';

beforeAll(setUpBackends);

describe('registration', () => {
  it.each([
    'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput',
    'MaxPoolGrad', 'AvgPoolGrad',
  ])('%s is registered for wasm by our kernels', (name) => {
    expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    // Upstream's C++-backed kernels have a setupFunc (cwrap); ours are plain JS kernel functions.
    expect(tf.getKernel(name, 'wasm').setupFunc, `${name} is still upstream's`).toBeUndefined();
    expect(engineInfo().label).toContain('dlgrade kernels');
  });
});

describe('no temporaries left on the wasm heap', () => {
  it('each kernel, both conv paths and the chunked path, frees what it allocates', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const x = tf.randomNormal([3, 9, 9, 4], 0, 1, 'float32', 1);
    const run: Record<string, () => tf.Tensor> = {
      filterStride1: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: tf.ones([3, 9, 9, 5]) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 5] }) as tf.Tensor,
      filterStride2: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: tf.ones([3, 5, 5, 5]) }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 5] }) as tf.Tensor,
      inputStride1: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.ones([3, 9, 9, 5]), filter: tf.ones([3, 3, 4, 5]) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [3, 9, 9, 4] }) as tf.Tensor,
      inputStride2: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.ones([3, 5, 5, 5]), filter: tf.ones([3, 3, 4, 5]) }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [3, 9, 9, 4] }) as tf.Tensor,
      depthwise: () => tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))([x, tf.ones([3, 3, 4, 2])])[1],
      pools: () => tf.grad((a: tf.Tensor) => tf.add(tf.sum(tf.maxPool(a as tf.Tensor4D, 3, 2, 'same')), tf.sum(tf.avgPool(a as tf.Tensor4D, 3, 2, 'same'))))(x),
      tile: () => tf.tile(x, [2, 1, 1, 3]),
    };
    for (const [name, f] of Object.entries(run)) {
      for (const chunked of [false, true]) {
        colsLimit.floats = chunked ? 1 : 1 << 23;
        tf.tidy(() => f()).dispose(); // warm-up
        const before = backend.numDataIds();
        tf.tidy(() => f()).dispose();
        expect(backend.numDataIds(), `${name}${chunked ? ', chunked' : ''}`).toBe(before);
      }
    }
    colsLimit.floats = 1 << 23;
    x.dispose();
  });
});

describe('a whole network: gradients on wasm equal the cpu backend', () => {
  // Conv 3x3 + batch norm + ReLU + max pool, a strided conv, a depthwise conv, average pooling, global
  // average pooling and a dense layer: every gradient kernel the seed models use.
  it('all parameter gradients, batch 5', async () => {
    const rng = makeRng('network-grads');
    const shapes: Record<string, number[]> = {
      w1: [3, 3, 3, 8], g1: [8], b1: [8], w2: [3, 3, 8, 12], dw: [3, 3, 12, 1], wd: [12, 4],
    };
    const init = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, normals(rng, s.reduce((a, b) => a * b)).map((v) => v * 0.3)]));
    const x = normals(rng, 5 * 16 * 16 * 3);
    const names = Object.keys(shapes);
    for (const [i, name] of names.entries()) {
      const r = await onBoth(() => {
        const params = names.map((k) => tf.tensor(init[k], shapes[k]));
        const loss = (...p: tf.Tensor[]) => {
          const [w1, g1, b1, w2, dw, wd] = p;
          let h = tf.conv2d(tf.tensor4d(x, [5, 16, 16, 3]), w1 as tf.Tensor4D, 1, 'same');
          const { mean, variance } = tf.moments(h, [0, 1, 2]);
          h = tf.batchNorm4d(h, mean as tf.Tensor1D, variance as tf.Tensor1D, b1 as tf.Tensor1D, g1 as tf.Tensor1D, 1e-5);
          h = tf.maxPool(tf.relu(h), 2, 2, 'valid');
          h = tf.relu(tf.conv2d(h, w2 as tf.Tensor4D, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]));
          h = tf.depthwiseConv2d(h, dw as tf.Tensor4D, 1, 'same');
          h = tf.avgPool(h, 2, 2, 'valid');
          const logits = tf.matMul(tf.mean(h, [1, 2]), wd as tf.Tensor2D);
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 1, 2, 3, 1], 'int32'), 4), logits) as tf.Scalar;
        };
        return tf.grads(loss)(params)[i];
      });
      expect(relErr(r.wasm, r.cpu), `gradient of ${name}`).toBeLessThan(1e-5);
    }
  });
});

describe('training on wasm', () => {
  it('a small Conv2d+BatchNorm+ReLU+MaxPool net fits a learnable task (loss falls by more than half)', async () => {
    await tf.setBackend('wasm');
    const n = 64;
    const rng = makeRng('train-task');
    // Class k: a bright 4x4 square in quadrant k, on noise.
    const xs = new Float32Array(n * 16 * 16 * 3);
    const ys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % 4;
      ys[i] = k;
      for (let p = 0; p < 16 * 16 * 3; p++) xs[i * 768 + p] = 0.3 * rng.normal();
      const [r0, c0] = [(k >> 1) * 8 + 2, (k & 1) * 8 + 2];
      for (let r = r0; r < r0 + 4; r++) for (let c = c0; c < c0 + 4; c++) for (let ch = 0; ch < 3; ch++) xs[i * 768 + (r * 16 + c) * 3 + ch] += 1;
    }
    const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, padding: 'same', ...seeded(1) }),
        tf.layers.batchNormalization(),
        tf.layers.reLU(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', ...seeded(2) }),
        tf.layers.batchNormalization(),
        tf.layers.reLU(),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 4, ...seeded(3) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    const x = tf.tensor4d(xs, [n, 16, 16, 3]);
    const y = tf.tensor1d(ys, 'float32');
    const h = await model.fit(x, y, { epochs: 15, batchSize: 16, shuffle: false, verbose: 0 });
    const loss = h.history.loss as number[];
    tf.dispose([x, y]);
    model.dispose();
    expect(loss.every(Number.isFinite), `losses ${loss}`).toBe(true);
    expect(loss[loss.length - 1], `losses per epoch: ${loss.map((v) => v.toFixed(3)).join(' ')}`).toBeLessThan(0.5 * loss[0]);
  });
});
