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

/**
 * Stride-1 layout of the same product on the zero-padded grid: positions n = ((b - b0)*Hp + r)*Wp + q with
 * Hp = OH + (KH-1)*dh, Wp = OW + (KW-1)*dw. Row (kh, kw, ci) of the transposed im2col is then the padded
 * channel-ci plane shifted by kh*dh*Wp + kw*dw, so each row is one contiguous copy (no per-element gather);
 * dy is spread on the same grid with zeros where (r, q) is not an output position, which cancels the
 * wrapped-around windows. Costs (Hp*Wp)/(OH*OW) times more GEMM work than im2colT.
 */
export function paddedGrid(c: ConvInfo, b0: number, b1: number): { Hp: number; Wp: number; N: number } {
  const Hp = c.outHeight + (c.filterHeight - 1) * c.dilationHeight;
  const Wp = c.outWidth + (c.filterWidth - 1) * c.dilationWidth;
  // Last output position of the chunk, plus one: every row's shifted copy stays inside the padded planes.
  const N = ((b1 - b0 - 1) * Hp + c.outHeight - 1) * Wp + c.outWidth;
  return { Hp, Wp, N };
}

/** Transposed im2col on the padded grid (see paddedGrid): cols[k, n], k = (kh*KW + kw)*CI + ci. */
export function im2colTGrid(x: Float32Array, c: ConvInfo, b0: number, b1: number, cols: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: CI, filterHeight: KH, filterWidth: KW, dilationHeight: dh, dilationWidth: dw } = c;
  const pt = c.padInfo.top;
  const pl = c.padInfo.left;
  const { Hp, Wp, N } = paddedGrid(c, b0, b1);
  const T = (b1 - b0) * Hp * Wp;
  // Padded planes, channel-major: planes[ci*T + (b*Hp + r)*Wp + q] = x[b0 + b, r - pt, q - pl, ci].
  const planes = new Float32Array(CI * T);
  for (let b = b0; b < b1; b++) {
    for (let ih = 0; ih < H; ih++) {
      const r = ih + pt;
      if (r < 0 || r >= Hp) continue;
      const src = (b * H + ih) * W * CI;
      const dst = ((b - b0) * Hp + r) * Wp + pl;
      const iw0 = Math.max(0, -pl);
      const iw1 = Math.min(W, Wp - pl);
      for (let ci = 0; ci < CI; ci++) {
        const plane = ci * T + dst;
        for (let iw = iw0, s = src + iw0 * CI + ci; iw < iw1; iw++, s += CI) planes[plane + iw] = x[s];
      }
    }
  }
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const off = kh * dh * Wp + kw * dw;
      for (let ci = 0; ci < CI; ci++) {
        const start = ci * T + off;
        cols.set(planes.subarray(start, start + N), ((kh * KW + kw) * CI + ci) * N);
      }
    }
  }
}

/** dy of images [b0, b1) spread on the padded grid (see paddedGrid): out[n, co], zero off the outputs. */
export function dyOnGrid(dy: Float32Array, c: ConvInfo, b0: number, b1: number, out: Float32Array): void {
  const { outHeight: OH, outWidth: OW, outChannels: CO } = c;
  const { Hp, Wp, N } = paddedGrid(c, b0, b1);
  out.fill(0, 0, N * CO);
  for (let b = b0; b < b1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const src = ((b * OH + oh) * OW) * CO;
      out.set(dy.subarray(src, src + OW * CO), (((b - b0) * Hp + oh) * Wp) * CO);
    }
  }
}

/** The geometry arguments of im2col_nhwc / col2im_nhwc (../wasm-simd/kernels.c), in their order. */
export function geometryArgs(c: ConvInfo): number[] {
  return [
    c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.filterHeight, c.filterWidth,
    c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left,
  ];
}

/** A 1x1, stride-1, unpadded convolution: x [B*H*W, CI] is already its im2col. */
export function isPointwise(c: ConvInfo): boolean {
  const p = c.padInfo;
  return c.filterHeight === 1 && c.filterWidth === 1 && c.strideHeight === 1 && c.strideWidth === 1 &&
    p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0;
}

/** Images per im2col chunk so the column buffer stays under colsLimit. */
export function imagesPerChunk(c: ConvInfo): number {
  const perImage = c.outHeight * c.outWidth * c.filterHeight * c.filterWidth * c.inChannels;
  return Math.max(1, Math.min(c.batchSize, Math.floor(colsLimit.floats / Math.max(1, perImage))));
}
