// Grader-side computations of CSCI-5501 A2 that are this assignment's own (the generic ones are in
// dlgrade/kit): shape-table parsing, the FC forward in float64 on the grader's copy of the weights, the
// ConvNet's table B.1 as architecture tokens, ResNet block names.
import * as tf from '@tensorflow/tfjs';
import { ACTIVATION_FNS, linear, walkLayers } from 'dlgrade/kit';
import type { ActivationName } from './contract.ts';

/** "(32, 32, 12)", "32x32x12", "[32,32,12]", "768", "(768,)" -> the integers; null when it holds none or a "??". */
export function parseShape(s: unknown): number[] | null {
  if (typeof s === 'number' && Number.isInteger(s)) return [s];
  if (typeof s !== 'string' || s.includes('?')) return null;
  const nums = s.match(/\d+/g);
  return nums ? nums.map(Number) : null;
}

/** A Dense layer's weights as the grader reads them off its rebuilt model. */
export interface DenseWeights {
  layer: string;
  kernelShape: number[];
  kernel: Float32Array;
  bias: Float32Array | null;
}

export function denseWeights(model: tf.LayersModel): DenseWeights[] {
  return walkLayers(model)
    .filter(({ layer }) => layer.getClassName() === 'Dense')
    .map(({ layer, path }) => {
      const [kernel, bias] = layer.getWeights();
      return { layer: path, kernelShape: kernel!.shape, kernel: kernel!.dataSync() as Float32Array, bias: bias ? (bias.dataSync() as Float32Array) : null };
    });
}

/**
 * flatten -> (Dense -> activation)* -> Dense on `batch` inputs of `x` with the given Dense weights (kernel
 * [in, out] row-major, bias [out]): what the FC classifier must compute, in float64.
 */
export function mlpForward(x: Float32Array, batch: number, dense: DenseWeights[], activation: ActivationName): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  dense.forEach((d, li) => {
    const [fanIn, fanOut] = d.kernelShape as [number, number];
    if (fanIn * batch !== h.length) throw new Error(`Dense layer ${d.layer} expects ${fanIn} inputs, the previous layer gives ${h.length / batch}`);
    h = linear(h, batch, d.kernel, d.bias, fanOut);
    if (li < dense.length - 1) h = h.map(ACTIVATION_FNS[activation]);
  });
  return h;
}

/** Table B.1 as architecture tokens (dlgrade/kit architectureTokens), with the given activation. */
export function convNetTokens(activation: ActivationName, numClasses = 10): string[] {
  const t: string[] = [];
  for (const f of [12, 24, 48]) t.push(`Conv2D(${f}, 3x3, stride 1x1, same)`, 'BatchNorm', `act:${activation}`, 'MaxPool(2x2, stride 2x2)');
  t.push('Flatten', 'Dense(64)', `act:${activation}`, `Dense(${numClasses})`);
  return t;
}

/** The top-level block a weight or layer belongs to: "layer1.0.conv1/kernel" -> "layer1", "bn1/gamma" -> "bn1". */
export function topBlock(name: string): string {
  return name.split(/[./]/)[0]!;
}

/** Index of the snapshot equal to `w` within `tol` per value (bit for bit when 0), or -1. */
export function matchingSnapshot(snapshots: readonly ArrayLike<number>[], w: ArrayLike<number>, tol = 0): number {
  return snapshots.findIndex((s) => s.length === w.length && Array.prototype.every.call(s, (v: number, i: number) => Math.abs(v - w[i]!) <= tol));
}
