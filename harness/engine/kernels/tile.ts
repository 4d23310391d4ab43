// Tile for wasm, replacing upstream's. tfjs-core's BatchNorm gradient tiles 1/sqrt(var + eps) from [1,1,1,C]
// to the full activation shape, and upstream's C++ Tile computes a multi-index per output element: about
// 40% of a ConvNet training step on wasm (tf.profile, batch 64). Here each input row is copied once and the
// repetitions are block copies (copyWithin, a native memmove), innermost dimension first.
import * as tf from '@tensorflow/tfjs';
import type { KernelFamily } from './kernel-family.ts';
import { registerWasmKernel, type BackendWasm, type WasmKernelArgs } from './wasm-heap.ts';

type Numeric = Float32Array | Int32Array | Uint8Array;

/** Below this many elements a JS loop beats a native copyWithin call. */
const SMALL_BLOCK = 16;

function repeatBlock(out: Numeric, start: number, block: number, times: number): void {
  if (block < SMALL_BLOCK) {
    for (let k = 1; k < times; k++) {
      const dst = start + k * block;
      for (let i = 0; i < block; i++) out[dst + i] = out[start + i];
    }
    return;
  }
  // Doubling: each copyWithin duplicates everything written so far.
  let filled = block;
  const total = block * times;
  while (filled < total) {
    const n = Math.min(filled, total - filled);
    out.copyWithin(start + filled, start, start + n);
    filled += n;
  }
}

/** out = tile(x, reps), both row-major; shape is x's shape. */
export function tileInto(x: Numeric, shape: readonly number[], reps: readonly number[], out: Numeric): void {
  const rank = shape.length;
  if (rank === 0) {
    out.set(x.subarray(0, 1));
    return;
  }
  const outShape = shape.map((s, i) => s * reps[i]);
  const inStride = new Array<number>(rank);
  const outStride = new Array<number>(rank);
  inStride[rank - 1] = 1;
  outStride[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) {
    inStride[d] = inStride[d + 1] * shape[d + 1];
    outStride[d] = outStride[d + 1] * outShape[d + 1];
  }
  // Writes the tile of x's sub-tensor at inOffset (dims d..) at outOffset: its first copy, then repeats.
  const fill = (d: number, inOffset: number, outOffset: number): void => {
    if (d === rank - 1) {
      out.set(x.subarray(inOffset, inOffset + shape[d]), outOffset);
    } else {
      for (let i = 0; i < shape[d]; i++) fill(d + 1, inOffset + i * inStride[d], outOffset + i * outStride[d]);
    }
    repeatBlock(out, outOffset, shape[d] * outStride[d], reps[d]);
  };
  if (outShape.some((s) => s === 0)) return;
  fill(0, 0, 0);
}

let upstream: tf.KernelConfig | undefined;

function tile(args: WasmKernelArgs<tf.TileInputs, tf.TileAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype === 'string' || x.dtype === 'complex64') {
    if (!upstream) throw new Error(`Tile (dlgrade wasm kernel): dtype ${x.dtype} is not supported`);
    return upstream.kernelFunc({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  }
  const { reps } = attrs;
  if (reps.length !== x.shape.length) {
    throw new Error(`Tile (dlgrade wasm kernel): reps [${reps}] must have one entry per dimension of x [${x.shape}]`);
  }
  const outShape = x.shape.map((s, i) => s * reps[i]);
  const out = (backend as BackendWasm).makeOutput(outShape, x.dtype);
  // Views taken after the allocation (a heap growth would detach earlier ones).
  tileInto(backend.typedArrayFromHeap(x) as Numeric, x.shape, reps, backend.typedArrayFromHeap(out) as Numeric);
  return out;
}

export const tileKernels: KernelFamily = {
  name: 'Tile (block copies)',
  install: () => {
    upstream = tf.getKernel(tf.Tile, 'wasm');
    registerWasmKernel(tf.Tile, tile);
  },
};
