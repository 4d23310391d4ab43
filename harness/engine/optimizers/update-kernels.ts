import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels } from '../wasm-simd/simd.ts';

// One-pass parameter updates, registered as kernels for wasm and cpu. tf.train.adam spends ~12 elementwise
// kernels per parameter tensor per step (each a full pass over memory plus an allocation); this is one loop
// that reads param, grad and state once and writes the new param and state. Arithmetic follows PyTorch's
// single-tensor Adam/AdamW/SGD (torch/optim/adam.py, sgd.py) operation for operation, in float64 per element.
// Backends without these kernels (tensorflow) use the composite path in the optimizer classes.

export const ADAM_UPDATE = 'DlgradeAdamUpdate';
export const SGD_UPDATE = 'DlgradeSgdUpdate';

export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the parameter (p *= 1 - lr*wd) instead of adding wd*p to the gradient. */
  decoupled: boolean;
  /** 1-based step of this parameter. */
  step: number;
}

export interface SgdUpdateAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** True on the first step: PyTorch starts the momentum buffer as a copy of the gradient. */
  firstStep: boolean;
}

/** Adam/AdamW on flat arrays; writes p2, m2, v2 (which may alias the inputs). */
export function adamLoop(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, p2: Float32Array, m2: Float32Array, v2: Float32Array, a: AdamUpdateAttrs): void {
  const { lr, beta1, beta2, eps, weightDecay: wd, decoupled, step } = a;
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = decoupled ? 1 - lr * wd : 1;
  const gradDecay = decoupled ? 0 : wd;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = 0; i < p.length; i++) {
    let pi = p[i];
    let gi = g[i];
    if (gradDecay !== 0) gi += gradDecay * pi;
    pi *= decay;
    const mi = m[i] * beta1 + gi * c1;
    const vi = v[i] * beta2 + gi * gi * c2;
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

/** SGD with PyTorch's momentum/dampening/nesterov/weight decay; writes p2 and buf2 (buf2 unused without momentum). */
export function sgdLoop(p: Float32Array, g: Float32Array, buf: Float32Array, p2: Float32Array, buf2: Float32Array, a: SgdUpdateAttrs): void {
  const { lr, momentum, dampening, weightDecay: wd, nesterov, firstStep } = a;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i];
    let d = g[i];
    if (wd !== 0) d += wd * pi;
    if (momentum !== 0) {
      const b = firstStep ? d : buf[i] * momentum + (1 - dampening) * d;
      buf2[i] = b;
      d = nesterov ? d + momentum * b : b;
    }
    p2[i] = pi - lr * d;
  }
}

type Inputs = Record<string, tf.TensorInfo>;

function checkShapes(kernel: string, inputs: Inputs): void {
  const p = inputs.param;
  for (const [name, t] of Object.entries(inputs)) {
    if (t.dtype !== 'float32') throw new Error(`${kernel}: ${name} must be float32, got ${t.dtype}`);
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new Error(`${kernel}: ${name} has shape [${t.shape}], the parameter [${p.shape}]`);
    }
  }
}

// --- wasm: outputs allocated on the heap, loops over heap views (taken after the last allocation).
function wasmArrays(backend: BackendWasm, ts: tf.TensorInfo[]): Float32Array[] {
  return ts.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
}

