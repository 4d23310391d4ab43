// The im2col columns of a convolution's input, kept from the forward pass for the filter gradient. Training
// computes im2col(x) twice per conv layer and step, once for out = cols @ W and again for dW = cols^T @ dy,
// and on small convolutions (the ConvNet's first layer: 27 values per pixel) writing the columns costs about
// as much as the product. So while gradients are expected (a gradient tape is recording, or a tapeless
// training step asked for it), the forward keeps its columns under x's data id and the filter gradient of
// the same x with the same geometry takes them (tensors are immutable: same id, same values). The tape
// hands the gradient a clone of x, which shares x's data id (identity.ts). Entries whose x is gone are freed
// at the next use, and at most a bounded number of floats is kept.
import * as tf from '@tensorflow/tfjs';
import { freeScratch } from './gemm.ts';
import { colsLimit, type ConvInfo } from './im2col.ts';
import type { BackendWasm } from './wasm-heap.ts';

interface Entry {
  dataId: object;
  key: string;
  /** Byte offset of the columns (scratch memory, ours to free). */
  cols: number;
  floats: number;
}

const entries: Entry[] = [];
/** Twice the largest single columns buffer: a step's layers fit, a forgotten entry cannot pile up. */
const MAX_FLOATS = () => 2 * colsLimit.floats;
let tapeless = 0;

/** A tapeless training step (chain-step.ts) runs `f`: its forward convolutions keep their columns. */
export function withGradientsExpected<T>(f: () => T): T {
  tapeless++;
  try {
    return f();
  } finally {
    tapeless--;
  }
}

/** Whether a forward convolution now should keep its columns for a filter gradient to come. */
export function gradientsExpected(): boolean {
  return tapeless > 0 || (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}

function keyOf(c: ConvInfo): string {
  return [c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left, c.outHeight, c.outWidth].join(',');
}

interface DataIds {
  dataIdMap: { has(dataId: object): boolean };
}

/** Frees the entries whose tensor was disposed. */
function sweep(backend: BackendWasm): void {
  const ids = backend as unknown as DataIds;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (!ids.dataIdMap.has(entries[i]!.dataId)) {
      freeScratch(backend, entries[i]!.cols);
      entries.splice(i, 1);
    }
  }
}

/** Keeps `cols` (whole batch, one chunk) for x; the cache owns and frees it from now on. */
export function keepColumns(backend: BackendWasm, x: tf.TensorInfo, c: ConvInfo, cols: number, floats: number): void {
  sweep(backend);
  entries.push({ dataId: x.dataId, key: keyOf(c), cols, floats });
  let total = entries.reduce((s, e) => s + e.floats, 0);
  while (total > MAX_FLOATS() && entries.length > 1) {
    const old = entries.shift()!;
    freeScratch(backend, old.cols);
    total -= old.floats;
  }
}

/** The columns kept for x with this geometry, now the caller's to free; undefined when none. */
export function takeColumns(backend: BackendWasm, x: tf.TensorInfo, c: ConvInfo): number | undefined {
  sweep(backend);
  const key = keyOf(c);
  const i = entries.findIndex((e) => e.dataId === x.dataId && e.key === key);
  if (i < 0) return undefined;
  const [e] = entries.splice(i, 1);
  return e!.cols;
}

/** Entries kept now (tests). */
export function keptColumns(): number {
  return entries.length;
}
