// The small models the Trainer checks hand to the student's Trainer. Built from the same seed on both sides:
// in the sandbox (the probe trains it with the student's code) and in the grader (which replays that training
// with the harness's own AdamW), so the grader knows every weight the student's trainModel should produce.
import * as tf from '@tensorflow/tfjs';
import { initLikeTorch } from 'dlgrade/kit/probe';

/**
 * [2,2,2] -> Flatten -> Dense(16, no bias) -> BatchNorm -> ReLU -> Dense(3), PyTorch-style seeded weights. The
 * BatchNorm makes training mode visible in the trajectory and gives getWeights() tensors that
 * trainableWeights lacks (its moving statistics).
 */
export function tinyModel(seed: number): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [2, 2, 2] }),
      // No bias before BatchNorm: it would get only rounding noise as gradient, which Adam amplifies into
      // steps that differ between two correct implementations (BatchNorm cancels it in the output anyway).
      tf.layers.dense({ units: 16, useBias: false }),
      tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9 }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 3 }),
    ],
  });
  initLikeTorch(m, seed);
  return m;
}

/** The fixed model accuracy() is checked on: Flatten -> Dense(kernel, bias) -> BatchNorm with given moving statistics. */
export function accuracyModel(kernel: Float32Array, bias: Float32Array, classes: number, bn: { mean: Float32Array; variance: Float32Array }): tf.LayersModel {
  const m = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [2, 2, 2] }), tf.layers.dense({ units: classes }), tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9 })],
  });
  tf.tidy(() => m.setWeights([tf.tensor2d(kernel, [8, classes]), tf.tensor1d(bias), tf.ones([classes]), tf.zeros([classes]), tf.tensor1d(bn.mean), tf.tensor1d(bn.variance)]));
  return m;
}
