// Per-channel elementwise ops, reductions over leading axes and FusedBatchNorm on wasm (SIMD) against cpu,
// including the shapes that must fall back to upstream.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../seed.ts';
import { normals, onBoth, relErr, setUpBackends } from './backend-compare.ts';

const rng = makeRng('channel-ops');
const TOL = 1e-6;

beforeAll(async () => {
  await setUpBackends();
});

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

async function compare(what: string, shapes: number[][], f: (...xs: tf.Tensor[]) => tf.Tensor, tol = TOL): Promise<void> {
  const vals = shapes.map((s) => normals(rng, size(s)).map((v) => v + (what.includes('div') ? Math.sign(v) * 0.5 : 0)));
  const r = await onBoth(() => f(...vals.map((v, i) => tf.tensor(v, shapes[i]))));
  expect(r.wasmShape, what).toEqual(r.cpuShape);
  expect(relErr(r.wasm, r.cpu), what).toBeLessThan(tol);
}

describe('per-channel binary ops on wasm', () => {
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['squaredDifference', tf.squaredDifference],
  ];
  const pairs: [number[], number[]][] = [
    [[64, 8, 8, 12], [12]],
    [[3, 5, 5, 7], [1, 1, 1, 7]], // C not a multiple of 4: scalar tail
    [[10, 3], [3]],
    [[2, 9, 1], [1]], // C = 1
    [[4, 6], [1, 6]],
    [[5, 4], [5, 1]], // not per-channel: upstream
    [[3, 4], [3, 4]], // same shape: upstream
  ];
  for (const [name, f] of ops) {
    it(`${name}: full op vector, vector op full, and fallbacks`, async () => {
      for (const [full, vec] of pairs) {
        await compare(`${name} [${full}] [${vec}]`, [full, vec], (a, b) => f(a, b));
        await compare(`${name} [${vec}] [${full}]`, [vec, full], (a, b) => f(a, b));
      }
    });
  }
  it('int32 operands keep upstream', async () => {
    const r = await onBoth(() => tf.add(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), tf.tensor1d([10, 20], 'int32')));
    expect(Array.from(r.wasm)).toEqual([11, 22, 13, 24]);
  });
});

describe('Sum and Mean over leading axes on wasm', () => {
  for (const [name, f] of [
    ['sum', tf.sum],
    ['mean', tf.mean],
  ] as const) {
    it(`${name}: every axis but the last, any order, keepDims, and other axes`, async () => {
      await compare(`${name} [64,16,16,24] 0,1,2`, [[64, 16, 16, 24]], (x) => f(x, [0, 1, 2]), 1e-5);
      await compare(`${name} keepDims`, [[6, 5, 4, 3]], (x) => f(x, [2, 0, 1], true));
      await compare(`${name} negative axes`, [[7, 9, 5]], (x) => f(x, [-3, -2]));
      await compare(`${name} 2-D`, [[1000, 10]], (x) => f(x, 0));
      await compare(`${name} last axis (upstream)`, [[4, 6]], (x) => f(x, 1));
      await compare(`${name} all axes (upstream)`, [[4, 6]], (x) => f(x));
    });
  }
});

describe('FusedBatchNorm on wasm', () => {
  it('with and without offset/scale, [C] and [1,1,1,C] statistics', async () => {
    const C = 6;
    for (const withAffine of [true, false]) {
      const xv = normals(rng, 2 * 5 * 5 * C);
      const mv = normals(rng, C);
      const vv = normals(rng, C).map((v) => Math.abs(v) + 0.1);
      const ov = normals(rng, C);
      const sv = normals(rng, C);
      for (const shape of [[C], [1, 1, 1, C]]) {
        const r = await onBoth(() =>
          tf.batchNorm(tf.tensor(xv, [2, 5, 5, C]), tf.tensor(mv, shape), tf.tensor(vv, shape), withAffine ? tf.tensor(ov, shape) : undefined, withAffine ? tf.tensor(sv, shape) : undefined, 1e-5),
        );
        expect(relErr(r.wasm, r.cpu), `affine=${withAffine} stats [${shape}]`).toBeLessThan(1e-5);
      }
    }
  });
});
