// Training-mode tf.layers.batchNormalization on wasm as ONE tape node with one SIMD kernel each way.
// tfjs-layers computes it as tf.moments + tf.batchNorm: ~10 kernels forward and ~40 for the gradient per
// BN layer (Multiply, Sum, Sub, Square, Tile, Cast, RealDiv...), each with its JS dispatch; here
//  - DlgradeBatchNormTrain (x, gamma[, beta]) -> (y, mean, variance): kernels.c bn_train_fwd, three passes
//    over x. Its arithmetic repeats the unfused path on our other kernels operation for operation, so y,
//    mean and variance are bitwise what the unpatched layer gives on wasm (tested);
//  - its registered gradient runs DlgradeBatchNormTrainGrad (x, dy, gamma, mean, variance) -> (dx, dgamma,
//    dbeta): bn_train_grad, two passes, with batch statistics (biased variance, as tf.moments).
// A registered kernel + registered gradient rather than tf.customGrad: the node has three outputs (customGrad
// records one, so mean and variance would have to leave its tidy by tf.keep and be disposed by hand), the
// engine saves x, gamma, mean and variance for the backward pass itself, and profiles name the kernels.
// The layer's moving statistics are then updated by the same doMovingAverage code as tfjs (same ops, same
// writes). mean and variance are statistics for those updates: the gradient treats them as constants
// (nothing in a layer's loss depends on them).
// BatchNormalization.prototype.call is patched when the wasm kernels are installed; a call takes the fused
// path only on wasm with our SIMD module, in training, float32, axis = the last one, rank >= 2, non-empty;
// anything else (inference, other axes, other backends, DLGRADE_FUSED_BATCHNORM=0) runs the original call.
// Unlike the original, center: false or scale: false train here (tfjs 4.22's training path reads
// this.gamma / this.beta unconditionally and throws), and so does rank > 4 (tf.batchNorm stops at 4).
import * as tf from '@tensorflow/tfjs';
import { simdKernels } from '../wasm-simd/simd.ts';
import type { KernelFamily } from './kernel-family.ts';
import { alloc, free, type BackendWasm } from './wasm-heap.ts';

export const BN_TRAIN = 'DlgradeBatchNormTrain';
export const BN_TRAIN_GRAD = 'DlgradeBatchNormTrainGrad';

interface KernelArgs {
  inputs: Record<string, tf.TensorInfo | undefined>;
  backend: BackendWasm;
  attrs: { epsilon: number };
}

function at(backend: BackendWasm, t: tf.TensorInfo | undefined): number {
  if (t === undefined) return 0; // absent gamma / beta: the C kernels read 0 as "none"
  return (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
}

function checked(kernel: string, inputs: Record<string, tf.TensorInfo | undefined>, backend: BackendWasm) {
  const simd = simdKernels(backend);
  if (!simd) throw new Error(`${kernel} (dlgrade wasm kernel): the SIMD module is not available on this backend`);
  const x = inputs.x;
  if (!x || x.shape.length < 2) throw new Error(`${kernel} (dlgrade wasm kernel): x must have rank >= 2, got [${x?.shape}]`);
  const C = x.shape[x.shape.length - 1];
  for (const [name, t] of Object.entries(inputs)) {
    if (t === undefined) continue;
    if (t.dtype !== 'float32') throw new Error(`${kernel} (dlgrade wasm kernel): ${name} must be float32, got ${t.dtype}`);
    const want = name === 'x' || name === 'dy' ? x.shape : [C];
    if (!tf.util.arraysEqual(t.shape, want)) throw new Error(`${kernel} (dlgrade wasm kernel): ${name} has shape [${t.shape}], expected [${want}]`);
  }
  return { simd, x, C, rows: tf.util.sizeFromShape(x.shape) / C };
}

function bnTrain({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { simd, x, C, rows } = checked(BN_TRAIN, inputs, backend);
  const y = alloc(backend, [...x.shape]);
  const mean = alloc(backend, [C]);
  const variance = alloc(backend, [C]);
  const scratch = alloc(backend, [2 * C]);
  simd.bn_train_fwd(at(backend, x), at(backend, inputs.gamma), at(backend, inputs.beta), at(backend, y), at(backend, mean), at(backend, variance), at(backend, scratch), rows, C, attrs.epsilon);
  free(backend, scratch);
  return [y, mean, variance];
}

function bnTrainGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { simd, x, C, rows } = checked(BN_TRAIN_GRAD, inputs, backend);
  const { dy, gamma, mean, variance } = inputs;
  if (!dy || !mean || !variance) throw new Error(`${BN_TRAIN_GRAD} (dlgrade wasm kernel): needs x, dy, mean and variance`);
  const dx = alloc(backend, [...x.shape]);
  const dgamma = alloc(backend, [C]);
  const dbeta = alloc(backend, [C]);
  const scratch = alloc(backend, [3 * C]);
  simd.bn_train_grad(at(backend, x), at(backend, dy), at(backend, gamma), at(backend, mean), at(backend, variance), at(backend, dx), at(backend, dgamma), at(backend, dbeta), at(backend, scratch), rows, C, attrs.epsilon);
  free(backend, scratch);
  return [dx, dgamma, dbeta];
}

const bnTrainGradConfig: tf.GradConfig = {
  kernelName: BN_TRAIN,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [dy] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved;
    // Eager: one kernel gives all three; the tape then asks for the ones on a variable's path.
    const [dx, dgamma, dbeta] = tf.engine().runKernel(BN_TRAIN_GRAD, { x, dy, gamma, mean, variance }, attrs) as tf.Tensor[];
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
  },
};

