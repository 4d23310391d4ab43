// The three convolution products (forward, input gradient, filter gradient) as im2col / col2im plus one
// GEMM each, on our SIMD kernels (../wasm-simd: gemm_f32, im2col_nhwc, col2im_nhwc) and split between
// threads when the threaded build runs (gemm.ts). With the rows of im2col in the filter's [KH, KW, CI]
// order and M = batch*OH*OW output pixels:
//   forward   out[M, CO]  = cols[M, K] @ W[K, CO]
//   input     dcols[M, K] = dy[M, CO] @ W[K, CO]^T, then dx = col2im(dcols)
//   filter    dW[K, CO]   = cols[M, K]^T @ dy[M, CO]   (gemm_f32 reads cols transposed in place)
// 1x1 stride-1 unpadded convolutions skip im2col (x is its own). The callers (conv2d-forward.ts,
// conv2d-backprop-input.ts, conv2d-backprop-filter.ts) fall back to other paths when SIMD is unavailable.
import type * as tf from '@tensorflow/tfjs';
import { gemm, heapOffset, parallelParts, product, scratch, freeScratch, threadsFor } from './gemm.ts';
import { geometryArgs, imagesPerChunk, isPointwise, type ConvInfo } from './im2col.ts';
import { alloc, type BackendWasm } from './wasm-heap.ts';
import type { SimdKernels } from '../wasm-simd/simd.ts';
import { gradientsExpected, keepColumns, takeColumns } from './conv-columns-cache.ts';

/** im2col_nhwc / col2im_nhwc over images [b0, b1), cut into one image range per thread. */
function colsPass(
  backend: BackendWasm, simd: SimdKernels, name: 'im2col_nhwc' | 'col2im_nhwc',
  colsOff: number, imageOff: number, c: ConvInfo, b0: number, b1: number,
): void {
  const rowFloats = c.outHeight * c.outWidth * c.filterHeight * c.filterWidth * c.inChannels;
  const parts = threadsFor(backend, b1 - b0);
  const step = Math.ceil((b1 - b0) / parts);
  const geo = geometryArgs(c);
  const jobs: number[][] = [];
  for (let s = b0; s < b1; s += step) {
    const e = Math.min(b1, s + step);
    const cols = colsOff + (s - b0) * rowFloats * 4;
    // im2col reads x and writes cols; col2im reads dcols and writes dx.
    jobs.push(name === 'im2col_nhwc' ? [imageOff, cols, ...geo, s, e] : [cols, imageOff, ...geo, s, e]);
  }
  parallelParts(backend, simd, name, jobs);
}

/**
 * Calls each(cols, b0, b1) for the batch in image chunks whose column buffer (im2col rows of images [b0, b1),
 * byte offset cols, reused between chunks) stays under colsLimit; frees the buffer afterwards.
 */
function forEachColumnChunk(backend: BackendWasm, c: ConvInfo, what: string, each: (cols: number, b0: number, b1: number) => void): void {
  const chunk = imagesPerChunk(c);
  const cols = scratch(backend, chunk * c.outHeight * c.outWidth * c.filterHeight * c.filterWidth * c.inChannels, what);
  try {
    for (let b0 = 0; b0 < c.batchSize; b0 += chunk) each(cols, b0, Math.min(c.batchSize, b0 + chunk));
  } finally {
    freeScratch(backend, cols);
  }
}

