import * as tf from '@tensorflow/tfjs';
import type { ConvNetOptions, ShapeTableRow } from '../../assignments/csci5501-a2/contract.ts';
import { activationLayer } from './activations.ts';

// B. Convolutional networks (20 points)
//   B.1 [5 points]  Fill out the shape after each transformation labelled with ??
//   B.2 [10 points] Build the network's layers.
//   B.3 [5 points]  The forward pass (in tfjs: the order of the layers; the model returns raw logits).

/////////////////////////////////////////////////////////////////////////////
//                                B.1                                      //
//                        COMPUTE THE OUTPUT SHAPES.                       //
// HxWxC as "(32, 32, 12)"; after Flatten a single number, e.g. "100".      //
/////////////////////////////////////////////////////////////////////////////
export const SHAPE_TABLE: ShapeTableRow[] = [
  { layerType: 'Input', description: 'Input image', outputShape: '(32, 32, 3)' },
  // BEGIN SOLUTION
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
  // END SOLUTION
  // BEGIN STARTER
  // { layerType: 'Conv2D', description: '12 filters, 3x3 kernel', outputShape: '??' },
  // { layerType: 'BatchNorm', description: 'Normalize 12 channels', outputShape: '??' },
  // { layerType: 'Activation', description: 'ReLU/LeakyReLU/etc', outputShape: '??' },
  // { layerType: 'MaxPooling', description: '2x2 pool, stride 2', outputShape: '??' },
  // { layerType: 'Conv2D', description: '24 filters, 3x3 kernel', outputShape: '??' },
  // { layerType: 'BatchNorm', description: 'Normalize 24 channels', outputShape: '??' },
  // { layerType: 'Activation', description: 'ReLU/LeakyReLU/etc', outputShape: '??' },
  // { layerType: 'MaxPooling', description: '2x2 pool, stride 2', outputShape: '??' },
  // { layerType: 'Conv2D', description: '48 filters, 3x3 kernel', outputShape: '??' },
  // { layerType: 'BatchNorm', description: 'Normalize 48 channels', outputShape: '??' },
  // { layerType: 'Activation', description: 'ReLU/LeakyReLU/etc', outputShape: '??' },
  // { layerType: 'MaxPooling', description: '2x2 pool, stride 2', outputShape: '??' },
  // { layerType: 'Flatten', description: 'Flatten', outputShape: '??' },
  // { layerType: 'Fully Connected', description: '64 units', outputShape: '??' },
  // { layerType: 'Activation', description: 'ReLU/LeakyReLU/etc', outputShape: '??' },
  // { layerType: 'Fully Connected', description: 'Output layer, 10 classes', outputShape: '??' },
  // END STARTER
];

/** nn.BatchNorm2d's defaults: eps 1e-5, running-stat momentum 0.1 (tfjs weighs the old statistic: 0.9). */
export function batchNorm(): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9 });
}

/**
 * A simple convolutional network for 32x32x3 images: the layers of table B.1, in order.
 */
export function createConvNet(opts: ConvNetOptions = {}): tf.LayersModel {
  const activation = opts.activation ?? 'relu';
  const numClasses = opts.numClasses ?? 10;
  //////////////////////////////////////////////////////////////////////////
  //                               B.2                                    //
  //                      COMPLETE THIS FUNCTION.                         //
  //////////////////////////////////////////////////////////////////////////
  const model = tf.sequential({
    name: 'ConvNet',
    layers: [
      // Conv Block 1
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 12, kernelSize: 3, strides: 1, padding: 'same' }),
      batchNorm(),
      activationLayer(activation),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),

      // Conv Block 2 -> (8, 8, 24) after its pooling
      // STARTER: // Write code here.
      // BEGIN SOLUTION
      tf.layers.conv2d({ filters: 24, kernelSize: 3, strides: 1, padding: 'same' }),
      batchNorm(),
      activationLayer(activation),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      // END SOLUTION

      // Conv Block 3 -> (4, 4, 48) after its pooling
      // STARTER: // Write code here.
      // BEGIN SOLUTION
      tf.layers.conv2d({ filters: 48, kernelSize: 3, strides: 1, padding: 'same' }),
      batchNorm(),
      activationLayer(activation),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      // END SOLUTION

      // Flatten, Dense(64), activation, then the output layer Dense(numClasses)
      // STARTER: // Write code here.
      // BEGIN SOLUTION
      tf.layers.flatten(),
      tf.layers.dense({ units: 64 }),
      activationLayer(activation),
      tf.layers.dense({ units: numClasses }),
      // END SOLUTION
    ],
  });
  // STARTER: void numClasses;
  //////////////////////////////////////////////////////////////////////////
  //                               B.3                                    //
  // The model returns raw logits [batch, numClasses]: no softmax.        //
  //////////////////////////////////////////////////////////////////////////
  if (model.layers.length < 16) throw new Error(`TODO B.2: createConvNet has ${model.layers.length} of the 16 layers of table B.1`);
  return model;
}
