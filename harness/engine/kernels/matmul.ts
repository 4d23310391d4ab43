// BatchMatMul and _FusedMatMul for wasm. Upstream runs XNNPACK's GEMM only for untransposed, unbatched
// products and a naive triple loop otherwise (measured ~0.7 GFLOP/s for transposeA, ~3 for transposeB,
// against ~25 for the plain case) — and backprop is made of exactly those: dW = x^T dy, dx = dy W^T.
// Here every product becomes untransposed XNNPACK GEMMs on 2-D slices:
//  - a transposed operand is laid out again by a blocked transpose into scratch memory (SIMD, ../wasm-simd;
//    JS where that module cannot load), or
//  - the product is computed transposed, C^T = op(B)^T op(A)^T, when that moves fewer floats (dy W^T becomes
//    W dy^T: transpose the small dy and the small result instead of the large weight matrix);
//  - batches are sliced without copying: each slice gets its own tensor id registered on the same memory.
// XNNPACK packs its right operand ("weights") on every call with a fresh id (~3.5 ns per float here, about
// as much as the GEMM itself for a 64-row batch): the plan counts it. Every call here uses fresh ids, so a
// cached operator can never be reused for a different shape seen through the same tensor.
import * as tf from '@tensorflow/tfjs';
import { simdKernels, type SimdKernels } from '../wasm-simd/simd.ts';
import { freeScratch, heapOffset, product, scratch } from './gemm.ts';
import type { KernelFamily } from './kernel-family.ts';
import type { BackendWasm } from './wasm-heap.ts';

type RawBatchMatMul = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: boolean, transposeB: boolean, outId: number,
) => void;

interface WasmModule {
  cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
  HEAPU8: Uint8Array;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

interface BackendInternals {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
}

const rawGemm = new WeakMap<object, RawBatchMatMul>();

function internals(backend: BackendWasm): BackendInternals {
  return backend as unknown as BackendInternals;
}

function raw(backend: BackendWasm): RawBatchMatMul {
  const b = internals(backend);
  let f = rawGemm.get(b.wasm);
  if (!f) {
    // The C entry point tfjs-backend-wasm's own BatchMatMul kernel calls (same argument list).
    f = b.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']) as RawBatchMatMul;
    rawGemm.set(b.wasm, f);
  }
  return f;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

function offsetOf(backend: BackendWasm, t: tf.TensorInfo, what: string): number {
  return heapOffset(backend, t, `BatchMatMul ${what}`);
}

/**
 * out[M, N] = a[M, K] @ b[K, N], all row-major at byte offsets on the heap, through XNNPACK (tfjs's
 * untransposed batch-1 path). Each operand gets a temporary tensor id on the given memory (no copy).
 */
function gemmAt(backend: BackendWasm, aOff: number, bOff: number, outOff: number, M: number, K: number, N: number): void {
  const b = internals(backend);
  const ids = [b.dataIdNextNumber++, b.dataIdNextNumber++, b.dataIdNextNumber++];
  b.wasm.tfjs.registerTensor(ids[0], M * K, aOff);
  b.wasm.tfjs.registerTensor(ids[1], K * N, bOff);
  b.wasm.tfjs.registerTensor(ids[2], M * N, outOff);
  try {
    raw(backend)(ids[0], shapeBytes([1, M, K]), 3, ids[1], shapeBytes([1, K, N]), 3, false, false, ids[2]);
  } finally {
    // Drops the bookkeeping (and XNNPACK's operator cached on the b id), not the memory.
    for (const id of ids) b.wasm.tfjs.disposeData(id);
  }
}

/** dst[c, r] = src[r, c] for a rows x cols matrix; cache-blocked so both sides stream. */
export function transpose2d(src: Float32Array, srcAt: number, rows: number, cols: number, dst: Float32Array, dstAt: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let c = c0; c < c1; c++) {
        let s = srcAt + r0 * cols + c;
        let d = dstAt + c * rows + r0;
        for (let r = r0; r < r1; r++, s += cols) dst[d++] = src[s];
      }
    }
  }
}

