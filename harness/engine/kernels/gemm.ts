// The matrix product every dense and convolution kernel of ours runs on: gemm_f32 of ../wasm-simd (a 4x8
// register-tiled SIMD GEMM that reads its operands in place, ~48 GFLOP/s on one core here against ~31 for
// XNNPACK, which also re-packs its right operand for every new weight tensor, i.e. every training step),
// split between threads when the backend's memory is shared (../wasm-simd/simd-pool.ts) — or, where the
// machine has a fast BLAS and the native bridge is built, on that BLAS in place on the heap (~110 GFLOP/s
// per core here with OpenBLAS: ../native/native-blas.ts).
// Everything here works on byte offsets into the wasm heap; callers own the memory.
import type * as tf from '@tensorflow/tfjs';
import type { SimdKernels } from '../wasm-simd/simd.ts';
import { poolThreads, simdPool, type SimdPool } from '../wasm-simd/simd-pool.ts';
import { nativeBlas } from '../native/native-blas.ts';
import type { BackendWasm } from './wasm-heap.ts';

interface HeapModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
}

interface BackendInternals {
  wasm: HeapModule;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
}

function internals(backend: BackendWasm): BackendInternals {
  return backend as unknown as BackendInternals;
}

/** Byte offset of a tensor's data on the wasm heap. */
export function heapOffset(backend: BackendWasm, t: tf.TensorInfo, what: string): number {
  const d = internals(backend).dataIdMap.get(t.dataId);
  if (!d) throw new Error(`dlgrade wasm kernel: ${what} of shape [${t.shape}] is not on the wasm backend`);
  return d.memoryOffset;
}

/** Scratch floats on the heap (byte offset); release with freeScratch. */
export function scratch(backend: BackendWasm, floats: number, what: string): number {
  const p = internals(backend).wasm._malloc(Math.max(16, floats * 4)) >>> 0;
  if (p === 0) throw new Error(`dlgrade wasm kernel: out of wasm memory allocating ${floats * 4} bytes for ${what}`);
  return p;
}

export function freeScratch(backend: BackendWasm, p: number): void {
  internals(backend).wasm._free(p);
}

/** The heap as bytes, for the native BLAS (a fresh view each time: the memory can grow between calls). */
function heapBytes(backend: BackendWasm): Uint8Array {
  return internals(backend).wasm.HEAPU8;
}

/**
 * The thread pool when the threaded build runs with more than one thread (see wasm-threads.ts). simdPool
 * keeps one per backend, and makes a new one if a timeout closed the last.
 */
function poolOf(backend: BackendWasm): SimdPool | undefined {
  const threads = poolThreads();
  return threads > 1 ? simdPool(backend, threads) : undefined;
}

/** Below this many multiply-adds a product runs on the calling thread alone (a hand-off costs ~tens of µs). */
const PARALLEL_MIN_MACS = 1 << 18;

/** C[M, N] (+)= op(A)[M, K] B[K, N]; A, B, C byte offsets with row strides in floats (see kernels.c). */
export interface GemmCall {
  a: number;
  lda: number;
  transA: boolean;
  b: number;
  ldb: number;
  c: number;
  ldc: number;
  M: number;
  K: number;
  N: number;
  accumulate?: boolean;
}

function argsOf(g: GemmCall): number[] {
  return [g.a, g.lda, g.transA ? 1 : 0, g.b, g.ldb, g.c, g.ldc, g.M, g.K, g.N, g.accumulate ? 1 : 0];
}

/** Splits a product into `parts` disjoint blocks of C: by rows (multiples of 4) or, when M is short, by columns (of 8). */
export function splitGemm(g: GemmCall, parts: number): GemmCall[] {
  if (parts <= 1) return [g];
  if (g.M >= 16 * parts || g.M >= g.N) {
    const step = Math.ceil(g.M / parts / 4) * 4;
    const out: GemmCall[] = [];
    for (let i0 = 0; i0 < g.M; i0 += step) {
      const m = Math.min(step, g.M - i0);
      // Row i of op(A) starts at i*lda (A) or at column i (A^T).
      const a = g.a + (g.transA ? i0 : i0 * g.lda) * 4;
      out.push({ ...g, a, c: g.c + i0 * g.ldc * 4, M: m });
    }
    return out;
  }
  const step = Math.ceil(g.N / parts / 8) * 8;
  const out: GemmCall[] = [];
  for (let j0 = 0; j0 < g.N; j0 += step) {
    out.push({ ...g, b: g.b + j0 * 4, c: g.c + j0 * 4, N: Math.min(step, g.N - j0) });
  }
  return out;
}

/**
 * Pieces per thread: the pool's threads take pieces from a queue, so when one thread is slow (its core busy
 * with another process) the others take more; a few pieces each keep that balance without making them small.
 */
const PIECES_PER_THREAD = 3;

