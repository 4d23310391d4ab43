import * as tf from '@tensorflow/tfjs';
import type { ModelOptions } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// C. TinyVGG: a simplified VGG. Two convolutional blocks, each two 3x3 Conv -> BatchNorm -> ReLU, then
// MaxPool(2); a fully connected classifier with Dropout.
//   Block 1: Conv(3->64, 3x3) -> BN -> ReLU -> Conv(64->64, 3x3) -> BN -> ReLU -> MaxPool(2)       32x32 -> 16x16
//   Block 2: Conv(64->128, 3x3) -> BN -> ReLU -> Conv(128->128, 3x3) -> BN -> ReLU -> MaxPool(2)   16x16 -> 8x8
//   Classifier: Flatten -> FC(128*8*8 -> 512) -> ReLU -> Dropout(0.5) -> FC(512 -> 10)
// nn.BatchNorm2d's defaults are eps 1e-5 and momentum 0.1; tfjs writes that momentum as 0.9 (it weighs the
// old running statistic) and its own defaults differ. Expected: 4,460,874 trainable parameters.

/////////////////////////////////////////////////////////////////////////////
//                                  C                                      //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
export function createTinyVGG(opts: ModelOptions = {}): tf.LayersModel {
  const { numClasses = 10, dropout = 0.5 } = opts;
  // BEGIN SOLUTION
  const block = (name: string, filters: number, inputShape: [number, number, number]) =>
    tf.sequential({
      name,
      layers: [
        tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', inputShape, name: `${name}_conv1` }),
        tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9, name: `${name}_bn1` }),
        tf.layers.reLU({ name: `${name}_relu1` }),
        tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_conv2` }),
        tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9, name: `${name}_bn2` }),
        tf.layers.reLU({ name: `${name}_relu2` }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }),
      ],
    });
  const classifier = tf.sequential({
    name: 'classifier',
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 128], name: 'flatten' }),
      tf.layers.dense({ units: 512, name: 'fc1' }),
      tf.layers.reLU({ name: 'relu' }),
      tf.layers.dropout({ rate: dropout, name: 'dropout' }),
      tf.layers.dense({ units: numClasses, name: 'fc2' }),
    ],
  });
  return tf.sequential({ name: 'TinyVGG', layers: [block('block1', 64, [32, 32, 3]), block('block2', 128, [16, 16, 64]), classifier] });
  // END SOLUTION
  // STARTER: return todo(`C: createTinyVGG({ numClasses: ${numClasses}, dropout: ${dropout} })`);
}
