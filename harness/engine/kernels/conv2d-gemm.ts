// Conv2D and FusedConv2D on wasm for filters that dwarf their output (ResNet's deep stages: 3x3x512x512
// weights for a 2x2 map). Upstream's XNNPACK convolution packs the filter whenever it sees a new one — every
// training step — at ~8 ns per float (measured: 24 ms for a [8,2,2,512] x [3,3,512,512] conv with a new
// filter, 3.7 ms with a cached one). Here such a conv is an im2col (../im2col.ts) and one product through our
// BatchMatMul, which transposes the filter rather than packing it (see matmul.ts). Used only when that plan
// wins and the filter is new; a filter seen before goes to upstream's cached operator, as do other shapes.
import * as tf from '@tensorflow/tfjs';
import { colsLimit, im2colT } from './im2col.ts';
import { addWasmKernels } from './index.ts';
import { applyBiasActivation, batchMatMulImpl, firstUseOfWeights, planProduct } from './matmul.ts';
import { f32, free, type BackendWasm } from './wasm-heap.ts';

interface ConvArgs {
  inputs: { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
  backend: BackendWasm;
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: string;
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    activation?: string;
    leakyreluAlpha?: number;
  };
}

/** The conv as im2col + GEMM when that is the cheaper plan for new weights; undefined otherwise. */
function viaGemm({ inputs, backend, attrs }: ConvArgs): tf.TensorInfo | undefined {
  const { x, filter, bias, preluActivationWeights } = inputs;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') return undefined;
  const c = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const M = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const N = c.outChannels;
  if (M * K * N === 0 || K * M > colsLimit.floats) return undefined;
  if (planProduct(M, K, N, true, false) !== 'flipped' || !firstUseOfWeights(backend, filter)) return undefined;
  const cols = backend.makeOutput([K, M], 'float32');
  try {
    im2colT(f32(backend, x, 'conv x'), c, 0, c.batchSize, f32(backend, cols, 'im2col'));
    // out[M, N] = cols^T [M, K] @ filter [K, N] (the filter's [KH, KW, CI, CO] layout is [K, N] row-major).
    const out = batchMatMulImpl(backend, cols, { dataId: filter.dataId, shape: [K, N], dtype: 'float32' }, true, false);
    const shaped = { dataId: out.dataId, shape: [c.batchSize, c.outHeight, c.outWidth, N], dtype: 'float32' as const };
    return applyBiasActivation(backend, shaped, bias, attrs.activation, preluActivationWeights, attrs.leakyreluAlpha);
  } finally {
    free(backend, cols);
  }
}

function wrap(upstream: tf.KernelConfig): tf.KernelFunc {
  return (args) => viaGemm(args as unknown as ConvArgs) ?? (upstream.kernelFunc(args) as tf.TensorInfo);
}

addWasmKernels('Conv2D/FusedConv2D with large new filters and small outputs (im2col + GEMM, no filter packing)', () => {
  for (const name of [tf.Conv2D, tf.FusedConv2D]) {
    const upstream = tf.getKernel(name, 'wasm');
    if (!upstream) continue;
    tf.unregisterKernel(name, 'wasm');
    // Upstream's setupFunc binds the C entry point its kernel (the fallback) calls.
    tf.registerKernel({ ...upstream, kernelFunc: wrap(upstream) });
  }
});
