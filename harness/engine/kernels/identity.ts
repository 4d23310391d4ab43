// Identity for wasm without a copy. tfjs's tape clones every tensor it saves for the backward pass through
// the Identity kernel, and upstream's wasm Identity copies the data: every weight matrix was copied once per
// training step (12 MB for the bench FC's first layer). Tensors are immutable, so the clone can share the
// data and bump its reference count, as the cpu backend and the wasm Reshape kernel already do.
import * as tf from '@tensorflow/tfjs';
import { addWasmKernels } from './index.ts';
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

addWasmKernels('Identity (shares data instead of copying)', () => registerWasmKernel(tf.Identity, identity));