/** out [B, OH, OW, CO] = conv(x, filter); no bias or activation. */
export function convForwardSimd(backend: BackendWasm, simd: SimdKernels, x: tf.TensorInfo, filter: tf.TensorInfo, c: ConvInfo): tf.TensorInfo {
  const out = alloc(backend, c.outShape);
  const M = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const N = c.outChannels;
  const xOff = heapOffset(backend, x, 'conv x');
  const wOff = heapOffset(backend, filter, 'conv filter');
  const oOff = heapOffset(backend, out, 'conv output');
  if (M * N === 0) return out;
  if (isPointwise(c)) {
    gemm(backend, simd, { a: xOff, lda: K, transA: false, b: wOff, ldb: N, c: oOff, ldc: N, M, K, N });
    return out;
  }
  const perImage = c.outHeight * c.outWidth;
  if (imagesPerChunk(c) === c.batchSize && gradientsExpected()) {
    // One chunk, and a filter gradient will want the same columns: keep them (conv-columns-cache.ts).
    const cols = scratch(backend, M * K, 'im2col');
    colsPass(backend, simd, 'im2col_nhwc', cols, xOff, c, 0, c.batchSize);
    gemm(backend, simd, { a: cols, lda: K, transA: false, b: wOff, ldb: N, c: oOff, ldc: N, M, K, N });
    keepColumns(backend, x, c, cols, M * K);
    return out;
  }
  forEachColumnChunk(backend, c, 'im2col', (cols, b0, b1) => {
    colsPass(backend, simd, 'im2col_nhwc', cols, xOff, c, b0, b1);
    gemm(backend, simd, { a: cols, lda: K, transA: false, b: wOff, ldb: N, c: oOff + b0 * perImage * N * 4, ldc: N, M: (b1 - b0) * perImage, K, N });
  });
  return out;
}

/** dx [B, H, W, CI] from dy [B, OH, OW, CO] and filter [KH, KW, CI, CO]. */
export function convBackpropInputSimd(backend: BackendWasm, simd: SimdKernels, dy: tf.TensorInfo, filter: tf.TensorInfo, c: ConvInfo): tf.TensorInfo {
  const dx = alloc(backend, c.inShape);
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const CO = c.outChannels;
  const dyOff = heapOffset(backend, dy, 'Conv2DBackpropInput dy');
  const wOff = heapOffset(backend, filter, 'Conv2DBackpropInput filter');
  const dxOff = heapOffset(backend, dx, 'Conv2DBackpropInput output');
  const perImage = c.outHeight * c.outWidth;
  if (isPointwise(c)) {
    product(backend, simd, dyOff, wOff, dxOff, c.batchSize * perImage, CO, K, false, true);
    return dx;
  }
  forEachColumnChunk(backend, c, 'dcols', (dcols, b0, b1) => {
    product(backend, simd, dyOff + b0 * perImage * CO * 4, wOff, dcols, (b1 - b0) * perImage, CO, K, false, true);
    colsPass(backend, simd, 'col2im_nhwc', dcols, dxOff, c, b0, b1);
  });
  return dx;
}

/** dW [KH, KW, CI, CO] from x [B, H, W, CI] and dy [B, OH, OW, CO]. */
export function convBackpropFilterSimd(backend: BackendWasm, simd: SimdKernels, x: tf.TensorInfo, dy: tf.TensorInfo, c: ConvInfo): tf.TensorInfo {
  const dW = alloc(backend, [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels]);
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const CO = c.outChannels;
  const xOff = heapOffset(backend, x, 'Conv2DBackpropFilter x');
  const dyOff = heapOffset(backend, dy, 'Conv2DBackpropFilter dy');
  const dwOff = heapOffset(backend, dW, 'Conv2DBackpropFilter output');
  const perImage = c.outHeight * c.outWidth;
  if (isPointwise(c)) {
    gemm(backend, simd, { a: xOff, lda: K, transA: true, b: dyOff, ldb: CO, c: dwOff, ldc: CO, M: K, K: c.batchSize * perImage, N: CO });
    return dW;
  }
  const kept = takeColumns(backend, x, c);
  if (kept !== undefined) {
    // The forward's columns of this very x: the single product the one-chunk loop below would compute.
    try {
      gemm(backend, simd, { a: kept, lda: K, transA: true, b: dyOff, ldb: CO, c: dwOff, ldc: CO, M: K, K: c.batchSize * perImage, N: CO });
    } finally {
      freeScratch(backend, kept);
    }
    return dW;
  }
  forEachColumnChunk(backend, c, 'im2col', (cols, b0, b1) => {
    colsPass(backend, simd, 'im2col_nhwc', cols, xOff, c, b0, b1);
    gemm(backend, simd, {
      a: cols, lda: K, transA: true, b: dyOff + b0 * perImage * CO * 4, ldb: CO, c: dwOff, ldc: CO,
      M: K, K: (b1 - b0) * perImage, N: CO, accumulate: b0 > 0,
    });
  });
  return dW;
}
