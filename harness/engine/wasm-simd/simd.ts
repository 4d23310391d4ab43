import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SIMD_SHARED_WASM, SIMD_WASM } from './simd-binaries.ts';

// Loads dlgrade's SIMD kernels (kernels.c, built by build.sh) into the memory of tfjs's wasm backend, so they
// read and write tensors in place by their heap offsets. One instance per backend module. Unavailable (the
// callers fall back to their JS or upstream paths) when the backend runs tfjs's non-SIMD build, when the
// memory cannot be found, or with DLGRADE_WASM_SIMD=0.

export const OP = { add: 0, sub: 1, mul: 2, div: 3, sqdiff: 4 } as const;

export interface SimdKernels {
  bcast_channel(op: number, vecFirst: number, full: number, vec: number, out: number, rows: number, C: number): void;
  affine_channel(x: number, a: number, b: number, out: number, rows: number, C: number): void;
  sum_rows(x: number, out: number, block: number, rows: number, C: number): void;
  adam_f32(
    p: number, g: number, m: number, v: number, p2: number, m2: number, v2: number, n: number,
    beta1: number, beta2: number, stepSize: number, bc2Sqrt: number, eps: number, decay: number, gradDecay: number,
  ): void;
  transpose2d(src: number, dst: number, rows: number, cols: number): void;
  gemm_small_out(a: number, b: number, c: number, M: number, K: number, N: number): void;
  gemm_f32(a: number, lda: number, transA: number, b: number, ldb: number, c: number, ldc: number, M: number, K: number, N: number, acc: number): void;
  im2col_nhwc(x: number, cols: number, ...geometryThenImages: number[]): void;
  col2im_nhwc(dcols: number, dx: number, ...geometryThenImages: number[]): void;
  bias_act(out: number, bias: number, rows: number, N: number, act: number): void;
  maxpool_grad_nhwc(x: number, dy: number, dx: number, ...geometryThenImages: number[]): void;
  bn_train_fwd(x: number, gamma: number, beta: number, y: number, mean: number, variance: number, scratch: number, rows: number, C: number, eps: number): void;
  bn_train_grad(
    x: number, dy: number, gamma: number, mean: number, variance: number, dx: number, dgamma: number, dbeta: number,
    scratch: number, rows: number, C: number, eps: number,
  ): void;
  sgd_f32(
    p: number, g: number, buf: number, p2: number, buf2: number, n: number,
    lr: number, momentum: number, dampening: number, wd: number, nesterov: number, first: number,
  ): void;
  relu_grad(x: number, dy: number, dx: number, n: number): void;
  dlgrade_log(x: number): number;
  random_fill_f32(out: number, n: number, kind: number, a: number, b: number, state: number): void;
  moving_average(v: number, value: number, n: number, decay: number): void;
}

interface ModuleMemory {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

const instances = new WeakMap<object, SimdKernels | null>();
const compiled = new Map<boolean, WebAssembly.Module>();
let unavailable: string | undefined;

/** The kernel module for a plain (false) or shared (true) memory, compiled once from simd-binaries.ts. */
export function kernelModule(shared: boolean): WebAssembly.Module {
  let m = compiled.get(shared);
  if (!m) {
    m = new WebAssembly.Module(Buffer.from(shared ? SIMD_SHARED_WASM : SIMD_WASM, 'base64'));
    compiled.set(shared, m);
  }
  return m;
}

/** The kernels bound to this backend's memory, or undefined where they cannot run (simdUnavailable() says why). */
export function simdKernels(backend: BackendWasm): SimdKernels | undefined {
  if (process.env.DLGRADE_WASM_SIMD === '0') {
    unavailable = 'DLGRADE_WASM_SIMD=0';
    return undefined;
  }
  const mod = backend.wasm as unknown as ModuleMemory;
  let k = instances.get(mod);
  if (k === undefined) {
    k = null;
    const memory = mod.wasmMemory ?? mod.asm?.memory;
    if (memory instanceof WebAssembly.Memory) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      try {
        const instance = new WebAssembly.Instance(kernelModule(shared), { env: { memory } });
        k = instance.exports as unknown as SimdKernels;
      } catch (err) {
        // No SIMD in this engine, or a memory the module cannot import: callers fall back (3x slower
        // training), and the engine label says so.
        unavailable = `${(err as Error).message.split('\n')[0]}`;
      }
    } else unavailable = "the wasm backend's memory was not found";
    instances.set(mod, k);
  }
  return k ?? undefined;
}

/** Why simdKernels() returned undefined (the last time it did), for the engine label. */
export function simdUnavailable(): string | undefined {
  return unavailable;
}
