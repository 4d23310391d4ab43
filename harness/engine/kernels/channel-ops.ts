// Per-channel elementwise work on wasm through dlgrade's SIMD kernels (harness/engine/wasm-simd): the shapes
// BatchNorm and biases produce in training, x[..., C] against a vector of C channels.
//  - Add, Sub, Multiply, RealDiv, SquaredDifference with one operand [C] (or [1, ..., 1, C]) and the other
//    the full shape: upstream computes a broadcast index per element (~10x slower than its same-shape path);
//  - Sum and Mean over every axis but the last (BatchNorm's statistics and its gradient's reductions, bias
//    gradients): upstream transposes first;
//  - FusedBatchNorm with per-channel statistics: folded into x * a[c] + b[c].
// Any other shape, dtype, or an engine without the SIMD module goes to upstream's kernel unchanged.
import * as tf from '@tensorflow/tfjs';
import { OP, simdKernels } from '../wasm-simd/simd.ts';
import type { KernelFamily } from './kernel-family.ts';
import type { BackendWasm } from './wasm-heap.ts';

type KernelArgs = Parameters<tf.KernelFunc>[0] & { backend: BackendWasm };

function offset(backend: BackendWasm, t: tf.TensorInfo): number {
  return (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
}

/** [rows, C] view of `full` when `vec` holds C values along full's last axis and is 1 elsewhere. */
function channelPattern(full: readonly number[], vec: readonly number[]): { rows: number; C: number } | undefined {
  if (full.length === 0 || vec.length === 0 || vec.length > full.length) return undefined;
  const C = full[full.length - 1];
  if (vec[vec.length - 1] !== C || vec.slice(0, -1).some((d) => d !== 1)) return undefined;
  const rows = tf.util.sizeFromShape(full.slice(0, -1));
  return rows > 1 && C > 0 ? { rows, C } : undefined;
}

function binary(op: number) {
  return (upstream: tf.KernelFunc): tf.KernelFunc =>
    (args) => {
      const { inputs, backend } = args as KernelArgs;
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const simd = a.dtype === 'float32' && b.dtype === 'float32' ? simdKernels(backend) : undefined;
      if (simd) {
        for (const [full, vec, vecFirst] of [
          [a, b, 0],
          [b, a, 1],
        ] as const) {
          const p = channelPattern(full.shape, vec.shape);
          if (p && tf.util.arraysEqual(tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape), full.shape)) {
            const out = backend.makeOutput([...full.shape], 'float32');
            simd.bcast_channel(op, vecFirst, offset(backend, full), offset(backend, vec), offset(backend, out), p.rows, p.C);
            return out;
          }
        }
      }
      return upstream(args) as tf.TensorInfo;
    };
}

/** Axes reduced = all but the last (after normalising negatives), in any order. */
function leadingAxes(rank: number, axis: number | number[]): boolean {
  const axes = tf.util.parseAxisParam(axis, new Array(rank).fill(1));
  if (rank < 2 || axes.length !== rank - 1) return false;
  const sorted = [...axes].sort((x, y) => x - y);
  return sorted.every((v, i) => v === i);
}

function reduceRows(mean: boolean) {
  return (upstream: tf.KernelFunc): tf.KernelFunc =>
    (args) => {
      const { inputs, backend, attrs } = args as KernelArgs;
      const { x } = inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
      const simd = x.dtype === 'float32' ? simdKernels(backend) : undefined;
      if (simd && leadingAxes(x.shape.length, axis)) {
        const C = x.shape[x.shape.length - 1];
        const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
        if (rows > 0 && C > 0) {
          const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), C] : [C];
          const out = backend.makeOutput(outShape, 'float32');
          const block = backend.makeOutput([C], 'float32');
          simd.sum_rows(offset(backend, x), offset(backend, out), offset(backend, block), rows, C);
          backend.disposeData(block.dataId);
          if (mean) {
            const v = backend.typedArrayFromHeap(out) as Float32Array;
            for (let c = 0; c < C; c++) v[c] /= rows;
          }
          return out;
        }
      }
      return upstream(args) as tf.TensorInfo;
    };
}

function fusedBatchNorm(upstream: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as KernelArgs;
    const { x, mean, variance, offset: beta, scale } = inputs as Record<string, tf.TensorInfo | undefined> & { x: tf.TensorInfo };
    const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
    const simd = x.dtype === 'float32' ? simdKernels(backend) : undefined;
    const C = x.shape[x.shape.length - 1];
    const perChannel = (t: tf.TensorInfo | undefined) => t === undefined || (t.dtype === 'float32' && channelPattern(x.shape, t.shape) !== undefined);
    if (simd && mean && variance && [mean, variance, beta, scale].every(perChannel)) {
      const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
      const a = backend.makeOutput([C], 'float32');
      const b = backend.makeOutput([C], 'float32');
      const out = backend.makeOutput([...x.shape], 'float32');
      const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
      const [mv, vv, av, bv] = [mean, variance, a, b].map(view);
      const ov = beta ? view(beta) : undefined;
      const sv = scale ? view(scale) : undefined;
      // upstream: (x - mean) * scale / sqrt(var + eps) + offset, folded per channel.
      for (let c = 0; c < C; c++) {
        const k = (sv ? sv[c] : 1) / Math.sqrt(vv[c] + eps);
        av[c] = k;
        bv[c] = (ov ? ov[c] : 0) - mv[c] * k;
      }
      simd.affine_channel(offset(backend, x), offset(backend, a), offset(backend, b), offset(backend, out), rows, C);
      backend.disposeData(a.dataId);
      backend.disposeData(b.dataId);
      return out;
    }
    return upstream(args) as tf.TensorInfo;
  };
}

const WRAPPERS: [string, (upstream: tf.KernelFunc) => tf.KernelFunc][] = [
  [tf.Add, binary(OP.add)],
  [tf.Sub, binary(OP.sub)],
  [tf.Multiply, binary(OP.mul)],
  [tf.RealDiv, binary(OP.div)],
  [tf.SquaredDifference, binary(OP.sqdiff)],
  [tf.Sum, reduceRows(false)],
  [tf.Mean, reduceRows(true)],
  [tf.FusedBatchNorm, fusedBatchNorm],
];

export const channelOpKernels: KernelFamily = {
  name: 'per-channel Add/Sub/Mul/Div/SquaredDifference, Sum/Mean over leading axes, FusedBatchNorm (SIMD)',
  install: () => {
    for (const [name, wrap] of WRAPPERS) {
      const upstream = tf.getKernel(name, 'wasm');
      if (!upstream) continue;
      tf.unregisterKernel(name, 'wasm');
      // Upstream's setupFunc binds its C entry point, which the fallback still calls.
      tf.registerKernel({ ...upstream, kernelFunc: wrap(upstream.kernelFunc) });
    }
  },
};
