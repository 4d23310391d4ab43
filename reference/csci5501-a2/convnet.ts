import * as tf from '@tensorflow/tfjs';
import type { ConvNetOptions, ShapeTableRow } from '../../assignments/csci5501-a2/contract.ts';
import { activationLayer } from './activations.ts';

// B.1: the output shape after each layer, HxWxC.
export const SHAPE_TABLE: ShapeTableRow[] = [
  { layerType: 'Input', description: 'Input image', outputShape: '(32, 32, 3)' },
  { layerType: 'Conv2D', description: '12 filters, 3x3 kernel', outputShape: '(32, 32, 12)' },
  { layerType: 'BatchNorm', description: 'Normalize 12 channels', outputShape: '(32, 32, 12)' },
  { layerType: 'Activation', description: 'ReLU/LeakyReLU/etc', outputShape: '(32, 32, 12)' },
  { layerType: 'MaxPooling', description: '2x2 pool, stride 2', outputShape: '(16, 16, 12)' },
  { layerType: 'Conv2D', description: '24 filters, 3x3 kernel', outputShape: '(16, 16, 24)' },
  { layerType: 'BatchNorm', description: 'Normalize 24 channels', outputShape: '(16, 16, 24)' },
  { layerType: 'Activation', description: 'ReLU/LeakyReLU/etc', outputShape: '(16, 16, 24)' },
  { layerType: 'MaxPooling', description: '2x2 pool, stride 2', outputShape: '(8, 8, 24)' },
  { layerType: 'Conv2D', description: '48 filters, 3x3 kernel', outputShape: '(8, 8, 48)' },
  { layerType: 'BatchNorm', description: 'Normalize 48 channels', outputShape: '(8, 8, 48)' },
  { layerType: 'Activation', description: 'ReLU/LeakyReLU/etc', outputShape: '(8, 8, 48)' },
  { layerType: 'MaxPooling', description: '2x2 pool, stride 2', outputShape: '(4, 4, 48)' },
  { layerType: 'Flatten', description: 'Flatten', outputShape: '768' },
  { layerType: 'Fully Connected', description: '64 units', outputShape: '64' },
  { layerType: 'Activation', description: 'ReLU/LeakyReLU/etc', outputShape: '64' },
  { layerType: 'Fully Connected', description: 'Output layer, 10 classes', outputShape: '10' },
];

/** nn.BatchNorm2d's defaults: eps 1e-5, running-stat momentum 0.1 (tfjs weighs the old statistic: 0.9). */
function batchNorm(): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9 });
}

// B.2 + B.3: the layers of the table, in order.
export function createConvNet(opts: ConvNetOptions = {}): tf.LayersModel {
  const activation = opts.activation ?? 'relu';
  const model = tf.sequential({ name: 'ConvNet' });
  [12, 24, 48].forEach((filters, i) => {
    model.add(tf.layers.conv2d({ filters, kernelSize: 3, strides: 1, padding: 'same', ...(i === 0 ? { inputShape: [32, 32, 3] } : {}) }));
    model.add(batchNorm());
    model.add(activationLayer(activation));
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  });
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 64 }));
  model.add(activationLayer(activation));
  model.add(tf.layers.dense({ units: opts.numClasses ?? 10 }));
  return model;
}
