// Conv2D and FusedConv2D on wasm through im2col + our SIMD GEMM (conv2d-simd.ts). Upstream's XNNPACK
// convolution packs the filter whenever it sees a new one — every training step — (measured: 24 ms for a
// [8,2,2,512] x [3,3,512,512] conv with a new filter, 3.7 ms with a cached one) and its GEMM runs at ~31
// GFLOP/s here against ~48 for ours. Bias and relu are applied in one SIMD pass; other fused activations
// through the registered activation kernels. Upstream's kernel stays for what we do not cover (non-float32,
// NCHW, SIMD unavailable).
import * as tf from '@tensorflow/tfjs';
import { simdKernels } from '../wasm-simd/simd.ts';
import { convForwardSimd } from './conv2d-simd.ts';
import type { KernelFamily } from './kernel-family.ts';
import { biasActivation } from './matmul.ts';
import type { BackendWasm } from './wasm-heap.ts';

interface ConvArgs {
  inputs: { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
  backend: BackendWasm;
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: string;
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    activation?: string;
    leakyreluAlpha?: number;
  };
}

function viaSimd({ inputs, backend, attrs }: ConvArgs): tf.TensorInfo | undefined {
  const { x, filter, bias, preluActivationWeights } = inputs;
  const simd = simdKernels(backend);
  if (!simd || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') return undefined;
  if (bias && (bias.dtype !== 'float32' || bias.shape.reduce((p, d) => p * d, 1) !== filter.shape[3])) return undefined;
  const c = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const out = convForwardSimd(backend, simd, x, filter, c);
  return biasActivation(backend, simd, out, bias, attrs.activation, preluActivationWeights, attrs.leakyreluAlpha);
}

function wrap(upstream: tf.KernelConfig): tf.KernelFunc {
  return (args) => viaSimd(args as unknown as ConvArgs) ?? (upstream.kernelFunc(args) as tf.TensorInfo);
}

export const conv2DForwardKernels: KernelFamily = {
  name: 'Conv2D/FusedConv2D (im2col + SIMD GEMM, no filter packing)',
  install: () => {
    for (const name of [tf.Conv2D, tf.FusedConv2D]) {
      const upstream = tf.getKernel(name, 'wasm');
      if (!upstream) continue;
      tf.unregisterKernel(name, 'wasm');
      // Upstream's setupFunc binds the C entry point its kernel (the fallback) calls.
      tf.registerKernel({ ...upstream, kernelFunc: wrap(upstream) });
    }
  },
};
