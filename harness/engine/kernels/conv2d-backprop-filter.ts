// Conv2DBackpropFilter for wasm: tfjs-backend-wasm 4.22 has no such kernel, so tf.layers.conv2d cannot train
// there (open upstream bug). With our SIMD kernels (the default): im2col + one GEMM reading it transposed
// (conv2d-simd.ts). Without them: dW[KH*KW*CI, CO] = colsT[KH*KW*CI, M] @ dy[M, CO], M = batch*OH*OW: one transposed
// im2col written in JS (for stride 1, on the padded grid: one contiguous copy per row), then one XNNPACK GEMM
// with no transpose flag (the fast wasm path).
import * as tf from '@tensorflow/tfjs';
import { simdKernels } from '../wasm-simd/simd.ts';
import { convBackpropFilterSimd } from './conv2d-simd.ts';
import type { KernelFamily } from './kernel-family.ts';
import { colsLimit, dyOnGrid, im2colT, im2colTGrid, paddedGrid, type ConvInfo } from './im2col.ts';
import { alloc, f32, free, matMul, registerWasmKernel, requireNHWC, view, expectShape, type BackendWasm, type WasmKernelArgs } from './wasm-heap.ts';

/** tfjs's attributes, plus dilations, which tfjs never sends (its conv2d gradient refuses dilation) but we honour. */
export type Conv2DBackpropFilterWasmAttrs = tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };

/**
 * The padded-grid layout multiplies the GEMM (and XNNPACK's packing of dy, ~4.5 ns per float, the largest
 * cost here) by (Hp*Wp)/(OH*OW); past this ratio the per-element gather of im2colT is cheaper (measured on
 * the bench ConvNet, batch 64, 3x3: 32x32 (ratio 1.13) and 16x16 (1.27) gain ~2 ms, 8x8 (1.56) breaks even).
 */
const MAX_GRID_WASTE = 1.35;

/** Which algorithms may run; mutable so tests (and benchmarks) can force either path on stride 1. */
export const backpropFilterPaths = { simd: true, grid: true, maxGridWaste: MAX_GRID_WASTE };

/** Whether the stride-1 padded-grid layout (contiguous row copies instead of a gather) applies. */
export function usesGrid(c: ConvInfo): boolean {
  if (!backpropFilterPaths.grid || c.strideHeight !== 1 || c.strideWidth !== 1) return false;
  const { Hp, Wp } = paddedGrid(c, 0, 1);
  return Hp * Wp <= backpropFilterPaths.maxGridWaste * c.outHeight * c.outWidth;
}

/** dW for convolution geometry c, x [B, H, W, CI] and dy [B, OH, OW, CO]; returns [KH, KW, CI, CO]. */
export function conv2dBackpropFilterImpl(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, c: ConvInfo): tf.TensorInfo {
  const { batchSize: B, outHeight: OH, outWidth: OW, outChannels: CO } = c;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const filterShape = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
  expectShape('Conv2DBackpropFilter', 'x', x.shape, c.inShape);
  expectShape('Conv2DBackpropFilter', 'dy', dy.shape, c.outShape);
  const simd = backpropFilterPaths.simd ? simdKernels(backend) : undefined;
  if (simd) return convBackpropFilterSimd(backend, simd, x, dy, c);
  if (B * OH * OW === 0 || K * CO === 0) {
    const out = alloc(backend, filterShape);
    f32(backend, out, 'Conv2DBackpropFilter output').fill(0);
    return out;
  }
  const grid = usesGrid(c);
  const perImage = grid ? paddedGrid(c, 0, 1).Hp * paddedGrid(c, 0, 1).Wp : OH * OW;
  const chunk = Math.max(1, Math.min(B, Math.floor(colsLimit.floats / Math.max(1, K * perImage))));
  let result: tf.TensorInfo | undefined;
  for (let b0 = 0; b0 < B; b0 += chunk) {
    const b1 = Math.min(B, b0 + chunk);
    const M = grid ? paddedGrid(c, b0, b1).N : (b1 - b0) * OH * OW;
    const cols = alloc(backend, [K, M]);
    // dy rows in the order of the columns: spread on the grid, a row range of dy[B*OH*OW, CO], or dy itself.
    const dyRows = !grid && b1 - b0 === B ? dy : alloc(backend, [M, CO]);
    const dyAll = f32(backend, dy, 'Conv2DBackpropFilter dy');
    if (grid) dyOnGrid(dyAll, c, b0, b1, f32(backend, dyRows, 'dy on grid'));
    else if (dyRows !== dy) f32(backend, dyRows, 'dy chunk').set(dyAll.subarray(b0 * OH * OW * CO, b1 * OH * OW * CO));
    const xs = f32(backend, x, 'Conv2DBackpropFilter x');
    if (grid) im2colTGrid(xs, c, b0, b1, f32(backend, cols, 'im2col'));
    else im2colT(xs, c, b0, b1, f32(backend, cols, 'im2col'));
    const part = matMul(backend, cols, dyRows, K, M, CO);
    free(backend, cols);
    if (dyRows !== dy) free(backend, dyRows);
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

export const conv2DBackpropFilterKernels: KernelFamily = {
  name: 'Conv2DBackpropFilter (im2col + GEMM)',
  install: () => registerWasmKernel(tf.Conv2DBackpropFilter, conv2DBackpropFilter),
};
