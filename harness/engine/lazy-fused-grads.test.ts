// The lazy fused-matMul gradient: same gradients as tfjs's own customGrad, and the data input's gradient is
// no longer computed (one matrix product fewer for a dense layer fed with data).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from './backend.ts';
import { profileKernels } from './kernel-profile.ts';
import { installLazyFusedGradients } from './lazy-fused-grads.ts';
import { makeRng } from './seed.ts';

const rng = makeRng('lazy-fused');
const normals = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

beforeAll(async () => {
  await initEngine('wasm');
  expect(installLazyFusedGradients()).toBe(true);
});

/** Unfused reference: plain matMul + add + relu, whose gradients are tfjs's registered ones. */
function reference(a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor | undefined, tA: boolean, tB: boolean, act: 'linear' | 'relu'): tf.Tensor {
  let y = tf.matMul(a, b, tA, tB);
  if (bias) y = tf.add(y, bias);
  return act === 'relu' ? tf.relu(y) : y;
}

describe('lazy fused matMul gradients', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      for (const act of ['linear', 'relu'] as const) {
        for (const withBias of [true, false]) {
          it(`${backend}: tA=${tA} tB=${tB} ${act}${withBias ? ' + bias' : ''}, batched and 2-D`, async () => {
            await tf.setBackend(backend);
            for (const batch of [[], [3]]) {
              const [M, K, N] = [5, 7, 4];
              const sa = [...batch, ...(tA ? [K, M] : [M, K])];
              const sb = [...batch, ...(tB ? [N, K] : [K, N])];
              const av = normals(sa.reduce((p, d) => p * d, 1));
              const bv = normals(sb.reduce((p, d) => p * d, 1));
              const cv = normals(N);
              const dyv = normals([...batch, M, N].reduce((p, d) => p * d, 1));
              const run = (fused: boolean) =>
                tf.tidy(() => {
                  const xs = [tf.tensor(av, sa), tf.tensor(bv, sb), ...(withBias ? [tf.tensor1d(cv)] : [])];
                  const f = (a: tf.Tensor, b: tf.Tensor, c?: tf.Tensor) =>
                    fused
                      ? tf.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias: c, activation: act })
                      : reference(a, b, c, tA, tB, act);
                  const grads = tf.grads(f)(xs, tf.tensor(dyv, [...batch, M, N]));
                  return grads.map((g) => Array.from(g.dataSync()));
                });
              const got = run(true);
              const want = run(false);
              for (let i = 0; i < 3; i++) {
                if (i === 2 && !withBias) continue;
                const scale = Math.max(1e-6, ...want[i].map(Math.abs));
                const err = Math.max(...got[i].map((v, j) => Math.abs(v - want[i][j]))) / scale;
                expect(err, `gradient ${['a', 'b', 'bias'][i]} batch [${batch}]`).toBeLessThan(1e-5);
              }
            }
            await tf.setBackend('wasm');
          });
        }
      }
    }
  }

  it('a dense layer on data computes only the weight gradient (one product, not two)', async () => {
    await tf.setBackend('wasm');
    const dense = tf.layers.dense({ units: 8, inputShape: [16] });
    const x = tf.randomNormal([4, 16]);
    dense.apply(x); // build
    const vars = dense.trainableWeights.map((w) => w.read() as tf.Variable);
    const p = profileKernels(() => {
      tf.tidy(() => tf.variableGrads(() => tf.sum(dense.apply(x) as tf.Tensor), vars));
    });
    const products = p.kernels.find((k) => k.kernel === 'BatchMatMul')?.calls ?? 0;
    expect(products).toBe(1);
    tf.dispose([x]);
    dense.dispose();
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: fused conv2d gradients match the unfused ops (strides, padding, relu, bias, rank 3)`, async () => {
      await tf.setBackend(backend);
      const cases: { x: number[]; f: number[]; s: number; pad: 'same' | 'valid'; act: 'linear' | 'relu'; bias: boolean }[] = [
        { x: [2, 7, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'same', act: 'relu', bias: true },
        { x: [3, 8, 8, 2], f: [3, 3, 2, 5], s: 2, pad: 'same', act: 'linear', bias: false },
        { x: [2, 9, 9, 3], f: [1, 1, 3, 4], s: 2, pad: 'valid', act: 'relu', bias: false },
        { x: [6, 6, 3], f: [3, 3, 3, 2], s: 1, pad: 'valid', act: 'linear', bias: true },
      ];
      for (const c of cases) {
        const xv = normals(c.x.reduce((p, d) => p * d, 1));
        const fv = normals(c.f.reduce((p, d) => p * d, 1));
        const bv = normals(c.f[3]);
        const f = (fused: boolean) => (x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor) => {
          if (fused) return tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: c.s, pad: c.pad, bias: b, activation: c.act });
          let y: tf.Tensor = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad);
          if (b) y = tf.add(y, b);
          return c.act === 'relu' ? tf.relu(y) : y;
        };
        const inputs = () => [tf.tensor(xv, c.x), tf.tensor(fv, c.f), ...(c.bias ? [tf.tensor1d(bv)] : [])];
        const yShape = tf.tidy(() => f(false)(...(inputs() as [tf.Tensor, tf.Tensor, tf.Tensor?])).shape);
        const dyv = normals(yShape.reduce((p, d) => p * d, 1));
        const run = (fused: boolean) =>
          tf.tidy(() => tf.grads(f(fused))(inputs(), tf.tensor(dyv, yShape)).map((g) => Array.from(g.dataSync())));
        const got = run(true);
        const want = run(false);
        expect(got.length).toBe(c.bias ? 3 : 2);
        for (let i = 0; i < got.length; i++) {
          const scale = Math.max(1e-6, ...want[i].map(Math.abs));
          const err = Math.max(...got[i].map((v, j) => Math.abs(v - want[i][j]))) / scale;
          expect(err, `${JSON.stringify(c)} gradient ${['x', 'filter', 'bias'][i]}`).toBeLessThan(1e-5);
        }
      }
      await tf.setBackend('wasm');
    });
  }

  it('a conv layer on data skips the input gradient (no Conv2DBackpropInput)', async () => {
    await tf.setBackend('wasm');
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [8, 8, 3] });
    const x = tf.randomNormal([2, 8, 8, 3]);
    conv.apply(x);
    const vars = conv.trainableWeights.map((w) => w.read() as tf.Variable);
    const p = profileKernels(() => {
      tf.tidy(() => tf.variableGrads(() => tf.sum(conv.apply(x) as tf.Tensor), vars));
    });
    expect(p.kernels.find((k) => k.kernel === 'Conv2DBackpropInput')).toBeUndefined();
    expect(p.kernels.find((k) => k.kernel === 'Conv2DBackpropFilter')?.calls).toBe(1);
    x.dispose();
    conv.dispose();
  });

  it('leaves forward-only calls and unsupported activations to the original', () => {
    const y = tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 2]), activation: 'elu' });
    expect(Array.from(y.dataSync())).toEqual([3, 3, 3, 3]);
  });
});
