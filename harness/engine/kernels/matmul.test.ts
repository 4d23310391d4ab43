// BatchMatMul / _FusedMatMul on wasm (ours) against the cpu backend's kernels: odd shapes, every transpose
// combination, batched and broadcast operands, fused bias and activations, and the gradients backprop takes.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeRng } from '../seed.ts';
import { normals, onBoth, relErr, runOn, setUpBackends } from './backend-compare.ts';
import { matMulPaths, planProduct, transpose2d } from './matmul.ts';
import { blasPaths, nativeBlasStatus } from '../native/native-blas.ts';

const TOL = 1e-5;
const rng = makeRng('matmul');

beforeAll(async () => {
  await setUpBackends();
});
afterEach(() => {
  matMulPaths.simd = true;
  blasPaths.native = true;
});

// The native BLAS (the default where it loads), our wasm SIMD GEMM, and the XNNPACK paths taken where SIMD
// kernels cannot load.
const PATHS = [
  ...(nativeBlasStatus().blas ? [{ name: 'native BLAS', simd: true, blas: true }] : []),
  { name: 'wasm SIMD GEMM', simd: true, blas: false },
  { name: 'XNNPACK fallback', simd: false, blas: false },
];

/** Operand shapes for op(a) [.., M, K] and op(b) [.., K, N] stored as the transpose flags say. */
function shapes(batchA: number[], batchB: number[], M: number, K: number, N: number, tA: boolean, tB: boolean): [number[], number[]] {
  return [
    [...batchA, ...(tA ? [K, M] : [M, K])],
    [...batchB, ...(tB ? [N, K] : [K, N])],
  ];
}

function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

async function compareMatMul(batchA: number[], batchB: number[], M: number, K: number, N: number, tA: boolean, tB: boolean): Promise<void> {
  const [sa, sb] = shapes(batchA, batchB, M, K, N, tA, tB);
  const av = normals(rng, size(sa));
  const bv = normals(rng, size(sb));
  // The reference gets both batches broadcast to the output's explicitly: tfjs's cpu kernel computes only
  // max(batchA, batchB) products when both sides broadcast ([2,1] x [1,3]).
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  const cpu = await runOn('cpu', () =>
    tf.matMul(tf.broadcastTo(tf.tensor(av, sa), [...batch, ...sa.slice(-2)]), tf.broadcastTo(tf.tensor(bv, sb), [...batch, ...sb.slice(-2)]), tA, tB),
  );
  const wasm = await runOn('wasm', () => tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb), tA, tB));
  expect(wasm.shape, `shape for a [${sa}] b [${sb}] tA=${tA} tB=${tB}`).toEqual(cpu.shape);
  const err = relErr(wasm.values, cpu.values);
  expect(err, `rel err for a [${sa}] b [${sb}] tA=${tA} tB=${tB}`).toBeLessThan(TOL);
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe.each(PATHS)('BatchMatMul on wasm ($name)', ({ simd, blas }) => {
  beforeEach(() => {
    matMulPaths.simd = simd;
    blasPaths.native = blas;
  });
  it.each(FLAGS)('2-D, odd shapes, transposeA=%s transposeB=%s', async (tA, tB) => {
    for (const [M, K, N] of [
      [1, 1, 1],
      [1, 7, 1],
      [3, 5, 7],
      [13, 1, 11],
      [17, 33, 9],
      [64, 300, 10], // last dense layer of a classifier, both directions of its gradient
      [10, 64, 300],
      [97, 31, 129],
    ]) {
      await compareMatMul([], [], M, K, N, tA, tB);
    }
  });

  it.each(FLAGS)('batched 3-D and broadcast batches, transposeA=%s transposeB=%s', async (tA, tB) => {
    await compareMatMul([3], [3], 5, 7, 4, tA, tB);
    await compareMatMul([4], [1], 6, 3, 5, tA, tB); // B broadcast over A's batch
    await compareMatMul([1], [4], 6, 3, 5, tA, tB); // A broadcast over B's batch
    await compareMatMul([2, 3], [3], 4, 5, 6, tA, tB); // rank 4 against rank 3
    await compareMatMul([2, 1], [1, 3], 3, 4, 2, tA, tB); // both sides broadcast
  });

  it('small results over a long inner dimension (convolution filter gradients) match cpu', async () => {
    for (const [M, K, N] of [
      [27, 5000, 12],
      [5, 3001, 7], // N not a multiple of 4, K not a multiple of the block
      [64, 1100, 48],
      [3, 700, 1],
    ]) {
      await compareMatMul([], [], M, K, N, false, false);
    }
  });

  it('empty inner dimension gives zeros, empty outer dimension gives an empty result', async () => {
    const r = await onBoth(() => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4])));
    expect(r.wasmShape).toEqual([3, 4]);
    expect(Array.from(r.wasm)).toEqual(Array.from(r.cpu));
    const e = await onBoth(() => tf.matMul(tf.zeros([0, 5]), tf.ones([5, 2]), false, false));
    expect(e.wasmShape).toEqual([0, 2]);
  });

  it('the gradients of a dense layer (x^T dy and dy W^T) match cpu at training sizes', async () => {
    const x = normals(rng, 64 * 300);
    const w = normals(rng, 300 * 128);
    const dy = normals(rng, 64 * 128);
    for (const which of ['dW', 'dx'] as const) {
      const r = await onBoth(() => {
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b))(
          [tf.tensor2d(x, [64, 300]), tf.tensor2d(w, [300, 128])],
          tf.tensor2d(dy, [64, 128]),
        );
        return which === 'dW' ? gw : gx;
      });
      expect(relErr(r.wasm, r.cpu), which).toBeLessThan(TOL);
    }
  });

  it('a wrong inner dimension is refused naming both shapes', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2]))).toThrow(/inner shapes \(3\) and \(4\).*2,3 and 4,2/);
  });
});