/** Runs one product, on every thread of the pool when it is large enough. */
export function gemm(backend: BackendWasm, simd: SimdKernels, g: GemmCall): void {
  if (g.M <= 0 || g.N <= 0) return;
  const blas = nativeBlas();
  if (blas) {
    blas.sgemm(heapBytes(backend), g.a, g.lda, g.transA ? 1 : 0, g.b, g.ldb, 0, g.c, g.ldc, g.M, g.K, g.N, g.accumulate ? 1 : 0);
    return;
  }
  const pool = g.M * g.K * g.N >= PARALLEL_MIN_MACS ? poolOf(backend) : undefined;
  if (!pool) {
    simd.gemm_f32(...(argsOf(g) as Parameters<SimdKernels['gemm_f32']>));
    return;
  }
  const pieces = Math.min(pool.threads * PIECES_PER_THREAD, Math.max(pool.threads, Math.floor((g.M * g.K * g.N) / PARALLEL_MIN_MACS)));
  pool.runQueue('gemm_f32', splitGemm(g, pieces).map(argsOf));
}

/** Runs one exported kernel over disjoint parts (e.g. image ranges), on the pool when there is one. */
export function parallelParts(backend: BackendWasm, simd: SimdKernels, name: keyof SimdKernels, parts: number[][]): void {
  const pool = poolOf(backend);
  if (!pool || parts.length < 2) {
    const f = simd[name] as (...args: number[]) => void;
    for (const p of parts) f(...p);
    return;
  }
  pool.runQueue(name, parts);
}

/** How many parts to cut a job of `items` independent pieces into: a few per thread, one without a pool. */
export function threadsFor(backend: BackendWasm, items: number): number {
  const threads = poolOf(backend)?.threads ?? 1;
  return Math.max(1, Math.min(items, threads === 1 ? 1 : threads * PIECES_PER_THREAD));
}

/** Inner dimensions up to this are transposed into place rather than read as A^T (see product). */
const SHORT_K = 256;

/**
 * C[M, N] = op(A)[M, K] op(B)[K, N] at byte offsets, contiguous row-major operands (A stored [K, M] when
 * transA, B stored [N, K] when transB). gemm_f32 reads A^T in place; a transposed B is either transposed
 * into scratch (K*N floats moved) or the product is computed flipped, C^T = B op(A)^T, which moves the
 * smaller M*K + M*N when B is a large weight matrix and M a small batch (dy W^T in backprop).
 */
export function product(
  backend: BackendWasm, simd: SimdKernels,
  aOff: number, bOff: number, cOff: number, M: number, K: number, N: number, transA: boolean, transB: boolean,
): void {
  if (M * N === 0) return;
  const blas = nativeBlas();
  if (blas) {
    // BLAS reads either operand transposed in place at full speed: one call, no scratch.
    blas.sgemm(heapBytes(backend), aOff, transA ? M : K, transA ? 1 : 0, bOff, transB ? K : N, transB ? 1 : 0, cOff, N, M, K, N, 0);
    return;
  }
  if (transA && K <= SHORT_K) {
    // A dense layer's dW = x^T dy: a short inner dimension (the batch) makes gemm_f32's strided reads of A^T
    // cost more than laying A out again (measured 3072x64x1024: 18.6 ms in place, 15.0 transposed first).
    const at = scratch(backend, M * K, 'A^T');
    try {
      simd.transpose2d(aOff, at, K, M);
      product(backend, simd, at, bOff, cOff, M, K, N, false, transB);
    } finally {
      freeScratch(backend, at);
    }
    return;
  }
  if (!transB) {
    gemm(backend, simd, { a: aOff, lda: transA ? M : K, transA, b: bOff, ldb: N, c: cOff, ldc: N, M, K, N });
    return;
  }
  const temps: number[] = [];
  try {
    if (K * N <= (transA ? 0 : M * K) + M * N) {
      const bt = scratch(backend, K * N, 'B^T');
      temps.push(bt);
      simd.transpose2d(bOff, bt, N, K);
      gemm(backend, simd, { a: aOff, lda: transA ? M : K, transA, b: bt, ldb: N, c: cOff, ldc: N, M, K, N });
    } else {
      // C^T[N, M] = B_stored[N, K] @ op(A)^T[K, M]; op(A)^T is A as stored when transA.
      let right = aOff;
      if (!transA) {
        right = scratch(backend, M * K, 'A^T');
        temps.push(right);
        simd.transpose2d(aOff, right, M, K);
      }
      const ct = scratch(backend, M * N, 'C^T');
      temps.push(ct);
      gemm(backend, simd, { a: bOff, lda: K, transA: false, b: right, ldb: M, c: ct, ldc: M, M: N, K, N: M });
      simd.transpose2d(ct, cOff, N, M);
    }
  } finally {
    for (const p of temps) freeScratch(backend, p);
  }
}
