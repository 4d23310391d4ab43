// Our kernels on the threaded wasm build with the SIMD pool (2 threads): products and im2col/col2im/max-pool
// passes are cut into pieces the threads take from a queue, so each result must still match cpu, and be
// bitwise the same run to run (each output element is computed whole by one thread, in one order).
// Its own file: useThreadedWasm must run before the wasm backend first starts in the process.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../backend.ts';
import { makeRng } from '../seed.ts';
import { blasPaths } from '../native/native-blas.ts';
import { useThreadedWasm } from '../wasm-threads.ts';
import { normals, onBoth, relErr } from './backend-compare.ts';

const rng = makeRng('threaded-kernels');
const TOL = 1e-5;

beforeAll(async () => {
  // The wasm pool's products, not the native BLAS (which has its own tests: ../native).
  blasPaths.native = false;
  useThreadedWasm(2);
  const info = await initEngine('wasm');
  expect(info.threads, info.label).toBe(2);
});

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

describe('kernels on 2 threads match cpu and repeat bitwise', () => {
  it.each([
    { x: [8, 16, 16, 64], f: [3, 3, 64, 64], s: 1, pad: 'same' as const }, // ResNet layer1
    { x: [8, 4, 4, 128], f: [3, 3, 128, 256], s: 2, pad: 1 }, // strided, small map, M short: split by columns
    { x: [8, 38, 38, 3], f: [7, 7, 3, 64], s: 2, pad: 'valid' as const }, // stem: CI 3, whole-row copies
    { x: [5, 9, 9, 24], f: [1, 1, 24, 40], s: 1, pad: 'valid' as const }, // pointwise: no im2col
  ])('conv2d forward, dx and dW for x $x filter $f stride $s', async (c) => {
    const xv = normals(rng, size(c.x));
    const fv = normals(rng, size(c.f));
    const step = () => {
      const w = tf.variable(tf.tensor4d(fv, c.f as [number, number, number, number]));
      const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
      const y = tf.conv2d(x, w as tf.Tensor4D, c.s, c.pad);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad))))([x, w]);
      w.dispose();
      return tf.concat([y.flatten(), dx.flatten(), dw.flatten()]);
    };
    const r = await onBoth(step);
    expect(relErr(r.wasm, r.cpu)).toBeLessThan(TOL);
    const again = await onBoth(step);
    expect(Buffer.from(again.wasm.buffer).equals(Buffer.from(r.wasm.buffer))).toBe(true);
  });

  it('dense products (x W, dy W^T, x^T dy) and max-pool gradients', async () => {
    const av = normals(rng, 64 * 3072);
    const bv = normals(rng, 3072 * 512);
    const r = await onBoth(() => {
      const [ga, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D))))([tf.tensor2d(av, [64, 3072]), tf.tensor2d(bv, [3072, 512])]);
      return tf.concat([ga.flatten(), gb.flatten()]);
    });
    expect(relErr(r.wasm, r.cpu)).toBeLessThan(TOL);
    const xv = normals(rng, 16 * 32 * 32 * 12);
    const p = await onBoth(() => tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.maxPool(tf.relu(x as tf.Tensor4D), 2, 2, 'valid'))))(tf.tensor4d(xv, [16, 32, 32, 12])));
    expect(relErr(p.wasm, p.cpu)).toBeLessThan(TOL);
  });
});