describe.each(PATHS)('_FusedMatMul on wasm ($name)', ({ simd, blas }) => {
  beforeEach(() => {
    matMulPaths.simd = simd;
    blasPaths.native = blas;
  });
  const cases: { act: tf.fused.Activation; tA: boolean; tB: boolean; batch: number }[] = [
    { act: 'linear', tA: false, tB: false, batch: 1 }, // upstream's fast path, kept
    { act: 'relu', tA: true, tB: false, batch: 1 },
    { act: 'elu', tA: false, tB: true, batch: 1 },
    { act: 'sigmoid', tA: true, tB: true, batch: 1 },
    { act: 'leakyrelu', tA: false, tB: true, batch: 2 },
    { act: 'relu6', tA: false, tB: false, batch: 3 },
    { act: 'prelu', tA: true, tB: false, batch: 2 },
  ];
  it.each(cases)('bias + $act, transposeA=$tA transposeB=$tB, batch $batch', async ({ act, tA, tB, batch }) => {
    const [M, K, N] = [7, 9, 5];
    const [sa, sb] = shapes(batch > 1 ? [batch] : [], batch > 1 ? [batch] : [], M, K, N, tA, tB);
    const av = normals(rng, size(sa));
    const bv = normals(rng, size(sb));
    const bias = normals(rng, N);
    const alpha = normals(rng, N);
    const r = await onBoth(() =>
      tf.fused.matMul({
        a: tf.tensor(av, sa),
        b: tf.tensor(bv, sb),
        transposeA: tA,
        transposeB: tB,
        bias: tf.tensor1d(bias),
        activation: act,
        preluActivationWeights: act === 'prelu' ? tf.tensor1d(alpha) : undefined,
        leakyreluAlpha: 0.15,
      }),
    );
    expect(r.wasmShape).toEqual(r.cpuShape);
    expect(relErr(r.wasm, r.cpu)).toBeLessThan(TOL);
  });
});

describe.each(PATHS)('_FusedMatMul with new, large weights (transposed instead of packed) ($name)', ({ simd, blas }) => {
  beforeEach(() => {
    matMulPaths.simd = simd;
    blasPaths.native = blas;
  });
  it('matches cpu on first use (our plan) and on reuse (upstream, cached)', async () => {
    const [M, K, N] = [3, 200, 300];
    expect(planProduct(M, K, N, false, false)).toBe('flipped');
    const av = normals(rng, M * K);
    const bv = normals(rng, K * N);
    const bias = normals(rng, N);
    const f = () => {
      const b = tf.tensor2d(bv, [K, N]);
      const call = () => tf.fused.matMul({ a: tf.tensor2d(av, [M, K]), b, bias: tf.tensor1d(bias), activation: 'relu' });
      const first = call();
      const again = call();
      return tf.concat([first, again]);
    };
    const r = await onBoth(f);
    expect(r.wasmShape).toEqual([2 * M, N]);
    expect(relErr(r.wasm, r.cpu)).toBeLessThan(TOL);
  });
});

describe('layout helpers', () => {
  it('transpose2d transposes blocks and ragged edges', () => {
    for (const [R, C] of [
      [1, 1],
      [1, 40],
      [33, 1],
      [35, 67],
    ]) {
      const src = Float32Array.from({ length: R * C + 3 }, (_, i) => i);
      const dst = new Float32Array(R * C + 5);
      transpose2d(src, 3, R, C, dst, 5);
      for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) expect(dst[5 + c * R + r]).toBe(src[3 + r * C + c]);
    }
  });

  it('planProduct transposes the small operands of dy W^T rather than the weights', () => {
    expect(planProduct(64, 1024, 3072, false, true)).toBe('flipped'); // dx = dy[64,1024] W^T, W [3072,1024]
    expect(planProduct(3072, 64, 1024, true, false)).toBe('direct'); // dW = x^T dy
    // x W with fresh 3072x1024 weights: transposing W is cheaper than XNNPACK packing it.
    expect(planProduct(64, 3072, 1024, false, false)).toBe('flipped');
    expect(planProduct(64, 768, 64, false, false)).toBe('direct'); // small weights: packing is cheap
  });
});