/** y, mean, variance of training-mode batch norm over every axis but the last (wasm + SIMD only). */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor | undefined, epsilon: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = beta ? { x, gamma, beta } : { x, gamma };
  return tf.engine().runKernel(BN_TRAIN, inputs, { epsilon }) as [tf.Tensor, tf.Tensor, tf.Tensor];
}

// ---- the layer patch -------------------------------------------------------------------------------------

interface LayerVar {
  read(): tf.Tensor;
  write(v: tf.Tensor): unknown;
}
/** The private fields of tfjs-layers' BatchNormalization that its call reads. */
interface BatchNormInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma?: LayerVar;
  beta?: LayerVar;
  movingMean: LayerVar;
  movingVariance: LayerVar;
}
type Call = (this: unknown, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** The input when the fused path applies to this call, else undefined. */
function fusedInput(layer: BatchNormInternals, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | undefined {
  if (process.env.DLGRADE_FUSED_BATCHNORM === '0' || !kwargs?.training) return undefined;
  if (Array.isArray(inputs) && inputs.length !== 1) return undefined;
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.rank < 2 || x.size === 0) return undefined;
  const axis = layer.axis >= 0 ? layer.axis : layer.axis + x.rank;
  if (axis !== x.rank - 1) return undefined;
  if ((layer.scale && !layer.gamma) || (layer.center && !layer.beta) || !layer.movingMean || !layer.movingVariance) return undefined;
  if (tf.getBackend() !== 'wasm' || !tf.getKernel(BN_TRAIN, 'wasm')) return undefined;
  if (!simdKernels(tf.backend() as BackendWasm)) return undefined;
  return x;
}

function fusedCall(layer: BatchNormInternals, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const C = x.shape[x.rank - 1];
    const gamma = layer.scale && layer.gamma ? layer.gamma.read() : tf.ones([C]);
    const beta = layer.center && layer.beta ? layer.beta.read() : undefined;
    const [normed, mean, variance] = batchNormTrain(x, gamma, beta, layer.epsilon);
    updateMovingStatistics(layer.movingMean, layer.movingVariance, mean, variance, layer.momentum);
    return normed;
  });
}

/**
 * The running statistic updated in its own memory (kernels.c moving_average: the same float32 operations in
 * the same order, so the same values), when it is float32 on wasm with our SIMD module and no other tensor
 * shares its memory; false otherwise (nothing written).
 */
function movingAverageInPlace(variable: LayerVar, value: tf.Tensor, decay: number): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const backend = tf.backend() as BackendWasm;
  const simd = simdKernels(backend);
  const v = variable.read();
  if (!simd || v.dtype !== 'float32' || value.dtype !== 'float32' || !tf.util.arraysEqual(v.shape, value.shape) || backend.refCount(v.dataId) !== 1) return false;
  simd.moving_average(at(backend, v), at(backend, value), v.size, decay);
  return true;
}

/**
 * tfjs-layers' doMovingAverage for the running mean and variance: v - (v - value) * (1 - momentum), in place
 * where it can be (one kernel instead of three and an allocation per statistic and step), else verbatim.
 */
export function updateMovingStatistics(movingMean: LayerVar, movingVariance: LayerVar, mean: tf.Tensor, variance: tf.Tensor, momentum: number): void {
  const doMovingAverage = (variable: LayerVar, value: tf.Tensor) => {
    if (movingAverageInPlace(variable, value, 1 - momentum)) return;
    tf.tidy(() => {
      const decay = 1 - momentum;
      const origValue = variable.read();
      const updateDelta = tf.mul(tf.sub(origValue, value), decay);
      variable.write(tf.sub(origValue, updateDelta));
    });
  };
  doMovingAverage(movingMean, mean);
  doMovingAverage(movingVariance, variance);
}

/** tfjs-layers' BatchNormalization class, from the serialization registry (creating a layer would use up a name). */
export function batchNormalizationClass(): { prototype: { call: Call } } {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization;
  const cls = entry?.[0] as unknown as { prototype: { call: Call } } | undefined;
  if (!cls || !(cls.prototype instanceof tf.layers.Layer)) throw new Error('BatchNormalization is not registered as a tfjs-layers class: is @tensorflow/tfjs loaded?');
  return cls;
}

let originalCall: Call | undefined;

/** Patches BatchNormalization.prototype.call once; idempotent. */
export function installFusedBatchNorm(): void {
  if (originalCall) return;
  const proto = batchNormalizationClass().prototype;
  const original = proto.call;
  originalCall = original;
  proto.call = function (this: unknown, inputs, kwargs) {
    const layer = this as BatchNormInternals;
    const x = fusedInput(layer, inputs, kwargs);
    return x ? fusedCall(layer, x) : original.call(this, inputs, kwargs);
  };
}

export const batchNormTrainKernels: KernelFamily = {
  name: 'training-mode BatchNormalization as one fused kernel each way (SIMD)',
  install: () => {
    for (const [kernelName, kernelFunc] of [
      [BN_TRAIN, bnTrain],
      [BN_TRAIN_GRAD, bnTrainGrad],
    ] as const) {
      if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    }
    if (!tf.getGradient(BN_TRAIN)) tf.registerGradient(bnTrainGradConfig);
    installFusedBatchNorm();
  },
};
