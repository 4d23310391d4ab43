// Conv2DBackpropFilter for wasm: tfjs-backend-wasm 4.22 has no such kernel, so tf.layers.conv2d cannot train
// there (open upstream bug). dW[KH*KW*CI, CO] = colsT[KH*KW*CI, M] @ dy[M, CO], M = batch*OH*OW: one transposed
// im2col written in JS, then one XNNPACK GEMM with no transpose flag (the fast wasm path).
import * as tf from '@tensorflow/tfjs';
import { addWasmKernels } from './index.ts';
import { colsLimit, im2colT, type ConvInfo } from './im2col.ts';
import { alloc, f32, free, matMul, registerWasmKernel, requireNHWC, view, expectShape, type BackendWasm, type WasmKernelArgs } from './wasm-heap.ts';

/** tfjs's attributes, plus dilations, which tfjs never sends (its conv2d gradient refuses dilation) but we honour. */
export type Conv2DBackpropFilterWasmAttrs = tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };

/** dW for convolution geometry c, x [B, H, W, CI] and dy [B, OH, OW, CO]; returns [KH, KW, CI, CO]. */
export function conv2dBackpropFilterImpl(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, c: ConvInfo): tf.TensorInfo {
  const { batchSize: B, outHeight: OH, outWidth: OW, outChannels: CO } = c;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const perImage = OH * OW;
  const chunk = Math.max(1, Math.min(B, Math.floor(colsLimit.floats / Math.max(1, K * perImage))));
  const filterShape = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
  expectShape('Conv2DBackpropFilter', 'x', x.shape, c.inShape);
  expectShape('Conv2DBackpropFilter', 'dy', dy.shape, c.outShape);
  if (B * perImage === 0 || K * CO === 0) {
    const out = alloc(backend, filterShape);
    f32(backend, out, 'Conv2DBackpropFilter output').fill(0);
    return out;
  }
  let result: tf.TensorInfo | undefined;
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const b1 = Math.min(B, b0 + chunk);
    const M = (b1 - b0) * perImage;
    const cols = alloc(backend, [K, M]);
    // A chunk of dy is a row range of dy[B*OH*OW, CO]; the whole batch uses dy as it is.
    const dyChunk = b1 - b0 === B ? dy : alloc(backend, [M, CO]);
    if (dyChunk !== dy) {
      f32(backend, dyChunk, 'dy chunk').set(f32(backend, dy, 'Conv2DBackpropFilter dy').subarray(b0 * perImage * CO, b1 * perImage * CO));
    }
    im2colT(f32(backend, x, 'Conv2DBackpropFilter x'), c, b0, b1, f32(backend, cols, 'im2col'));
    const part = matMul(backend, cols, dyChunk, K, M, CO);
    free(backend, cols);
    if (dyChunk !== dy) free(backend, dyChunk);
    if (!result) {
      result = part;
    } else {
      const acc = f32(backend, result, 'dW');
      const add = f32(backend, part, 'dW part');
      for (let i = 0; i < acc.length; i++) acc[i] += add[i];
      free(backend, part);
    }
  }
  return view(result as tf.TensorInfo, filterShape);
}

function conv2DBackpropFilter(args: WasmKernelArgs<tf.Conv2DBackpropFilterInputs, Conv2DBackpropFilterWasmAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape, dilations } = attrs;
  requireNHWC('Conv2DBackpropFilter', dataFormat);
  const c = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations ?? 1, pad, dimRoundingMode, false, 'channelsLast');
  return conv2dBackpropFilterImpl(backend, x, dy, c);
}

addWasmKernels('Conv2DBackpropFilter (im2col + GEMM)', () => registerWasmKernel(tf.Conv2DBackpropFilter, conv2DBackpropFilter));
