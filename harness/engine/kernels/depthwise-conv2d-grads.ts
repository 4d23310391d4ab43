// DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput for wasm: missing in
// tfjs-backend-wasm 4.22, so depthwiseConv2d / separableConv2d layers cannot train there. Depthwise work is
// small (KH*KW*channel_multiplier multiply-adds per output), so these are direct JS loops over the heap, with
// channels innermost (contiguous in NHWC) and float64 accumulators.
import * as tf from '@tensorflow/tfjs';
import type { KernelFamily } from './kernel-family.ts';
import type { ConvInfo } from './im2col.ts';
import { alloc, expectShape, f32, registerWasmKernel, type WasmKernelArgs } from './wasm-heap.ts';

function geometry(c: ConvInfo) {
  return {
    B: c.batchSize, H: c.inHeight, W: c.inWidth, CI: c.inChannels, OH: c.outHeight, OW: c.outWidth, CO: c.outChannels,
    CM: c.outChannels / c.inChannels, KH: c.filterHeight, KW: c.filterWidth, sh: c.strideHeight, sw: c.strideWidth,
    dh: c.dilationHeight, dw: c.dilationWidth, pt: c.padInfo.top, pl: c.padInfo.left,
  };
}

/** dW[kh, kw, ci, q] = sum over b, oh, ow of x[b, ih, iw, ci] * dy[b, oh, ow, ci*CM + q]. */
export function depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, c: ConvInfo, out: Float32Array): void {
  const { B, H, W, CI, OH, OW, CO, CM, KH, KW, sh, sw, dh, dw, pt, pl } = geometry(c);
  const acc = new Float64Array(KH * KW * CO);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh * dh - pt;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const dyOff = ((b * OH + oh) * OW + ow) * CO;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((b * H + ih) * W + iw) * CI;
            const aOff = (kh * KW + kw) * CO;
            if (CM === 1) {
              for (let ci = 0; ci < CI; ci++) acc[aOff + ci] += x[xOff + ci] * dy[dyOff + ci];
            } else {
              for (let ci = 0; ci < CI; ci++) {
                const xv = x[xOff + ci];
                const o = ci * CM;
                for (let q = 0; q < CM; q++) acc[aOff + o + q] += xv * dy[dyOff + o + q];
              }
            }
          }
        }
      }
    }
  }
  out.set(acc);
}

/** dx[b, ih, iw, ci] = sum over windows covering it of sum_q dy[b, oh, ow, ci*CM + q] * w[kh, kw, ci, q]. */
export function depthwiseBackpropInput(dy: Float32Array, w: Float32Array, c: ConvInfo, out: Float32Array): void {
  const { B, H, W, CI, OH, OW, CO, CM, KH, KW, sh, sw, dh, dw, pt, pl } = geometry(c);
  const acc = new Float64Array(B * H * W * CI);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyOff = ((b * OH + oh) * OW + ow) * CO;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh * dh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((b * H + ih) * W + iw) * CI;
            const wOff = (kh * KW + kw) * CO;
            if (CM === 1) {
              for (let ci = 0; ci < CI; ci++) acc[xOff + ci] += dy[dyOff + ci] * w[wOff + ci];
            } else {
              for (let ci = 0; ci < CI; ci++) {
                const o = ci * CM;
                let s = 0;
                for (let q = 0; q < CM; q++) s += dy[dyOff + o + q] * w[wOff + o + q];
                acc[xOff + ci] += s;
              }
            }
          }
        }
      }
    }
  }
  out.set(acc);
}

function backpropFilter(args: WasmKernelArgs<tf.DepthwiseConv2dNativeBackpropFilterInputs, tf.DepthwiseConv2dNativeBackpropFilterAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
  const c = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
  expectShape('DepthwiseConv2dNativeBackpropFilter', 'dy', dy.shape, c.outShape);
  const out = alloc(backend, filterShape);
  const name = 'DepthwiseConv2dNativeBackpropFilter';
  depthwiseBackpropFilter(f32(backend, x, `${name} x`), f32(backend, dy, `${name} dy`), c, f32(backend, out, `${name} output`));
  return out;
}

function backpropInput(args: WasmKernelArgs<tf.DepthwiseConv2dNativeBackpropInputInputs, tf.DepthwiseConv2dNativeBackpropInputAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
  const c = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true);
  expectShape('DepthwiseConv2dNativeBackpropInput', 'dy', dy.shape, c.outShape);
  const out = alloc(backend, inputShape);
  const name = 'DepthwiseConv2dNativeBackpropInput';
  depthwiseBackpropInput(f32(backend, dy, `${name} dy`), f32(backend, filter, `${name} filter`), c, f32(backend, out, `${name} output`));
  return out;
}

export const depthwiseConv2dGradKernels: KernelFamily = {
  name: 'DepthwiseConv2dNative gradients (filter, input)',
  install: () => {
    registerWasmKernel(tf.DepthwiseConv2dNativeBackpropFilter, backpropFilter);
    registerWasmKernel(tf.DepthwiseConv2dNativeBackpropInput, backpropInput);
  },
};
