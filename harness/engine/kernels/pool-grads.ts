// MaxPoolGrad and AvgPoolGrad for wasm, replacing upstream's.
// - Upstream's MaxPoolGrad is wrong: it starts each window's running max at FLT_MIN (the smallest POSITIVE
//   float) instead of -inf and compares with >=, so a window whose values are all <= 0 (common after ReLU)
//   sends its gradient to a wrong pixel, and ties go to the last maximum. Here, as in the cpu backend and
//   PyTorch, the gradient goes to the first maximum of the window; NaN-only windows pass none.
// - Both upstream kernels are also 10-40x slower than their forward pooling; these loops keep channels
//   innermost (contiguous in NHWC).
// AvgPoolGrad divides by the full window size, as the cpu backend and upstream wasm do (so engines agree),
// even where tfjs's forward avgPool with 'same' padding divides by the in-image count instead.
import * as tf from '@tensorflow/tfjs';
import { addWasmKernels } from './index.ts';
import type { ConvInfo } from './im2col.ts';
import { alloc, expectShape, f32, registerWasmKernel, type WasmKernelArgs } from './wasm-heap.ts';

/** dx for max pooling: each window's dy goes to the first position holding the window's maximum. */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, c: ConvInfo, dx: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { effectiveFilterHeight: KH, effectiveFilterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const pt = c.padInfo.top;
  const pl = c.padInfo.left;
  const best = new Float64Array(C);
  const pos = new Int32Array(C);
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        best.fill(-Infinity);
        pos.fill(-1);
        for (let kh = 0; kh < KH; kh += dh) {
          const ih = oh * sh + kh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw += dw) {
            const iw = ow * sw + kw - pl;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((b * H + ih) * W + iw) * C;
            for (let ch = 0; ch < C; ch++) {
              const v = x[xOff + ch];
              if (v > best[ch]) {
                best[ch] = v;
                pos[ch] = xOff + ch;
              }
            }
          }
        }
        const dyOff = ((b * OH + oh) * OW + ow) * C;
        for (let ch = 0; ch < C; ch++) if (pos[ch] >= 0) dx[pos[ch]] += dy[dyOff + ch];
      }
    }
  }
}

/** dx for average pooling: each window's dy spread evenly over the window's in-image positions, / (KH*KW). */
export function avgPoolBackprop(dy: Float32Array, c: ConvInfo, dx: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { effectiveFilterHeight: KH, effectiveFilterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const pt = c.padInfo.top;
  const pl = c.padInfo.left;
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyOff = ((b * OH + oh) * OW + ow) * C;
        for (let kh = 0; kh < KH; kh += dh) {
          const ih = oh * sh + kh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw += dw) {
            const iw = ow * sw + kw - pl;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((b * H + ih) * W + iw) * C;
            for (let ch = 0; ch < C; ch++) dx[xOff + ch] += dy[dyOff + ch];
          }
        }
      }
    }
  }
  // Sum first, scale once: the cpu backend's order of operations.
  const scale = 1 / (c.filterHeight * c.filterWidth);
  for (let i = 0; i < dx.length; i++) dx[i] *= scale;
}

function maxPoolGrad(args: WasmKernelArgs<tf.MaxPoolGradInputs, tf.MaxPoolGradAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const c = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  expectShape('MaxPoolGrad', 'dy', dy.shape, c.outShape);
  const dx = alloc(backend, input.shape);
  maxPoolBackprop(f32(backend, input, 'MaxPoolGrad input'), f32(backend, dy, 'MaxPoolGrad dy'), c, f32(backend, dx, 'MaxPoolGrad output'));
  return dx;
}

function avgPoolGrad(args: WasmKernelArgs<tf.AvgPoolGradInputs, tf.AvgPoolGradAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad } = attrs;
  const c = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
  expectShape('AvgPoolGrad', 'dy', dy.shape, c.outShape);
  const dx = alloc(backend, input.shape);
  avgPoolBackprop(f32(backend, dy, 'AvgPoolGrad dy'), c, f32(backend, dx, 'AvgPoolGrad output'));
  return dx;
}

addWasmKernels('MaxPoolGrad, AvgPoolGrad (fixed and faster)', () => {
  registerWasmKernel(tf.MaxPoolGrad, maxPoolGrad);
  registerWasmKernel(tf.AvgPoolGrad, avgPoolGrad);
});
