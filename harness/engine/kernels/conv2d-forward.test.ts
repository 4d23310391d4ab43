// Conv2D / FusedConv2D through im2col + GEMM (large new filters, small outputs) against cpu: strides,
// paddings, bias and activations, and the second use of a filter (upstream's cached operator).
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeRng } from '../seed.ts';
import { normals, onBoth, relErr, setUpBackends } from './backend-compare.ts';
import { planProduct } from './matmul.ts';
import { blasPaths, nativeBlasStatus } from '../native/native-blas.ts';

const rng = makeRng('conv2d-gemm');
const TOL = 1e-5;

beforeAll(async () => {
  await setUpBackends();
});

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

const CASES: { x: [number, number, number, number]; f: [number, number, number, number]; s: number; pad: 'same' | 'valid' | number }[] = [
  { x: [2, 2, 2, 64], f: [3, 3, 64, 64], s: 1, pad: 'same' }, // ResNet layer4-like
  { x: [3, 4, 4, 32], f: [3, 3, 32, 96], s: 2, pad: 1 }, // stride 2, explicit symmetric padding
  { x: [1, 3, 5, 40], f: [2, 3, 40, 50], s: 1, pad: 'valid' }, // even kernel, non-square
  { x: [2, 3, 3, 48], f: [1, 1, 48, 80], s: 2, pad: 'valid' }, // 1x1 projection shortcut
];

// The products on the native BLAS (the default where it loads) and on our wasm SIMD GEMM.
const GEMMS = [...(nativeBlasStatus().blas ? [{ gemm: 'native BLAS', blas: true }] : []), { gemm: 'wasm SIMD GEMM', blas: false }];

describe.each(GEMMS)('conv via im2col + GEMM on wasm ($gemm)', ({ blas }) => {
  beforeEach(() => {
    blasPaths.native = blas;
  });
  afterEach(() => {
    blasPaths.native = true;
  });

  it.each(CASES)('conv2d x $x filter $f stride $s pad $pad: first and repeated use', async (c) => {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad);
    const [KH, KW, CI, CO] = c.f;
    // The plan this kernel uses must actually pick the GEMM for these shapes.
    expect(planProduct(info.batchSize * info.outHeight * info.outWidth, KH * KW * CI, CO, true, false)).toBe('flipped');
    const xv = normals(rng, size(c.x));
    const fv = normals(rng, size(c.f));
    const r = await onBoth(() => {
      const w = tf.tensor4d(fv, c.f);
      const x = tf.tensor4d(xv, c.x);
      return tf.concat([tf.conv2d(x, w, c.s, c.pad), tf.conv2d(x, w, c.s, c.pad)]);
    });
    expect(r.wasmShape).toEqual(r.cpuShape);
    expect(relErr(r.wasm, r.cpu)).toBeLessThan(TOL);
  });

  it.each(['linear', 'relu', 'elu'] as const)('fused conv2d with bias and %s', async (activation) => {
    const c = CASES[0];
    const xv = normals(rng, size(c.x));
    const fv = normals(rng, size(c.f));
    const bv = normals(rng, c.f[3]);
    const r = await onBoth(() =>
      tf.fused.conv2d({ x: tf.tensor4d(xv, c.x), filter: tf.tensor4d(fv, c.f), strides: 1, pad: 'same', bias: tf.tensor1d(bv), activation }),
    );
    expect(relErr(r.wasm, r.cpu)).toBeLessThan(TOL);
  });

  it('trains: gradients of a deep-stage conv match cpu', async () => {
    const c = CASES[0];
    const xv = normals(rng, size(c.x));
    const fv = normals(rng, size(c.f));
    const r = await onBoth(() => {
      const w = tf.variable(tf.tensor4d(fv, c.f));
      const x = tf.tensor4d(xv, c.x);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'))), [w]);
      const g = grads[w.name];
      w.dispose();
      return g;
    });
    expect(relErr(r.wasm, r.cpu)).toBeLessThan(TOL);
  });
});
