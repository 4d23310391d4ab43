// The models the recorder and gradient checks hand to the student's code (built on both sides from the same
// arguments: in the sandbox by the probes, in the grader for its replay). Not the seed's five architectures, so
// the public grading files carry none of part 3's answers: 'mlp' is MLP1, given in the starter as the worked
// example; 'cnn' is a small convolutional network of our own. PyTorch-style weights come from initLikeTorch.
import * as tf from '@tensorflow/tfjs';
import type { HiddenActivation } from './architectures.ts';

export type RecorderModelKind = 'mlp' | 'cnn';

/** What the checks' messages call each model. */
export const KIND_NAMES: Record<RecorderModelKind, string> = {
  mlp: 'MLP1 (Flatten, Dense 32, Dense 10)',
  cnn: 'a small CNN (Conv 3x3x8, MaxPool, Conv 3x3x8, MaxPool, Flatten, Dense 10)',
};

export function recorderModel(kind: RecorderModelKind, activation: HiddenActivation): tf.Sequential {
  const layers: tf.layers.Layer[] =
    kind === 'mlp'
      ? [tf.layers.flatten({ inputShape: [32, 32, 3] }), tf.layers.dense({ units: 32, activation }), tf.layers.dense({ units: 10 })]
      : [
          tf.layers.conv2d({ filters: 8, kernelSize: 3, activation, inputShape: [32, 32, 3] }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.conv2d({ filters: 8, kernelSize: 3, activation }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10 }),
        ];
  return tf.sequential({ name: `recorder_${kind}`, layers });
}
