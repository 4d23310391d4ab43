import * as tf from '@tensorflow/tfjs';
import { activationLayer, type ActivationName } from './torch-layers.ts';

// CSCI-5501 A2 exercise A (seed 002): FullyConnectedClassifier(image_size, hidden_units=[128, 64],
// activation_fn=nn.ReLU(), num_classes=10). Linear -> activation for each hidden width, then a Linear to
// the classes (raw logits). The seed's forward forgets to flatten; this port flattens first.

export interface FullyConnectedOptions {
  /** Input image as tfjs sees it: [H, W, C] (NHWC) or [H, W] for single-channel images without a channel axis. */
  imageSize: readonly [number, number, number] | readonly [number, number];
  /** Hidden layer widths; the seed's default is [128, 64]. */
  hiddenUnits?: readonly number[];
  activation?: ActivationName;
  numClasses?: number;
  name?: string;
}

export function fullyConnectedClassifier(opts: FullyConnectedOptions): tf.Sequential {
  const hidden = opts.hiddenUnits ?? [128, 64];
  const activation = opts.activation ?? 'relu';
  const numClasses = opts.numClasses ?? 10;
  for (const [i, u] of hidden.entries()) {
    if (!Number.isInteger(u) || u <= 0) throw new Error(`fullyConnectedClassifier: hiddenUnits[${i}] must be a positive integer, got ${u}`);
  }
  const model = tf.sequential({ name: opts.name ?? 'FullyConnectedClassifier' });
  model.add(tf.layers.flatten({ inputShape: [...opts.imageSize], name: 'flatten' }));
  hidden.forEach((units, i) => {
    model.add(tf.layers.dense({ units, name: `fc${i + 1}` }));
    model.add(activationLayer(activation, `act${i + 1}`));
  });
  model.add(tf.layers.dense({ units: numClasses, name: 'out' }));
  return model;
}
