// ReLU's gradient on wasm as one SIMD pass. tfjs's registered gradient is mul(dy, cast(step(x), 'float32')):
// three kernels, two full-size intermediate buffers and a JS copy (upstream's float32 -> float32 Cast) per
// ReLU per training step. Here DlgradeReluGrad (x, dy) -> dx computes the same product in one pass
// (kernels.c relu_grad, bitwise the composition's result, NaN included), and the Relu gradient is replaced by
// one that runs it on wasm with our SIMD module; on other backends it calls tfjs's original gradient.
import * as tf from '@tensorflow/tfjs';
import { simdKernels } from '../wasm-simd/simd.ts';
import { heapOffset } from './gemm.ts';
import type { KernelFamily } from './kernel-family.ts';
import { alloc, registerWasmKernel, type BackendWasm, type WasmKernelArgs } from './wasm-heap.ts';

export const RELU_GRAD = 'DlgradeReluGrad';

function reluGrad({ inputs, backend }: WasmKernelArgs<{ x: tf.TensorInfo; dy: tf.TensorInfo }, Record<string, never>>): tf.TensorInfo {
  const { x, dy } = inputs;
  const simd = simdKernels(backend);
  if (!simd) throw new Error(`${RELU_GRAD} (dlgrade wasm kernel): the SIMD module is not available on this backend`);
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || !tf.util.arraysEqual(x.shape, dy.shape)) {
    throw new Error(`${RELU_GRAD} (dlgrade wasm kernel): x and dy must be float32 of one shape, got x ${x.dtype} [${x.shape}] and dy ${dy.dtype} [${dy.shape}]`);
  }
  const dx = alloc(backend, [...x.shape]);
  simd.relu_grad(heapOffset(backend, x, 'ReluGrad x'), heapOffset(backend, dy, 'ReluGrad dy'), heapOffset(backend, dx, 'ReluGrad dx'), tf.util.sizeFromShape(x.shape));
  return dx;
}

/** dy * step(x) as one kernel where it can run (wasm with SIMD), else undefined. */
export function fusedReluGrad(x: tf.Tensor, dy: tf.Tensor): tf.Tensor | undefined {
  if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32' || dy.dtype !== 'float32' || !tf.getKernel(RELU_GRAD, 'wasm')) return undefined;
  if (!simdKernels(tf.backend() as BackendWasm)) return undefined;
  return tf.engine().runKernel(RELU_GRAD, { x, dy }) as tf.Tensor;
}

let installed = false;

export const reluGradKernels: KernelFamily = {
  name: 'ReLU gradient in one pass (SIMD)',
  install: () => {
    registerWasmKernel(RELU_GRAD, reluGrad);
    if (installed) return;
    installed = true;
    const original = tf.getGradient('Relu');
    if (!original) throw new Error('tfjs registers no gradient for Relu: is @tensorflow/tfjs loaded?');
    tf.registerGradient({
      ...original,
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved;
        const dx = fusedReluGrad(x!, dy as tf.Tensor);
        return dx ? { x: () => dx } : original.gradFunc(dy, saved, attrs);
      },
    });
  },
};
