// Part 3: the five architectures of the homework, the seed's MLP1, MLP2, CNN3, CNN4 and CNN5, in tfjs (NHWC).
// Part 4 builds the same models with sigmoid instead of ReLU. contract.ts (CreateModel) lists every layer and
// the parameter counts PyTorch prints for them.
import * as tf from '@tensorflow/tfjs';
import type { ArchName, HiddenActivation } from '../../assignments/ee449-hw1/contract.ts';
// STARTER: import { todo } from './todo.ts';

/** Conv2D with the homework's settings: stride 1, valid padding (PyTorch's padding=0), followed by `activation`. */
function conv(filters: number, kernelSize: number, activation: HiddenActivation, first = false): tf.layers.Layer {
  return tf.layers.conv2d({ filters, kernelSize, strides: 1, padding: 'valid', activation, ...(first ? { inputShape: [32, 32, 3] } : {}) });
}

/** MaxPool-2x2 with stride 2 (nn.MaxPool2d(2, 2)). */
function pool(): tf.layers.Layer {
  return tf.layers.maxPooling2d({ poolSize: 2, strides: 2 });
}

export function createModel(arch: ArchName, activation: HiddenActivation = 'relu'): tf.LayersModel {
  switch (arch) {
    case 'mlp_1':
      // [FC-32, ReLU] + [FC10]
      return tf.sequential({
        name: 'mlp_1',
        layers: [tf.layers.flatten({ inputShape: [32, 32, 3] }), tf.layers.dense({ units: 32, activation }), tf.layers.dense({ units: 10 })],
      });
    case 'mlp_2':
      // [FC-32, ReLU, FC-64 (no bias), ReLU] + [FC10]
      // BEGIN SOLUTION
      return tf.sequential({
        name: 'mlp_2',
        layers: [
          tf.layers.flatten({ inputShape: [32, 32, 3] }),
          tf.layers.dense({ units: 32, activation }),
          tf.layers.dense({ units: 64, activation, useBias: false }),
          tf.layers.dense({ units: 10 }),
        ],
      });
      // END SOLUTION
      // STARTER: return todo('3.1: mlp_2');
    case 'cnn_3':
      // [Conv-3x3x16, ReLU, Conv-5x5x8, ReLU, MaxPool-2x2, Conv-7x7x16, ReLU, MaxPool-2x2] + [FC10]
      // BEGIN SOLUTION
      return tf.sequential({
        name: 'cnn_3',
        layers: [conv(16, 3, activation, true), conv(8, 5, activation), pool(), conv(16, 7, activation), pool(), tf.layers.flatten(), tf.layers.dense({ units: 10 })],
      });
      // END SOLUTION
      // STARTER: return todo('3.1: cnn_3');
    case 'cnn_4':
      // [Conv-3x3x16, ReLU, Conv-3x3x8, ReLU, Conv-5x5x16, ReLU, MaxPool-2x2, Conv-5x5x16, ReLU, MaxPool-2x2] + [FC10]
      // BEGIN SOLUTION
      return tf.sequential({
        name: 'cnn_4',
        layers: [conv(16, 3, activation, true), conv(8, 3, activation), conv(16, 5, activation), pool(), conv(16, 5, activation), pool(), tf.layers.flatten(), tf.layers.dense({ units: 10 })],
      });
      // END SOLUTION
      // STARTER: return todo('3.1: cnn_4');
    case 'cnn_5':
      // [Conv-3x3x8, ReLU, Conv-3x3x16, ReLU, Conv-3x3x8, ReLU, Conv-3x3x16, ReLU, MaxPool-2x2,
      //  Conv-3x3x16, ReLU, Conv-3x3x8, ReLU, MaxPool-2x2] + [FC10]
      // BEGIN SOLUTION
      return tf.sequential({
        name: 'cnn_5',
        layers: [
          conv(8, 3, activation, true),
          conv(16, 3, activation),
          conv(8, 3, activation),
          conv(16, 3, activation),
          pool(),
          conv(16, 3, activation),
          conv(8, 3, activation),
          pool(),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10 }),
        ],
      });
      // END SOLUTION
      // STARTER: return todo('3.1: cnn_5');
    default:
      throw new Error(`unknown architecture "${String(arch)}" (mlp_1, mlp_2, cnn_3, cnn_4 or cnn_5)`);
  }
}