/** rows x cols at byte offset src -> cols x rows at dst, on the heap (SIMD 4x4 blocks when available). */
function transposeAt(backend: BackendWasm, src: number, rows: number, cols: number, dst: number): void {
  const simd = simdKernels(backend);
  if (simd) simd.transpose2d(src, dst, rows, cols);
  else {
    const heap = heapF32(backend);
    transpose2d(heap, src >> 2, rows, cols, heap, dst >> 2);
  }
}

function heapF32(backend: BackendWasm): Float32Array {
  // Re-read after every allocation: growing the heap replaces the buffer.
  const heap = internals(backend).wasm.HEAPU8;
  return new Float32Array(heap.buffer, heap.byteOffset, heap.byteLength >> 2);
}

export type Plan = 'direct' | 'flipped';

/** Which algorithms may run; mutable so tests can exercise the XNNPACK paths (taken where SIMD is unavailable). */
export const matMulPaths = { simd: true };

/** Results up to this many floats with a long inner dimension go to gemm_small_out (../wasm-simd). */
const SMALL_OUT = 64 * 64;

/** XNNPACK's packing of its right operand costs about twice our SIMD transpose per float (measured). */
const PACK_COST = 2;

/**
 * Which layout moves fewer floats. direct: transpose whichever operand is transposed, GEMM packs b (K*N).
 * flipped: C^T = op(B)^T op(A)^T: transpose the operands that are NOT transposed, pack op(A)^T (M*K), then
 * transpose the M*N result. With fresh weights (training) even x W is cheaper flipped when W is much larger
 * than x: transposing W costs less than XNNPACK packing it.
 */
export function planProduct(M: number, K: number, N: number, tA: boolean, tB: boolean): Plan {
  const direct = (tA ? M * K : 0) + (tB ? K * N : 0) + PACK_COST * K * N;
  const flipped = (tA ? 0 : M * K) + (tB ? 0 : K * N) + M * N + PACK_COST * M * K;
  return flipped < direct ? 'flipped' : 'direct';
}

/**
 * Weights XNNPACK has already packed (by tensor id): a second product with the same right operand should
 * go to upstream's kernel, whose cached operator skips packing (inference, repeated predict calls). A
 * training step always brings new weight tensors, so they take our plans.
 */
const seenWeights = new Set<number>();
export function firstUseOfWeights(backend: BackendWasm, t: tf.TensorInfo): boolean {
  const d = internals(backend).dataIdMap.get(t.dataId);
  if (!d) return false;
  if (seenWeights.has(d.id)) return false;
  if (seenWeights.size > 100_000) seenWeights.clear();
  seenWeights.add(d.id);
  return true;
}

/** op(A)[M, K] @ op(B)[K, N] into outOff, operands at byte offsets aOff, bOff (one 2-D slice each). */
function product2d(backend: BackendWasm, aOff: number, bOff: number, outOff: number, M: number, K: number, N: number, tA: boolean, tB: boolean): void {
  if (M * N === 0) return;
  if (K === 0) {
    heapF32(backend).fill(0, outOff >> 2, (outOff >> 2) + M * N);
    return;
  }
  const temps: number[] = [];
  const simd = simdKernels(backend);
  if (simd && matMulPaths.simd) {
    // Our SIMD GEMM (gemm.ts): no packing, reads A^T in place, threads when the pool exists.
    product(backend, simd, aOff, bOff, outOff, M, K, N, tA, tB);
    return;
  }
  if (simd && !tA && !tB && M * N <= SMALL_OUT && K >= 16 * Math.max(M, N)) {
    // A small result summed over a long K (convolution filter gradients): one pass over A and B.
    simd.gemm_small_out(aOff, bOff, outOff, M, K, N);
    return;
  }
  try {
    if (planProduct(M, K, N, tA, tB) === 'direct') {
      // A is stored [K, M] when tA, B is stored [N, K] when tB.
      const a2 = tA ? scratch(backend, M * K, 'BatchMatMul operand') : aOff;
      if (tA) temps.push(a2);
      const b2 = tB ? scratch(backend, K * N, 'BatchMatMul operand') : bOff;
      if (tB) temps.push(b2);
      if (tA) transposeAt(backend, aOff, K, M, a2);
      if (tB) transposeAt(backend, bOff, N, K, b2);
      gemmAt(backend, a2, b2, outOff, M, K, N);
    } else {
      // C^T[N, M] = op(B)^T[N, K] @ op(A)^T[K, M]. op(B)^T is B as stored when tB; op(A)^T is A as stored when tA.
      const left = tB ? bOff : scratch(backend, K * N, 'BatchMatMul operand');
      if (!tB) temps.push(left);
      const right = tA ? aOff : scratch(backend, M * K, 'BatchMatMul operand');
      if (!tA) temps.push(right);
      const ct = scratch(backend, M * N, 'BatchMatMul operand');
      temps.push(ct);
      if (!tB) transposeAt(backend, bOff, K, N, left);
      if (!tA) transposeAt(backend, aOff, M, K, right);
      gemmAt(backend, left, right, ct, N, K, M);
      transposeAt(backend, ct, N, M, outOff);
    }
  } finally {
    for (const p of temps) freeScratch(backend, p);
  }
}

