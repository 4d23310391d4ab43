// The small models the training checks (exercise F) use, where the submission runs and in the grader's
// replay: Conv(3x3, no bias) -> BatchNorm2d -> ReLU -> global average pooling [-> Dropout] -> Dense. Without
// dropout a training step depends only on the weights, the batch and the MixUp draws; with it (and BatchNorm
// running statistics away from 0 and 1) inference mode and training mode give different outputs, which is
// what the evaluation check needs. Initial weights come from the run seed.
import * as tf from '@tensorflow/tfjs';
import { BatchNorm2d } from 'dlgrade/layers';
import { createRandom } from './contract.ts';

export interface LoopModelSpec {
  shape: [number, number, number];
  filters: number;
  classes: number;
  /** Dropout rate before the Dense layer (none when absent). */
  dropout?: number;
}

export function loopModel(spec: LoopModelSpec): tf.LayersModel {
  const layers: tf.layers.Layer[] = [
    tf.layers.conv2d({ inputShape: spec.shape, filters: spec.filters, kernelSize: 3, padding: 'same', useBias: false }),
    new BatchNorm2d(),
    tf.layers.reLU(),
    tf.layers.globalAveragePooling2d({}),
  ];
  if (spec.dropout) layers.push(tf.layers.dropout({ rate: spec.dropout }));
  layers.push(tf.layers.dense({ units: spec.classes }));
  return tf.sequential({ name: 'LoopCheckModel', layers });
}

export interface WeightOptions {
  /** Multiplies the Dense kernel, so an untrained model's predictions differ from image to image. Default 1. */
  logitScale?: number;
  /** BatchNorm running mean in +-1 and variance in [0.5, 2] instead of 0 and 1. */
  randomStats?: boolean;
}

/**
 * Initial weights in model.getWeights() order (tfjs lists trainable weights first, then BatchNorm's running
 * statistics): kernels and the Dense bias U(+-1/sqrt(fan_in)) as PyTorch initialises them, gamma 1, beta 0.
 */
export function loopModelWeights(spec: LoopModelSpec, seed: number, opts: WeightOptions = {}): Float32Array[] {
  const rng = createRandom(seed);
  const model = loopModel(spec);
  try {
    let fanIn = 1;
    return model.weights.map((w) => {
      const shape = w.read().shape;
      const n = shape.reduce((a, b) => a * b, 1);
      const kind = w.originalName.split('/').pop() ?? '';
      if (kind === 'kernel') fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const scale = shape.length === 2 ? (opts.logitScale ?? 1) : 1;
      const draw = (f: () => number) => Float32Array.from({ length: n }, f);
      switch (kind) {
        case 'kernel':
        case 'bias':
          return draw(() => ((2 * rng.next() - 1) * scale) / Math.sqrt(fanIn));
        case 'moving_mean':
          return opts.randomStats ? draw(() => 2 * rng.next() - 1) : new Float32Array(n);
        case 'moving_variance':
          return opts.randomStats ? draw(() => 0.5 + 1.5 * rng.next()) : new Float32Array(n).fill(1);
        default:
          return new Float32Array(n).fill(kind === 'gamma' ? 1 : 0);
      }
    });
  } finally {
    model.dispose();
  }
}

export function setLoopWeights(model: tf.LayersModel, weights: readonly Float32Array[]): void {
  const shapes = model.getWeights().map((w) => w.shape);
  tf.tidy(() => model.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i]))));
}

export function flatWeights(model: tf.LayersModel): Float32Array {
  const ws = model.getWeights();
  const out = new Float32Array(ws.reduce((n, w) => n + w.size, 0));
  let at = 0;
  for (const w of ws) {
    out.set(w.dataSync(), at);
    at += w.size;
  }
  return out;
}
