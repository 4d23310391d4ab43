// Conv2DBackpropFilter and Conv2DBackpropInput on wasm (ours) against the cpu backend's kernels.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeRng, type Rng } from '../seed.ts';
import { normals, onBoth, relErr, runOn, setUpBackends } from './backend-compare.ts';
import { backpropFilterPaths } from './conv2d-backprop-filter.ts';
import { backpropInputPaths } from './conv2d-backprop-input.ts';
import { blasPaths, nativeBlasStatus } from '../native/native-blas.ts';
import { colsLimit } from './im2col.ts';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  s: number | [number, number];
  pad: Pad;
}

const TOL = 1e-5;

const fixed: Case[] = [
  { x: [1, 5, 5, 1], k: [1, 1], co: 1, s: 1, pad: 'valid' },
  { x: [3, 9, 7, 3], k: [3, 3], co: 5, s: 1, pad: 'same' },
  { x: [3, 9, 7, 3], k: [3, 3], co: 5, s: 2, pad: 'same' },
  { x: [2, 10, 10, 4], k: [3, 3], co: 6, s: 2, pad: 'valid' }, // last row and column unused
  { x: [1, 11, 11, 3], k: [7, 7], co: 4, s: 2, pad: 'same' }, // ResNet stem shape
  { x: [5, 8, 8, 2], k: [5, 5], co: 3, s: 1, pad: 2 },
  { x: [3, 7, 9, 3], k: [2, 4], co: 3, s: [1, 2], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  { x: [2, 6, 6, 3], k: [4, 4], co: 2, s: 2, pad: 'same' }, // even kernel, asymmetric 'same'
  { x: [1, 4, 4, 2], k: [5, 5], co: 2, s: 1, pad: 'same' }, // kernel larger than the image
  { x: [7, 5, 5, 8], k: [1, 1], co: 16, s: 2, pad: 'valid' }, // 1x1 stride-2 projection shortcut
  { x: [1, 3, 3, 2], k: [3, 3], co: 2, s: 1, pad: 'valid' }, // 1x1 output
  { x: [64, 8, 8, 24], k: [3, 3], co: 48, s: 1, pad: 'same' }, // bench ConvNet layer 3
];

function randomCase(rng: Rng): Case {
  const kh = 1 + rng.int(7);
  const kw = rng.next() < 0.7 ? kh : 1 + rng.int(7);
  const s = 1 + rng.int(2);
  const pads: Pad[] = ['same', 'valid', [[0, 0], [rng.int(kh), rng.int(kh)], [rng.int(kw), rng.int(kw)], [0, 0]]];
  const pad = pads[rng.int(3)];
  return {
    x: [[1, 2, 3, 5][rng.int(4)], kh + rng.int(9), kw + rng.int(9), 1 + rng.int(6)],
    k: [kh, kw],
    co: 1 + rng.int(8),
    s,
    pad,
  };
}

function describeCase(c: Case): string {
  return `x [${c.x}] k ${c.k.join('x')} co ${c.co} stride ${c.s} pad ${JSON.stringify(c.pad)}`;
}

/** Inputs for a case: x, filter, and dy of the shape the convolution geometry gives. */
function inputs(c: Case, seed: number, dilation = 1) {
  const rng = makeRng(seed);
  const fshape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co];
  const info = tf.backend_util.computeConv2DInfo(c.x, fshape, c.s, dilation, c.pad);
  const xv = normals(rng, c.x.reduce((a, b) => a * b));
  const wv = normals(rng, fshape.reduce((a, b) => a * b));
  const dyv = normals(rng, info.outShape.reduce((a, b) => a * b));
  return { fshape, info, xv, wv, dyv };
}

const allCases = [...fixed, ...Array.from({ length: 10 }, (_, i) => randomCase(makeRng(`conv-case-${i}`)))];

