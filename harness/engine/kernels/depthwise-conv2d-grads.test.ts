// DepthwiseConv2dNativeBackpropFilter / BackpropInput on wasm (ours) against the cpu backend's kernels.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../seed.ts';
import { normals, onBoth, relErr, runOn, setUpBackends } from './backend-compare.ts';

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  cm: number; // channel multiplier
  s: number;
  pad: Pad;
}
const TOL = 1e-5;

const cases: Case[] = [
  { x: [1, 5, 5, 1], k: [1, 1], cm: 1, s: 1, pad: 'valid' },
  { x: [3, 9, 7, 4], k: [3, 3], cm: 1, s: 1, pad: 'same' },
  { x: [3, 9, 7, 4], k: [3, 3], cm: 2, s: 2, pad: 'same' },
  { x: [2, 10, 10, 3], k: [5, 5], cm: 3, s: 2, pad: 'valid' },
  { x: [5, 8, 6, 2], k: [2, 4], cm: 1, s: 1, pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  { x: [1, 4, 4, 3], k: [7, 7], cm: 2, s: 1, pad: 'same' },
];
const describeCase = (c: Case) => `x [${c.x}] k ${c.k.join('x')} multiplier ${c.cm} stride ${c.s} pad ${JSON.stringify(c.pad)}`;

function inputs(c: Case, seed: number, dilation = 1) {
  const rng = makeRng(`depthwise-${seed}`);
  const fshape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.cm];
  const info = tf.backend_util.computeConv2DInfo(c.x, fshape, c.s, dilation, c.pad, undefined, true);
  return {
    fshape, info,
    xv: normals(rng, c.x.reduce((a, b) => a * b)),
    wv: normals(rng, fshape.reduce((a, b) => a * b)),
    dyv: normals(rng, info.outShape.reduce((a, b) => a * b)),
  };
}

function filterGrad(c: Case, xv: Float32Array, dyv: Float32Array, outShape: number[], filterShape: number[], dilations = 1): tf.Tensor {
  return tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, outShape) },
    { strides: c.s, dilations, pad: c.pad, filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
function inputGrad(c: Case, dyv: Float32Array, wv: Float32Array, outShape: number[], filterShape: [number, number, number, number], dilations = 1): tf.Tensor {
  return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.tensor(dyv, outShape), filter: tf.tensor4d(wv, filterShape) },
    { strides: c.s, dilations, pad: c.pad, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

beforeAll(setUpBackends);

describe('depthwise conv gradients on wasm match the cpu backend', () => {
  it.each(cases.map((c, i) => [describeCase(c), c, i] as const))('%s', async (_n, c, i) => {
    const { fshape, info, xv, wv, dyv } = inputs(c, i);
    const f = await onBoth(() => filterGrad(c, xv, dyv, info.outShape, fshape));
    expect(f.wasmShape).toEqual(fshape);
    expect(relErr(f.wasm, f.cpu), `dW ${describeCase(c)}`).toBeLessThan(TOL);
    const x = await onBoth(() => inputGrad(c, dyv, wv, info.outShape, fshape));
    expect(x.wasmShape).toEqual(c.x);
    expect(relErr(x.wasm, x.cpu), `dx ${describeCase(c)}`).toBeLessThan(TOL);
  });
});

describe('through tf.grads: depthwiseConv2d and separableConv2d', () => {
  it('depthwiseConv2d, multiplier 2, stride 2, same', async () => {
    const c = cases[2];
    const { fshape, info, xv, wv, dyv } = inputs(c, 10);
    for (const which of [0, 1]) {
      const r = await onBoth(() => tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, 'same'), tf.tensor(dyv, info.outShape))))([
        tf.tensor4d(xv, c.x), tf.tensor4d(wv, fshape)])[which]);
      expect(relErr(r.wasm, r.cpu), which ? 'dW' : 'dx').toBeLessThan(TOL);
    }
  });
  it('separableConv2d (depthwise then 1x1)', async () => {
    const rng = makeRng('separable');
    const x = normals(rng, 2 * 8 * 8 * 3);
    const dw = normals(rng, 3 * 3 * 3 * 2);
    const pw = normals(rng, 6 * 5);
    for (const which of [0, 1, 2]) {
      const r = await onBoth(() => tf.grads((a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, p as tf.Tensor4D, 1, 'same'))))([
        tf.tensor4d(x, [2, 8, 8, 3]), tf.tensor4d(dw, [3, 3, 3, 2]), tf.tensor4d(pw, [1, 1, 6, 5])])[which]);
      expect(relErr(r.wasm, r.cpu), `gradient ${which}`).toBeLessThan(TOL);
    }
  });
});

describe('dilation 2 (reference: cpu kernels on the zero-inserted filter)', () => {
  const dcases: Case[] = [
    { x: [2, 9, 9, 3], k: [3, 3], cm: 2, s: 1, pad: 'same' },
    { x: [1, 10, 8, 2], k: [2, 3], cm: 1, s: 1, pad: 'valid' },
  ];
  const d = 2;
  it.each(dcases.map((c, i) => [describeCase(c), c, i] as const))('%s', async (_n, c, i) => {
    const { fshape, info, xv, wv, dyv } = inputs(c, 20 + i, d);
    const eff: [number, number, number, number] = [(c.k[0] - 1) * d + 1, (c.k[1] - 1) * d + 1, c.x[3], c.cm];
    const tap = c.x[3] * c.cm;
    const at = (kh: number, kw: number, width: number) => (kh * width + kw) * tap;
    const wEff = new Float32Array(eff.reduce((a, b) => a * b));
    for (let kh = 0; kh < c.k[0]; kh++) for (let kw = 0; kw < c.k[1]; kw++) wEff.set(wv.subarray(at(kh, kw, c.k[1]), at(kh, kw, c.k[1]) + tap), at(kh * d, kw * d, eff[1]));
    const refEff = await runOn('cpu', () => filterGrad(c, xv, dyv, info.outShape, eff));
    const ref = new Float32Array(wv.length);
    for (let kh = 0; kh < c.k[0]; kh++) for (let kw = 0; kw < c.k[1]; kw++) ref.set(refEff.values.subarray(at(kh * d, kw * d, eff[1]), at(kh * d, kw * d, eff[1]) + tap), at(kh, kw, c.k[1]));
    const got = await runOn('wasm', () => filterGrad(c, xv, dyv, info.outShape, fshape, d));
    expect(relErr(got.values, ref), 'dW').toBeLessThan(TOL);
    const refX = await runOn('cpu', () => inputGrad(c, dyv, wEff, info.outShape, eff));
    const gotX = await runOn('wasm', () => inputGrad(c, dyv, wv, info.outShape, fshape, d));
    expect(relErr(gotX.values, refX.values), 'dx').toBeLessThan(TOL);
  });
});
