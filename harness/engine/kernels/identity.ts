// Identity for wasm without a copy. tfjs's tape clones every tensor it saves for the backward pass through
// the Identity kernel, and upstream's wasm Identity copies the data: every weight matrix was copied once per
// training step (12 MB for the bench FC's first layer). Tensors are immutable, so the clone can share the
// data and bump its reference count, as the cpu backend and the wasm Reshape kernel already do. A Cast to
// the dtype a tensor already has is the same no-op (upstream copies in JS; tfjs's own gradients cast
// float32 gradients to float32, and clone's gradient is such a cast). Cast to bool is fixed on the way
// (upstream writes the numbers' low bytes).
import * as tf from '@tensorflow/tfjs';
import type { KernelFamily } from './kernel-family.ts';
import { registerWasmKernel, type BackendWasm, type WasmKernelArgs } from './wasm-heap.ts';

function identity({ inputs, backend }: WasmKernelArgs<{ x: tf.TensorInfo }, Record<string, never>>): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string') {
    // Strings live in JS arrays, not on the heap: a fresh tensor, as upstream does.
    return tf.tensor((backend as BackendWasm).readSync(x.dataId) as Uint8Array[], x.shape, 'string');
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

let upstreamCast: tf.KernelConfig | undefined;

function cast(args: WasmKernelArgs<{ x: tf.TensorInfo }, { dtype: tf.DataType }>): tf.TensorInfo {
  const { x } = args.inputs;
  const { backend } = args;
  if (x.dtype === args.attrs.dtype && x.dtype !== 'string') return identity({ inputs: { x }, backend, attrs: {} });
  if (args.attrs.dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
    // Upstream copies the numbers into the bytes (2 stays 2, -1 becomes 255); bool is x != 0, as on cpu.
    const out = backend.makeOutput([...x.shape], 'bool');
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
    return out;
  }
  if (!upstreamCast) throw new Error('Cast (dlgrade wasm kernel): upstream Cast was not found at install');
  return upstreamCast.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

export const identityKernels: KernelFamily = {
  name: 'Identity and same-dtype Cast (share data instead of copying)',
  install: () => {
    registerWasmKernel(tf.Identity, identity);
    upstreamCast ??= tf.getKernel(tf.Cast, 'wasm');
    registerWasmKernel(tf.Cast, cast);
  },
};