beforeAll(setUpBackends);
afterEach(() => {
  colsLimit.floats = 1 << 23;
  setPaths('blas');
  backpropFilterPaths.maxGridWaste = defaultGridWaste;
});
const defaultGridWaste = backpropFilterPaths.maxGridWaste;
type Paths = 'blas' | 'simd' | 'fast' | 'general';
/**
 * blas: im2col/col2im with the products on the native BLAS (the default where it loads); simd: the same
 * with our wasm SIMD GEMM. Without SIMD (tfjs's non-SIMD build) the fallbacks run: fast, every stride-1
 * problem takes its fast path; general, every problem takes the general one.
 */
function setPaths(p: Paths): void {
  blasPaths.native = p === 'blas';
  backpropFilterPaths.simd = p === 'blas' || p === 'simd';
  backpropInputPaths.simd = p === 'blas' || p === 'simd';
  backpropFilterPaths.grid = p === 'fast';
  backpropFilterPaths.maxGridWaste = p === 'fast' ? Infinity : defaultGridWaste;
  backpropInputPaths.forwardConv = p === 'fast';
}

// Every case runs on the native BLAS (where it loads), on the wasm SIMD GEMM, and on each fallback (stride-1
// fast paths: padded-grid im2col for dW, XNNPACK forward convolution for dx; the general path: gather
// im2col + GEMM, GEMM + col2im).
const blasLoaded = nativeBlasStatus().blas !== undefined;
const variants = [
  ...(blasLoaded ? [{ name: 'native BLAS GEMM (default)', fast: 'blas' } as const] : []),
  { name: 'wasm SIMD GEMM', fast: 'simd' },
  { name: 'fallback, stride-1 fast paths forced', fast: 'fast' },
  { name: 'fallback, general path forced', fast: 'general' },
] as const;

describe.each(variants)('Conv2DBackpropFilter on wasm matches the cpu backend ($name)', ({ fast }) => {
  it.each(allCases.map((c, i) => [describeCase(c), c, i] as const))('%s', async (_name, c, i) => {
    setPaths(fast);
    const { fshape, info, xv, dyv } = inputs(c, i);
    const r = await onBoth(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, info.outShape) }, {
        strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: fshape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor);
    expect(r.wasmShape).toEqual(fshape);
    expect(relErr(r.wasm, r.cpu), describeCase(c)).toBeLessThan(TOL);
  });
});

describe.each(variants)('Conv2DBackpropInput on wasm matches the cpu backend ($name)', ({ fast }) => {
  it.each(allCases.map((c, i) => [describeCase(c), c, i] as const))('%s', async (_name, c, i) => {
    setPaths(fast);
    const { fshape, info, wv, dyv } = inputs(c, i);
    const r = await onBoth(() =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, info.outShape), filter: tf.tensor4d(wv, fshape) }, {
        strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor);
    expect(r.wasmShape).toEqual(c.x);
    expect(relErr(r.wasm, r.cpu), describeCase(c)).toBeLessThan(TOL);
  });
});

describe('conv2d gradients through tf.grads (what training runs) match the cpu backend', () => {
  const cases = [fixed[1], fixed[2], fixed[4], fixed[6], fixed[9]];
  it.each(cases.map((c, i) => [describeCase(c), c, i] as const))('%s', async (_name, c, i) => {
    const { fshape, info, xv, wv, dyv } = inputs(c, 100 + i);
    for (const which of [0, 1]) {
      const r = await onBoth(() => {
        const f = (x: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad as 'same'), tf.tensor(dyv, info.outShape)));
        return tf.grads(f)([tf.tensor4d(xv, c.x), tf.tensor4d(wv, fshape)])[which];
      });
      expect(relErr(r.wasm, r.cpu), `${which ? 'dW' : 'dx'} for ${describeCase(c)}`).toBeLessThan(TOL);
    }
  });
});

