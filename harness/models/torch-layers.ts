import * as tf from '@tensorflow/tfjs';

// tf.layers constructors with PyTorch's defaults where tfjs (Keras) chose differently, so a port keeps the
// seed's numbers: BatchNorm eps 1e-5 and running-stat momentum 0.1 (tfjs: 1e-3 and 0.99, and tfjs's
// momentum is the weight of the OLD statistic, so PyTorch's 0.1 is tfjs's 0.9); LeakyReLU slope 0.01
// (tfjs: 0.3); ELU alpha 1.

/** Activation names as PyTorch spells the modules (nn.ReLU -> 'relu', nn.SiLU -> 'silu', ...). */
export const ACTIVATIONS = ['relu', 'silu', 'leaky_relu', 'elu', 'gelu', 'tanh', 'sigmoid'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export function isActivationName(s: string): s is ActivationName {
  return (ACTIVATIONS as readonly string[]).includes(s);
}

/** A separate activation layer (PyTorch models list activations as modules, and shape tables show them). */
export function activationLayer(kind: ActivationName, name?: string): tf.layers.Layer {
  switch (kind) {
    case 'relu':
      return tf.layers.reLU({ name });
    case 'leaky_relu':
      return tf.layers.leakyReLU({ alpha: 0.01, name });
    case 'elu':
      return tf.layers.elu({ alpha: 1, name });
    case 'silu':
      // tfjs 'swish' is x * sigmoid(x), which is PyTorch's SiLU.
      return tf.layers.activation({ activation: 'swish', name });
    case 'gelu':
      // tfjs 'gelu' is the exact erf form, PyTorch's default nn.GELU().
      return tf.layers.activation({ activation: 'gelu', name });
    case 'tanh':
      return tf.layers.activation({ activation: 'tanh', name });
    case 'sigmoid':
      return tf.layers.activation({ activation: 'sigmoid', name });
  }
}

/** nn.BatchNorm2d / nn.BatchNorm1d defaults (eps 1e-5, momentum 0.1, affine) on the channel axis (NHWC: last). */
export function batchNorm(name?: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9, name });
}
