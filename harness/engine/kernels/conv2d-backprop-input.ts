// Conv2DBackpropInput for wasm, replacing upstream's: upstream's is a naive C++ loop, 5-8x slower than the
// forward convolution on the bench ConvNet's layers. dcols[M, KH*KW*CI] = dy[M, CO] @ W^T[CO, KH*KW*CI] (one
// XNNPACK GEMM with no transpose flag; W^T is a small physical transpose of the filter), then col2im.
import * as tf from '@tensorflow/tfjs';
import { addWasmKernels } from './index.ts';
import { col2imAdd, colsLimit, type ConvInfo } from './im2col.ts';
import { alloc, f32, free, matMul, registerWasmKernel, requireNHWC, expectShape, type BackendWasm, type WasmKernelArgs } from './wasm-heap.ts';

/** tfjs's attributes, plus dilations, which tfjs never sends (its conv2d gradient refuses dilation) but we honour. */
export type Conv2DBackpropInputWasmAttrs = tf.Conv2DBackpropInputAttrs & { dilations?: number | [number, number] };

/** dx [B, H, W, CI] for convolution geometry c, dy [B, OH, OW, CO] and filter [KH, KW, CI, CO]. */
export function conv2dBackpropInputImpl(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, c: ConvInfo): tf.TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = c;
  const K = c.filterHeight * c.filterWidth * CI;
  const perImage = OH * OW;
  expectShape('Conv2DBackpropInput', 'dy', dy.shape, c.outShape);
  const dx = alloc(backend, [B, H, W, CI]);
  f32(backend, dx, 'Conv2DBackpropInput output').fill(0);
  if (B * perImage === 0 || K * CO === 0) return dx;

  // W^T[CO, K] from filter[K, CO]: small (K*CO floats), so a plain JS transpose.
  const wt = alloc(backend, [CO, K]);
  {
    const w = f32(backend, filter, 'Conv2DBackpropInput filter');
    const t = f32(backend, wt, 'W^T');
    for (let k = 0; k < K; k++) for (let o = 0; o < CO; o++) t[o * K + k] = w[k * CO + o];
  }
  const chunk = Math.max(1, Math.min(B, Math.floor(colsLimit.floats / Math.max(1, K * perImage))));
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const b1 = Math.min(B, b0 + chunk);
    const M = (b1 - b0) * perImage;
    const dyChunk = b1 - b0 === B ? dy : alloc(backend, [M, CO]);
    if (dyChunk !== dy) {
      f32(backend, dyChunk, 'dy chunk').set(f32(backend, dy, 'Conv2DBackpropInput dy').subarray(b0 * perImage * CO, b1 * perImage * CO));
    }
    const dcols = matMul(backend, dyChunk, wt, M, CO, K);
    if (dyChunk !== dy) free(backend, dyChunk);
    col2imAdd(f32(backend, dcols, 'dcols'), c, b0, b1, f32(backend, dx, 'dx'));
    free(backend, dcols);
  }
  free(backend, wt);
  return dx;
}

function conv2DBackpropInput(args: WasmKernelArgs<tf.Conv2DBackpropInputInputs, Conv2DBackpropInputWasmAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape, dilations } = attrs;
  requireNHWC('Conv2DBackpropInput', dataFormat);
  const c = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, dilations ?? 1, pad, dimRoundingMode, false, 'channelsLast');
  return conv2dBackpropInputImpl(backend, dy, filter, c);
}

addWasmKernels('Conv2DBackpropInput (GEMM + col2im)', () => registerWasmKernel(tf.Conv2DBackpropInput, conv2DBackpropInput));
