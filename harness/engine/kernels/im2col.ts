// im2col and its adjoint col2im for NHWC convolutions, on plain Float32Arrays (the wasm heap views), so the
// convolution gradients become one large matrix product each. Geometry is tfjs's own Conv2DInfo (padding,
// strides, dilations already resolved by backend_util.computeConv2DInfo).
import type * as tf from '@tensorflow/tfjs';

export type ConvInfo = tf.backend_util.Conv2DInfo;

/**
 * Largest im2col buffer, in floats (default 32 MB); bigger problems run in batch chunks whose products are
 * summed. Mutable so tests can force the chunked path on small shapes.
 */
export const colsLimit = { floats: 1 << 23 };

/** Output columns ow in [lo, hi) whose input column ow*sw + kw*dw - padLeft lies inside the image. */
function validRange(out: number, inSize: number, stride: number, offset: number): [number, number] {
  // offset = k*dilation - pad; valid when 0 <= o*stride + offset < inSize
  const lo = Math.min(out, Math.max(0, Math.ceil(-offset / stride)));
  const hi = Math.min(out, Math.floor((inSize - 1 - offset) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Transposed im2col of images [b0, b1): cols[k, m] with k = (kh*KW + kw)*CI + ci (the row order of a
 * [KH, KW, CI, CO] filter) and m = ((b - b0)*OH + oh)*OW + ow (the row order of dy). Zero where the window
 * reads padding. Writes (b1 - b0)*OH*OW*KH*KW*CI values into cols.
 */
export function im2colT(x: Float32Array, c: ConvInfo, b0: number, b1: number, cols: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = c;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const pt = c.padInfo.top;
  const pl = c.padInfo.left;
  const M = (b1 - b0) * OH * OW;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const [lo, hi] = validRange(OW, W, sw, kw * dw - pl);
      const colOffset = kw * dw - pl;
      for (let ci = 0; ci < CI; ci++) {
        let o = ((kh * KW + kw) * CI + ci) * M;
        for (let b = b0; b < b1; b++) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh * dh - pt;
            if (ih < 0 || ih >= H) {
              cols.fill(0, o, o + OW);
              o += OW;
              continue;
            }
            const rowBase = (b * H + ih) * W * CI + ci;
            let ow = 0;
            for (; ow < lo; ow++) cols[o++] = 0;
            let src = rowBase + (lo * sw + colOffset) * CI;
            const step = sw * CI;
            for (; ow < hi; ow++, src += step) cols[o++] = x[src];
            for (; ow < OW; ow++) cols[o++] = 0;
          }
        }
      }
    }
  }
}

/**
 * Adjoint of im2col for images [b0, b1): dx[b, ih, iw, ci] += dcols[m, k] with m and k as in im2colT but
 * dcols row-major [M, K] (the output of dy[M, CO] @ W^T[CO, K]). dx must be zeroed by the caller.
 */
export function col2imAdd(dcols: Float32Array, c: ConvInfo, b0: number, b1: number, dx: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = c;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const pt = c.padInfo.top;
  const pl = c.padInfo.left;
  const K = KH * KW * CI;
  let m = 0;
  for (let b = b0; b < b1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, m++) {
        const rowBase = m * K;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh * dh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const src = rowBase + (kh * KW + kw) * CI;
            const dst = ((b * H + ih) * W + iw) * CI;
            for (let ci = 0; ci < CI; ci++) dx[dst + ci] += dcols[src + ci];
          }
        }
      }
    }
  }
}