describe.each(variants)('dilation 2 (tfjs never sends it to these kernels, but we honour the attribute; $name)', ({ fast }) => {
  // Reference: a dilated filter is the dense filter of size (k-1)*d+1 with zeros between taps, so the cpu
  // kernels on that zero-inserted filter give dx, and every d-th tap of their dW.
  const cases: Case[] = [
    { x: [2, 9, 9, 3], k: [3, 3], co: 4, s: 1, pad: 'same' },
    { x: [3, 11, 10, 2], k: [3, 2], co: 3, s: 1, pad: 'valid' },
    { x: [1, 8, 8, 2], k: [2, 2], co: 2, s: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  ];
  const d = 2;
  it.each(cases.map((c, i) => [describeCase(c), c, i] as const))('%s', async (_name, c, i) => {
    setPaths(fast);
    const { fshape, info, xv, wv, dyv } = inputs(c, 200 + i, d);
    const effShape: [number, number, number, number] = [(c.k[0] - 1) * d + 1, (c.k[1] - 1) * d + 1, c.x[3], c.co];
    const wEff = new Float32Array(effShape.reduce((a, b) => a * b));
    const tap = c.x[3] * c.co;
    for (let kh = 0; kh < c.k[0]; kh++) {
      for (let kw = 0; kw < c.k[1]; kw++) {
        wEff.set(wv.subarray((kh * c.k[1] + kw) * tap, (kh * c.k[1] + kw + 1) * tap), (kh * d * effShape[1] + kw * d) * tap);
      }
    }
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' } as const;
    const refFilterEff = await runOn('cpu', () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, info.outShape) },
        { ...attrs, filterShape: effShape } as unknown as tf.NamedAttrMap) as tf.Tensor);
    const refFilter = new Float32Array(wv.length);
    for (let kh = 0; kh < c.k[0]; kh++) {
      for (let kw = 0; kw < c.k[1]; kw++) {
        refFilter.set(refFilterEff.values.subarray((kh * d * effShape[1] + kw * d) * tap, (kh * d * effShape[1] + kw * d + 1) * tap), (kh * c.k[1] + kw) * tap);
      }
    }
    const gotFilter = await runOn('wasm', () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, info.outShape) },
        { ...attrs, filterShape: fshape, dilations: d } as unknown as tf.NamedAttrMap) as tf.Tensor);
    expect(relErr(gotFilter.values, refFilter), `dW, dilation ${d}, ${describeCase(c)}`).toBeLessThan(TOL);

    const refInput = await runOn('cpu', () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, info.outShape), filter: tf.tensor4d(wEff, effShape) },
        { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor);
    const gotInput = await runOn('wasm', () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, info.outShape), filter: tf.tensor4d(wv, fshape) },
        { ...attrs, inputShape: c.x, dilations: d } as unknown as tf.NamedAttrMap) as tf.Tensor);
    expect(relErr(gotInput.values, refInput.values), `dx, dilation ${d}, ${describeCase(c)}`).toBeLessThan(TOL);
  });
});

describe.each(variants)('batch chunking (problems larger than the im2col buffer limit; $name)', ({ fast }) => {
  it.each([fixed[2], fixed[5], fixed[1]].map((c, i) => [describeCase(c), c, i] as const))('%s, one image per chunk', async (_name, c, i) => {
    const { fshape, info, xv, wv, dyv } = inputs(c, 300 + i);
    setPaths(fast);
    colsLimit.floats = 1;
    const f = await onBoth(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, info.outShape) }, {
        strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: fshape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor);
    expect(relErr(f.wasm, f.cpu)).toBeLessThan(TOL);
    const x = await onBoth(() =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, info.outShape), filter: tf.tensor4d(wv, fshape) }, {
        strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor);
    expect(relErr(x.wasm, x.cpu)).toBeLessThan(TOL);
  });
});

describe('errors name the kernel', () => {
  it('refuses NCHW', async () => {
    await tf.setBackend('wasm');
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.zeros([1, 2, 4, 4]), dy: tf.zeros([1, 2, 4, 4]) }, {
        strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2],
      } as unknown as tf.NamedAttrMap)).toThrow(/Conv2DBackpropFilter.*NHWC.*NCHW/);
  });
});
