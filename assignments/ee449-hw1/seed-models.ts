// The seed's five models built by the grader (hidden suites and unit tests only: it is a solution of part 3, so
// it must not ship with the public grading files): the baseline MLP1 of 3.train.cnn_3/cnn_4 and the unit tests
// of architecture-checks.ts. Activations as separate layers.
import * as tf from '@tensorflow/tfjs';
import { INPUT_SHAPE, LAYERS, type ArchName, type HiddenActivation } from './architectures.ts';

/** The architecture as a tf.Sequential (activations as separate layers), with tfjs's initial weights. */
export function buildArchitecture(arch: ArchName, activation: HiddenActivation = 'relu'): tf.Sequential {
  const model = tf.sequential({ name: arch });
  let first = true;
  const input = () => {
    const o = first ? { inputShape: INPUT_SHAPE } : {};
    first = false;
    return o;
  };
  for (const l of LAYERS[arch]) {
    switch (l.kind) {
      case 'conv':
        model.add(tf.layers.conv2d({ filters: l.filters, kernelSize: l.kernel, strides: 1, padding: 'valid', ...input() }));
        model.add(tf.layers.activation({ activation }));
        break;
      case 'pool':
        model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid' }));
        break;
      case 'flatten':
        model.add(tf.layers.flatten(input()));
        break;
      case 'dense':
        model.add(tf.layers.dense({ units: l.units, useBias: l.bias }));
        if (l.hidden) model.add(tf.layers.activation({ activation }));
        break;
    }
  }
  return model;
}
