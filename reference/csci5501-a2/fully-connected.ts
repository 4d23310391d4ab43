import * as tf from '@tensorflow/tfjs';
import type { FullyConnectedOptions } from '../../assignments/csci5501-a2/contract.ts';
import { activationLayer } from './activations.ts';

// A. FullyConnectedClassifier.
export function createFullyConnectedClassifier(opts: FullyConnectedOptions): tf.LayersModel {
  const hiddenUnits = opts.hiddenUnits ?? [128, 64];
  const activation = opts.activation ?? 'relu';
  const numClasses = opts.numClasses ?? 10;
  const model = tf.sequential({ name: 'FullyConnectedClassifier' });
  // A.2: flatten first, so every Dense layer sees one vector per image.
  model.add(tf.layers.flatten({ inputShape: [...opts.imageSize] }));
  // A.1: Dense -> activation for each hidden width, then the output layer (raw logits).
  for (const units of hiddenUnits) {
    model.add(tf.layers.dense({ units }));
    model.add(activationLayer(activation));
  }
  model.add(tf.layers.dense({ units: numClasses }));
  return model;
}
