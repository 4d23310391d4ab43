import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels } from '../wasm-simd/simd.ts';
import type { AdamUpdateAttrs, SgdUpdateAttrs } from './update-kernels.ts';

// The one-pass updates (update-kernels.ts) written into the parameter's and the state's own memory instead
// of new tensors: same kernels.c loops (they read each element before writing it, so the outputs may alias
// the inputs), same numbers, no allocation, and every buffer touched once while it is in cache. On the FC
// layers of the A2 budgets the update is the largest memory traffic of a step (a 3072x128 weight: 1.5 MB
// each for param, grad, m, v, written again as three new tensors).
// Only where nobody else can see the old values: wasm with our SIMD module, and param, m, v each the only
// tensor on its memory (the backend's reference count: every other tensor object on the same data, a clone
// the tape saved, a reshape, a user's tf.clone snapshot, holds a reference). Otherwise the callers allocate
// as before.

function wasmSimd(): { backend: BackendWasm; simd: NonNullable<ReturnType<typeof simdKernels>> } | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as BackendWasm;
  const simd = simdKernels(backend);
  return simd ? { backend, simd } : undefined;
}

/** True when `t` is the only tensor on its memory. */
function soleOwner(backend: BackendWasm, t: tf.Tensor): boolean {
  return t.dtype === 'float32' && backend.refCount(t.dataId) === 1;
}

const at = (backend: BackendWasm, t: tf.Tensor) => (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;

function sameShape(a: tf.Tensor, b: tf.Tensor): boolean {
  return a.dtype === 'float32' && b.dtype === 'float32' && tf.util.arraysEqual(a.shape, b.shape);
}

/** Adam/AdamW into param, m and v themselves; false (nothing written) when that is not safe here. */
export function adamInPlace(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: AdamUpdateAttrs): boolean {
  const w = wasmSimd();
  if (!w || !sameShape(param, grad) || !sameShape(param, m) || !sameShape(param, v)) return false;
  const { backend, simd } = w;
  if (!soleOwner(backend, param) || !soleOwner(backend, m) || !soleOwner(backend, v)) return false;
  const [p, mm, vv] = [at(backend, param), at(backend, m), at(backend, v)];
  simd.adam_f32(
    p, at(backend, grad), mm, vv, p, mm, vv, param.size,
    a.beta1, a.beta2, a.lr / (1 - a.beta1 ** a.step), Math.sqrt(1 - a.beta2 ** a.step), a.eps, a.decoupled ? 1 - a.lr * a.weightDecay : 1, a.decoupled ? 0 : a.weightDecay,
  );
  return true;
}

/** SGD into param (and its momentum buffer, which must exist: not the first step); false when not safe. */
export function sgdInPlace(param: tf.Tensor, grad: tf.Tensor, buf: tf.Tensor | null, a: SgdUpdateAttrs): boolean {
  const w = wasmSimd();
  if (!w || !sameShape(param, grad) || (a.momentum !== 0 && (!buf || a.firstStep || !sameShape(param, buf)))) return false;
  const { backend, simd } = w;
  if (!soleOwner(backend, param) || (a.momentum !== 0 && !soleOwner(backend, buf!))) return false;
  const p = at(backend, param);
  const b = a.momentum !== 0 ? at(backend, buf!) : p; // unused without momentum
  simd.sgd_f32(p, at(backend, grad), b, p, b, param.size, a.lr, a.momentum, a.dampening, a.weightDecay, a.nesterov ? 1 : 0, 0);
  return true;
}
