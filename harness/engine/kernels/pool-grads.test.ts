// MaxPoolGrad / AvgPoolGrad on wasm (ours) against the cpu backend's kernels.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeRng, type Rng } from '../seed.ts';
import { normals, onBoth, relErr, setUpBackends } from './backend-compare.ts';
import { poolGradPaths } from './pool-grads.ts';

interface Case {
  x: [number, number, number, number];
  k: number | [number, number];
  s: number | [number, number];
  pad: 'same' | 'valid' | number;
}
const cases: Case[] = [
  { x: [3, 8, 8, 5], k: 2, s: 2, pad: 'valid' }, // ConvNet's MaxPool2d(2)
  { x: [1, 7, 9, 3], k: 2, s: 2, pad: 'valid' }, // odd sizes: last row/column dropped
  { x: [2, 9, 9, 4], k: 3, s: 2, pad: 'valid' }, // AlexNet's overlapping MaxPool2d(3, 2)
  { x: [2, 8, 8, 3], k: 3, s: 2, pad: 'same' },
  { x: [5, 7, 7, 2], k: 3, s: 1, pad: 'same' },
  { x: [1, 6, 10, 3], k: [2, 3], s: [2, 1], pad: 'same' },
  { x: [2, 10, 10, 3], k: 3, s: 2, pad: 1 }, // ResNet stem's MaxPool2d(3, 2, padding=1)
  { x: [2, 8, 8, 12], k: 2, s: 2, pad: 'valid' }, // channels in SIMD vectors of 4
  { x: [3, 10, 10, 9], k: 3, s: 2, pad: 1 }, // vectors and a scalar remainder, overlapping windows
];
// Not covered: upstream's forward maxPool/avgPool on wasm corrupts the heap for pool [2, 3], strides [2, 1],
// pad 1 (RuntimeError: memory access out of bounds), so no gradient can be compared there.
const describeCase = (c: Case) => `x [${c.x}] pool ${c.k} stride ${c.s} pad ${c.pad}`;

// Value patterns that matter for max pooling: distinct values; ReLU outputs (zero ties); all negative (the
// case upstream's kernel gets wrong); few distinct integers (ties between positive maxima).
const patterns: Record<string, (rng: Rng, n: number) => Float32Array> = {
  normal: normals,
  relu: (rng, n) => normals(rng, n).map((v) => Math.max(v, 0)),
  negative: (rng, n) => normals(rng, n).map((v) => -Math.abs(v) - 0.1),
  ties: (rng, n) => Float32Array.from({ length: n }, () => rng.int(3)),
};

beforeAll(setUpBackends);

afterEach(() => {
  poolGradPaths.simd = true;
});

// SIMD C (the default) and the JS loops taken where our SIMD module cannot load.
describe.each([{ simd: true }, { simd: false }])('MaxPoolGrad on wasm matches the cpu backend (gradient to the first maximum of each window; simd $simd)', ({ simd }) => {
  const all = cases.flatMap((c) => Object.keys(patterns).map((p) => [`${describeCase(c)}, ${p} values`, c, p] as const));
  it.each(all)('%s', async (_n, c, p) => {
    poolGradPaths.simd = simd;
    const rng = makeRng(`maxpool-${describeCase(c)}-${p}`);
    const xv = patterns[p](rng, c.x.reduce((a, b) => a * b));
    const outShape = tf.backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad).outShape;
    const dyv = normals(rng, outShape.reduce((a, b) => a * b));
    const r = await onBoth(() => {
      const x = tf.tensor4d(xv, c.x);
      const y = tf.maxPool(x, c.k, c.s, c.pad);
      return tf.engine().runKernel('MaxPoolGrad', { dy: tf.tensor(dyv, outShape), input: x, output: y },
        { filterSize: c.k, strides: c.s, pad: c.pad } as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    expect(r.wasmShape).toEqual(c.x);
    expect(relErr(r.wasm, r.cpu), describeCase(c)).toBeLessThan(1e-6);
  });
});

describe('AvgPoolGrad on wasm matches the cpu backend', () => {
  it.each(cases.map((c) => [describeCase(c), c] as const))('%s', async (_n, c) => {
    const rng = makeRng(`avgpool-${describeCase(c)}`);
    const outShape = tf.backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad).outShape;
    const dyv = normals(rng, outShape.reduce((a, b) => a * b));
    const r = await onBoth(() =>
      tf.engine().runKernel('AvgPoolGrad', { dy: tf.tensor(dyv, outShape), input: tf.zeros(c.x) },
        { filterSize: c.k, strides: c.s, pad: c.pad } as unknown as tf.NamedAttrMap) as tf.Tensor);
    expect(r.wasmShape).toEqual(c.x);
    expect(relErr(r.wasm, r.cpu), describeCase(c)).toBeLessThan(1e-6);
  });
});

describe('through tf.grad (what training runs)', () => {
  it.each([['maxPool'], ['avgPool']] as const)('%s after relu, 2x2 stride 2', async (kind) => {
    const rng = makeRng(`pool-grad-${kind}`);
    const xv = normals(rng, 4 * 8 * 8 * 6);
    const r = await onBoth(() => tf.grad((x: tf.Tensor) => {
      const h = tf.relu(x) as tf.Tensor4D;
      const p = kind === 'maxPool' ? tf.maxPool(h, 2, 2, 'valid') : tf.avgPool(h, 2, 2, 'valid');
      return tf.sum(tf.mul(p, tf.linspace(-1, 1, p.size).reshape(p.shape)));
    })(tf.tensor4d(xv, [4, 8, 8, 6])));
    expect(relErr(r.wasm, r.cpu)).toBeLessThan(1e-6);
  });
});
