import * as tf from '@tensorflow/tfjs';
import type { ActivationName } from './contract.ts';

// An activation as its own layer (PyTorch lists activations as modules), with PyTorch's constants where
// tfjs's defaults differ: LeakyReLU slope 0.01 (tfjs 0.3), ELU alpha 1.
export function activationLayer(kind: ActivationName): tf.layers.Layer {
  switch (kind) {
    case 'relu':
      return tf.layers.reLU();
    case 'leaky_relu':
      return tf.layers.leakyReLU({ alpha: 0.01 });
    case 'elu':
      return tf.layers.elu({ alpha: 1 });
    case 'silu':
      return tf.layers.activation({ activation: 'swish' }); // x * sigmoid(x)
    case 'gelu':
      return tf.layers.activation({ activation: 'gelu' }); // exact erf form, nn.GELU()'s default
    case 'tanh':
      return tf.layers.activation({ activation: 'tanh' });
    case 'sigmoid':
      return tf.layers.activation({ activation: 'sigmoid' });
    default:
      throw new Error(`unknown activation "${String(kind)}" (use one of relu, silu, leaky_relu, elu, gelu, tanh, sigmoid)`);
  }
}
