// Conv2DBackpropInput for wasm, replacing upstream's: upstream's is a naive C++ loop, 9-17x slower than the
// forward convolution on the bench ConvNet's layers, and ignores dilation.
// - With our SIMD kernels (the default): GEMM + col2im on them (conv2d-simd.ts). Without them:
// - Stride 1: dx is the forward convolution of dy with the filter rotated 180 degrees and its channel axes
//   swapped, padded by (k-1)*d - pad on each side: upstream's XNNPACK Conv2D does it at forward speed.
// - Otherwise: dcols[M, KH*KW*CI] = dy[M, CO] @ W^T[CO, KH*KW*CI] (one XNNPACK GEMM with no transpose flag;
//   W^T is a small physical transpose of the filter), then col2im.
import * as tf from '@tensorflow/tfjs';
import { simdKernels } from '../wasm-simd/simd.ts';
import { convBackpropInputSimd } from './conv2d-simd.ts';
import type { KernelFamily } from './kernel-family.ts';
import { col2imAdd, colsLimit, type ConvInfo } from './im2col.ts';
import { alloc, f32, free, matMul, registerWasmKernel, requireNHWC, expectShape, type BackendWasm, type WasmKernelArgs } from './wasm-heap.ts';

/** tfjs's attributes, plus dilations, which tfjs never sends (its conv2d gradient refuses dilation) but we honour. */
export type Conv2DBackpropInputWasmAttrs = tf.Conv2DBackpropInputAttrs & { dilations?: number | [number, number] };

/** Which algorithms may run; mutable so tests (and benchmarks) can exercise the fallbacks. */
export const backpropInputPaths = { simd: true, forwardConv: true };

/** Padding of the stride-1 transposed convolution, or undefined when a side would be negative. */
function transposedPadding(c: ConvInfo): tf.backend_util.ExplicitPadding | undefined {
  if (!backpropInputPaths.forwardConv || c.strideHeight !== 1 || c.strideWidth !== 1) return undefined;
  const eh = (c.filterHeight - 1) * c.dilationHeight;
  const ew = (c.filterWidth - 1) * c.dilationWidth;
  const p = c.padInfo;
  const pads = [eh - p.top, eh - p.bottom, ew - p.left, ew - p.right];
  if (pads.some((v) => v < 0)) return undefined;
  // The result must be exactly the input's size (stride 1 has no rounding, but guard the geometry anyway).
  if (c.outHeight + pads[0] + pads[1] - eh !== c.inHeight || c.outWidth + pads[2] + pads[3] - ew !== c.inWidth) return undefined;
  return [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]];
}

/** Stride 1: dx = conv2d(dy, rot180(W) with in/out channels swapped), on upstream's XNNPACK kernel. */
function viaForwardConv(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, c: ConvInfo, pad: tf.backend_util.ExplicitPadding): tf.TensorInfo {
  const { filterHeight: KH, filterWidth: KW, inChannels: CI, outChannels: CO } = c;
  const conv = tf.getKernel('Conv2D', 'wasm');
  if (!conv) throw new Error('Conv2D is not registered for wasm: is @tensorflow/tfjs-backend-wasm imported?');
  const rot = alloc(backend, [KH, KW, CO, CI]);
  {
    const w = f32(backend, filter, 'Conv2DBackpropInput filter');
    const r = f32(backend, rot, 'rotated filter');
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const src = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * CI * CO;
        const dst = (kh * KW + kw) * CO * CI;
        for (let ci = 0; ci < CI; ci++) for (let co = 0; co < CO; co++) r[dst + co * CI + ci] = w[src + ci * CO + co];
      }
    }
  }
  const dx = conv.kernelFunc({
    inputs: { x: dy, filter: rot },
    backend,
    attrs: { strides: 1, pad, dataFormat: 'NHWC', dilations: [c.dilationHeight, c.dilationWidth] },
  }) as tf.TensorInfo;
  // Freeing the temporary filter also drops the XNNPACK operator cached on its id.
  free(backend, rot);
  expectShape('Conv2DBackpropInput', 'transposed convolution result', dx.shape, c.inShape);
  return dx;
}

/** dx [B, H, W, CI] for convolution geometry c, dy [B, OH, OW, CO] and filter [KH, KW, CI, CO]. */
export function conv2dBackpropInputImpl(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, c: ConvInfo): tf.TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = c;
  const K = c.filterHeight * c.filterWidth * CI;
  const perImage = OH * OW;
  expectShape('Conv2DBackpropInput', 'dy', dy.shape, c.outShape);
  const simd = backpropInputPaths.simd ? simdKernels(backend) : undefined;
  if (simd) return convBackpropInputSimd(backend, simd, dy, filter, c);
  const pad = B * perImage > 0 && K * CO > 0 ? transposedPadding(c) : undefined;
  if (pad) return viaForwardConv(backend, dy, filter, c, pad);
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

export const conv2DBackpropInputKernels: KernelFamily = {
  name: 'Conv2DBackpropInput (GEMM + col2im)',
  install: () => registerWasmKernel(tf.Conv2DBackpropInput, conv2DBackpropInput),
};
