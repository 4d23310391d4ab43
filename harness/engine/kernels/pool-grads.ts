// MaxPoolGrad and AvgPoolGrad for wasm, replacing upstream's.
// - Upstream's MaxPoolGrad is wrong: it starts each window's running max at FLT_MIN (the smallest POSITIVE
//   float) instead of -inf and compares with >=, so a window whose values are all <= 0 (common after ReLU)
//   sends its gradient to a wrong pixel, and ties go to the last maximum. Here, as in the cpu backend and
//   PyTorch, the gradient goes to the first maximum of the window; NaN-only windows pass none. In SIMD C
//   (kernels.c maxpool_grad_nhwc) when our module loads, else in JS (maxPoolBackprop).
// - Both upstream kernels are also 10-40x slower than their forward pooling; these loops keep channels
//   innermost (contiguous in NHWC); 3-5x faster than upstream's.
// AvgPoolGrad divides by the full window size, as the cpu backend and upstream wasm do (so engines agree),
// even where tfjs's forward avgPool with 'same' padding divides by the in-image count instead.
import * as tf from '@tensorflow/tfjs';
import { simdKernels } from '../wasm-simd/simd.ts';
import { heapOffset, parallelParts, threadsFor } from './gemm.ts';
import type { KernelFamily } from './kernel-family.ts';
import type { ConvInfo } from './im2col.ts';
import { alloc, expectShape, f32, registerWasmKernel, type WasmKernelArgs } from './wasm-heap.ts';

/** Which implementation runs; mutable so tests exercise the JS one (taken where SIMD cannot load). */
export const poolGradPaths = { simd: true };

/** dx for max pooling: each window's dy goes to the first position holding the window's maximum. */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, c: ConvInfo, dx: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { effectiveFilterHeight: KH, effectiveFilterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const pt = c.padInfo.top;
  const pl = c.padInfo.left;
  // The window's in-image taps (offsets of their channel 0), in PyTorch's and the cpu backend's scan order;
  // the running max and its position then stay in locals (2x faster than per-channel arrays).
  const taps = new Int32Array(KH * KW);
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let n = 0;
        for (let kh = 0; kh < KH; kh += dh) {
          const ih = oh * sh + kh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw += dw) {
            const iw = ow * sw + kw - pl;
            if (iw >= 0 && iw < W) taps[n++] = ((b * H + ih) * W + iw) * C;
          }
        }
        const dyOff = ((b * OH + oh) * OW + ow) * C;
        if (n === 4) {
          // Full 2x2 window (MaxPool2d(2)), unrolled: twice as fast as the loop below.
          const t0 = taps[0];
          const t1 = taps[1];
          const t2 = taps[2];
          const t3 = taps[3];
          for (let ch = 0; ch < C; ch++) {
            let best = -Infinity;
            let pos = -1;
            let v = x[t0 + ch];
            if (v > best) [best, pos] = [v, t0 + ch];
            v = x[t1 + ch];
            if (v > best) [best, pos] = [v, t1 + ch];
            v = x[t2 + ch];
            if (v > best) [best, pos] = [v, t2 + ch];
            v = x[t3 + ch];
            if (v > best) [best, pos] = [v, t3 + ch];
            if (pos >= 0) dx[pos] += dy[dyOff + ch];
          }
          continue;
        }
        for (let ch = 0; ch < C; ch++) {
          let best = -Infinity;
          let pos = -1;
          for (let t = 0; t < n; t++) {
            const v = x[taps[t] + ch];
            if (v > best) {
              best = v;
              pos = taps[t] + ch;
            }
          }
          if (pos >= 0) dx[pos] += dy[dyOff + ch];
        }
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
  const scale = 1 / (c.filterHeight * c.filterWidth);
  // Scaling each term rather than each sum is exact for non-overlapping windows and within float32 rounding
  // of the cpu backend's sum-then-scale otherwise; it saves a pass over dx.
  const scaled = new Float32Array(C);
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyOff = ((b * OH + oh) * OW + ow) * C;
        for (let ch = 0; ch < C; ch++) scaled[ch] = dy[dyOff + ch] * scale;
        for (let kh = 0; kh < KH; kh += dh) {
          const ih = oh * sh + kh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw += dw) {
            const iw = ow * sw + kw - pl;
            if (iw < 0 || iw >= W) continue;
            const xOff = ((b * H + ih) * W + iw) * C;
            for (let ch = 0; ch < C; ch++) dx[xOff + ch] += scaled[ch];
          }
        }
      }
    }
  }
}

function maxPoolGrad(args: WasmKernelArgs<tf.MaxPoolGradInputs, tf.MaxPoolGradAttrs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const c = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  expectShape('MaxPoolGrad', 'dy', dy.shape, c.outShape);
  const dx = alloc(backend, input.shape);
  const simd = poolGradPaths.simd ? simdKernels(backend) : undefined;
  if (simd && input.dtype === 'float32' && dy.dtype === 'float32') {
    // Same rule in SIMD C (../wasm-simd/kernels.c), images split between threads.
    const geo = [
      c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.effectiveFilterHeight, c.effectiveFilterWidth,
      c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left,
    ];
    const ptrs = [heapOffset(backend, input, 'MaxPoolGrad input'), heapOffset(backend, dy, 'MaxPoolGrad dy'), heapOffset(backend, dx, 'MaxPoolGrad output')];
    const parts = threadsFor(backend, c.batchSize);
    const step = Math.ceil(c.batchSize / parts);
    const jobs: number[][] = [];
    for (let s = 0; s < c.batchSize; s += step) jobs.push([...ptrs, ...geo, s, Math.min(c.batchSize, s + step)]);
    parallelParts(backend, simd, 'maxpool_grad_nhwc', jobs);
    return dx;
  }
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

export const poolGradKernels: KernelFamily = {
  name: 'MaxPoolGrad, AvgPoolGrad (fixed and faster)',
  install: () => {
    registerWasmKernel(tf.MaxPoolGrad, maxPoolGrad);
    registerWasmKernel(tf.AvgPoolGrad, avgPoolGrad);
  },
};