/** Flat batch index of each output batch for one operand, with broadcasting (size-1 dims repeat). */
function batchIndex(outBatch: number[], operandBatch: number[]): number[] {
  const total = outBatch.reduce((p, d) => p * d, 1);
  const rank = outBatch.length;
  const dims = [...Array(rank - operandBatch.length).fill(1), ...operandBatch];
  const idx: number[] = [];
  for (let o = 0; o < total; o++) {
    let rem = o;
    let flat = 0;
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rem % outBatch[d];
      rem = Math.floor(rem / outBatch[d]);
      flat += (dims[d] === 1 ? 0 : i) * stride;
      stride *= dims[d];
    }
    idx.push(flat);
  }
  return idx;
}

/** op(a) @ op(b) for tensors of rank >= 2 with broadcast batch dims; returns a new tensor. */
export function batchMatMulImpl(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(`BatchMatMul (dlgrade wasm kernel): float32 only, got a ${a.dtype} [${a.shape}] and b ${b.dtype} [${b.shape}]`);
  }
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new Error(`BatchMatMul (dlgrade wasm kernel): operands need rank >= 2, got a [${a.shape}] and b [${b.shape}]`);
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (K !== Kb) {
    throw new Error(
      `Error in matMul: inner shapes (${K}) and (${Kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const out = backend.makeOutput([...outBatch, M, N], 'float32');
  const aOff = offsetOf(backend, a, 'a');
  const bOff = offsetOf(backend, b, 'b');
  const outOff = offsetOf(backend, out, 'out');
  const batches = outBatch.reduce((p, d) => p * d, 1);
  const bBatches = bBatch.reduce((p, d) => p * d, 1);
  if (batches === 1 || (bBatches === 1 && !transposeA)) {
    // One GEMM: a single product, or every batch of A against the same B stacked as rows [batches*M, K].
    product2d(backend, aOff, bOff, outOff, batches * M, K, N, transposeA, transposeB);
    return out;
  }
  const ai = batchIndex(outBatch, aBatch);
  const bi = batchIndex(outBatch, bBatch);
  for (let o = 0; o < batches; o++) {
    product2d(backend, aOff + ai[o] * M * K * 4, bOff + bi[o] * K * N * 4, outOff + o * M * N * 4, M, K, N, transposeA, transposeB);
  }
  return out;
}

interface MatMulArgs {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
  backend: BackendWasm;
  attrs: { transposeA: boolean; transposeB: boolean; activation?: string; leakyreluAlpha?: number };
}

function batchMatMul({ inputs, backend, attrs }: MatMulArgs): tf.TensorInfo {
  return batchMatMulImpl(backend, inputs.a, inputs.b, attrs.transposeA, attrs.transposeB);
}

/** Runs another wasm kernel at kernel level (no engine dispatch, no tape), as upstream's kernels do. */
function callKernel(name: string, inputs: Record<string, tf.TensorInfo>, backend: BackendWasm, attrs: Record<string, unknown> = {}): tf.TensorInfo {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`_FusedMatMul (dlgrade wasm kernel): wasm has no ${name} kernel`);
  return k.kernelFunc({ inputs, backend, attrs } as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

const ACTIVATION_KERNELS: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid', leakyrelu: 'LeakyRelu', prelu: 'Prelu' };

let upstreamFused: tf.KernelConfig | undefined;

function fusedMatMul(args: MatMulArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b, bias, preluActivationWeights } = inputs;
  const unbatched = a.shape.slice(0, -2).every((d) => d === 1) && b.shape.slice(0, -2).every((d) => d === 1);
  const simd = matMulPaths.simd ? simdKernels(backend) : undefined;
  if (simd) {
    const out = batchMatMulImpl(backend, a, b, attrs.transposeA, attrs.transposeB);
    return biasActivation(backend, simd, out, bias, attrs.activation, preluActivationWeights, attrs.leakyreluAlpha);
  }
  if (!attrs.transposeA && !attrs.transposeB && unbatched && upstreamFused) {
    const [M, K] = a.shape.slice(-2);
    const N = b.shape[b.shape.length - 1];
    // Upstream's own fast path (XNNPACK with bias and activation fused), unless these weights are new and
    // large enough that transposing them beats XNNPACK packing them.
    if (planProduct(M, K, N, false, false) === 'direct' || !firstUseOfWeights(backend, b)) {
      return upstreamFused.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
  }
  const out = batchMatMulImpl(backend, a, b, attrs.transposeA, attrs.transposeB);
  return applyBiasActivation(backend, out, bias, attrs.activation, preluActivationWeights, attrs.leakyreluAlpha);
}

/**
 * out + bias, then the fused activation, for out [..., N] and a bias of N values: bias and relu in one SIMD
 * pass over out (in place), anything else through applyBiasActivation. Returns the result; consumes `out`.
 */
export function biasActivation(
  backend: BackendWasm,
  simd: SimdKernels,
  out: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  activation = 'linear',
  preluActivationWeights?: tf.TensorInfo,
  leakyreluAlpha?: number,
): tf.TensorInfo {
  const N = out.shape[out.shape.length - 1];
  const biasOk = !bias || (bias.dtype === 'float32' && bias.shape.reduce((p, d) => p * d, 1) === N);
  if ((activation === 'linear' || activation === 'relu') && biasOk) {
    const rows = out.shape.reduce((p, d) => p * d, 1) / Math.max(1, N);
    if (bias || activation === 'relu') {
      simd.bias_act(offsetOf(backend, out, 'out'), bias ? offsetOf(backend, bias, 'bias') : 0, rows, N, activation === 'relu' ? 1 : 0);
    }
    return out;
  }
  return applyBiasActivation(backend, out, bias, activation, preluActivationWeights, leakyreluAlpha);
}

/** out + bias, then the fused activation, through the registered wasm kernels; consumes `out`. */
export function applyBiasActivation(
  backend: BackendWasm,
  out: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  activation = 'linear',
  preluActivationWeights?: tf.TensorInfo,
  leakyreluAlpha?: number,
): tf.TensorInfo {
  const step = (next: tf.TensorInfo) => {
    backend.disposeData(out.dataId);
    out = next;
  };
  if (bias) step(callKernel('Add', { a: out, b: bias }, backend));
  const act = activation;
  if (act !== 'linear') {
    const kernel = ACTIVATION_KERNELS[act];
    if (!kernel) throw new Error(`fused op (dlgrade wasm kernel): activation "${act}" is not supported`);
    if (act === 'prelu') {
      if (!preluActivationWeights) throw new Error('fused op (dlgrade wasm kernel): prelu activation without preluActivationWeights');
      step(callKernel(kernel, { x: out, alpha: preluActivationWeights }, backend));
    } else {
      step(callKernel(kernel, { x: out }, backend, act === 'leakyrelu' ? { alpha: leakyreluAlpha ?? 0.2 } : {}));
    }
  }
  return out;
}

function register(kernelName: string, kernelFunc: (args: MatMulArgs) => tf.TensorInfo): tf.KernelConfig | undefined {
  const upstream = tf.getKernel(kernelName, 'wasm');
  if (upstream) tf.unregisterKernel(kernelName, 'wasm');
  // Keep upstream's setupFunc: it binds the C entry point upstream's kernel (still called on fast paths) needs.
  tf.registerKernel({ kernelName, backendName: 'wasm', setupFunc: upstream?.setupFunc, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  return upstream;
}

export const matMulKernels: KernelFamily = {
  name: 'BatchMatMul/_FusedMatMul (transposed and batched products on XNNPACK)',
  install: () => {
    register('BatchMatMul', batchMatMul);
    upstreamFused = register('_FusedMatMul', fusedMatMul);
  },
};
