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

  it('leaves forward-only calls and unsupported activations to the original', () => {
    const y = tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 2]), activation: 'elu' });
    expect(Array.from(y.dataSync())).toEqual([3, 3, 3, 3]);
  });
});
