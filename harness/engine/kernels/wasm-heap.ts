// Shared plumbing for our wasm kernels (not a kernel family itself): heap views, temporary tensors, and the
// wasm backend's own matrix product, called at kernel level the way tfjs-backend-wasm's kernels call each other.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };

/** The kernel-function signature our files implement; cast to tf.KernelFunc at registration. */
export interface WasmKernelArgs<I, A> {
  inputs: I;
  backend: BackendWasm;
  attrs: A;
}

/** Registers (or replaces, without tfjs's "already registered" warning) a kernel on the wasm backend. */
export function registerWasmKernel<I, A>(kernelName: string, kernelFunc: (args: WasmKernelArgs<I, A>) => tf.TensorInfo): void {
  const existing = tf.getKernelsForBackend('wasm').some((k) => k.kernelName === kernelName);
  if (existing) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

/**
 * A Float32Array over a tensor's bytes on the wasm heap. Views die when the heap grows (any allocation may
 * grow it), so take them after the last allocation of a step.
 */
export function f32(backend: BackendWasm, t: tf.TensorInfo, what: string): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`${what}: expected a float32 tensor, got ${t.dtype} of shape [${t.shape}]`);
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** A new float32 tensor on the wasm heap; its memory is NOT zeroed. */
export function alloc(backend: BackendWasm, shape: number[]): tf.TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

export function free(backend: BackendWasm, t: tf.TensorInfo): void {
  backend.disposeData(t.dataId);
}

/** The same data seen with another shape (what the wasm Reshape kernel does), sharing the dataId. */
export function view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/**
 * out[m, n] = a[m, k] @ b[k, n] through whatever BatchMatMul kernel is registered for wasm (upstream's, or our
 * faster replacement). Without transpose flags and with batch 1 it runs XNNPACK's fully-connected GEMM, the
 * fast path; every transposed or batched case falls to a naive loop, so callers lay operands out to avoid it.
 * Returns a new [m, n] tensor the caller owns.
 */
export function matMul(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number): tf.TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  if (!kernel) throw new Error('BatchMatMul is not registered for wasm: is @tensorflow/tfjs-backend-wasm imported?');
  const out = kernel.kernelFunc({
    inputs: { a: view(a, [1, m, k]), b: view(b, [1, k, n]) },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
  return view(out, [m, n]);
}

export function requireNHWC(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`${kernel} (dlgrade wasm kernel): only NHWC is supported, got dataFormat ${dataFormat}`);
  }
}

/** Throws, naming the kernel and the input, when a tensor's shape is not what the geometry implies. */
export function expectShape(kernel: string, name: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
    throw new Error(`${kernel} (dlgrade wasm kernel): ${name} has shape [${got}], expected [${want}]`);
  }
}