function adamWasm({ inputs, backend, attrs }: { inputs: Inputs; backend: BackendWasm; attrs: AdamUpdateAttrs }): tf.TensorInfo[] {
  checkShapes(ADAM_UPDATE, inputs);
  const outs = [0, 1, 2].map(() => backend.makeOutput(inputs.param.shape, 'float32'));
  const simd = simdKernels(backend);
  if (simd) {
    // The same step in wasm SIMD, float32 throughout as in PyTorch (the JS loop below rounds once per element).
    const at = (t: tf.TensorInfo) => (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
    const { lr, beta1, beta2, eps, weightDecay: wd, decoupled, step } = attrs;
    simd.adam_f32(
      at(inputs.param), at(inputs.grad), at(inputs.m), at(inputs.v), at(outs[0]), at(outs[1]), at(outs[2]),
      tf.util.sizeFromShape(inputs.param.shape),
      beta1, beta2, lr / (1 - beta1 ** step), Math.sqrt(1 - beta2 ** step), eps, decoupled ? 1 - lr * wd : 1, decoupled ? 0 : wd,
    );
    return outs;
  }
  const [p, g, m, v, p2, m2, v2] = wasmArrays(backend, [inputs.param, inputs.grad, inputs.m, inputs.v, ...outs]);
  adamLoop(p, g, m, v, p2, m2, v2, attrs);
  return outs;
}

function sgdWasm({ inputs, backend, attrs }: { inputs: Inputs; backend: BackendWasm; attrs: SgdUpdateAttrs }): tf.TensorInfo[] {
  checkShapes(SGD_UPDATE, inputs);
  const outs = [0, 1].map(() => backend.makeOutput(inputs.param.shape, 'float32'));
  const simd = simdKernels(backend);
  if (simd) {
    const at = (t: tf.TensorInfo) => (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
    const { lr, momentum, dampening, weightDecay, nesterov, firstStep } = attrs;
    simd.sgd_f32(
      at(inputs.param), at(inputs.grad), at(inputs.buf), at(outs[0]), at(outs[1]), tf.util.sizeFromShape(inputs.param.shape),
      lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0,
    );
    return outs;
  }
  const [p, g, buf, p2, buf2] = wasmArrays(backend, [inputs.param, inputs.grad, inputs.buf, ...outs]);
  sgdLoop(p, g, buf, p2, buf2, attrs);
  return outs;
}

// --- cpu: the pure-JS backend keeps values in typed arrays already.
interface CpuBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function cpuArray(backend: CpuBackend, t: tf.TensorInfo): Float32Array {
  return backend.readSync(t.dataId) as Float32Array;
}

function adamCpu({ inputs, backend, attrs }: { inputs: Inputs; backend: CpuBackend; attrs: AdamUpdateAttrs }): tf.TensorInfo[] {
  checkShapes(ADAM_UPDATE, inputs);
  const n = tf.util.sizeFromShape(inputs.param.shape);
  const [p2, m2, v2] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const [p, g, m, v] = [inputs.param, inputs.grad, inputs.m, inputs.v].map((t) => cpuArray(backend, t));
  adamLoop(p, g, m, v, p2, m2, v2, attrs);
  return [p2, m2, v2].map((a) => backend.makeTensorInfo(inputs.param.shape, 'float32', a));
}

function sgdCpu({ inputs, backend, attrs }: { inputs: Inputs; backend: CpuBackend; attrs: SgdUpdateAttrs }): tf.TensorInfo[] {
  checkShapes(SGD_UPDATE, inputs);
  const n = tf.util.sizeFromShape(inputs.param.shape);
  const [p2, buf2] = [new Float32Array(n), new Float32Array(n)];
  const [p, g, buf] = [inputs.param, inputs.grad, inputs.buf].map((t) => cpuArray(backend, t));
  sgdLoop(p, g, buf, p2, buf2, attrs);
  return [p2, buf2].map((a) => backend.makeTensorInfo(inputs.param.shape, 'float32', a));
}

let registered = false;
/** Registers the update kernels for wasm and cpu (idempotent; harmless before the backends initialise). */
export function registerUpdateKernels(): void {
  if (registered) return;
  registered = true;
  const add = (kernelName: string, backendName: string, kernelFunc: unknown) =>
    tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as tf.KernelFunc });
  add(ADAM_UPDATE, 'wasm', adamWasm);
  add(SGD_UPDATE, 'wasm', sgdWasm);
  add(ADAM_UPDATE, 'cpu', adamCpu);
  add(SGD_UPDATE, 'cpu', sgdCpu);
}

/** Whether the current backend has the one-pass kernel (else the optimizers fall back to tf ops). */
export function hasUpdateKernel(kernelName: string): boolean {
  registerUpdateKernels();
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

// Registered at import so that profilers wrapping the backend's kernels see them from the start.
registerUpdateKernels();
