import * as tf from '@tensorflow/tfjs';
import { BatchNorm2d, SpatialDropout2d } from 'dlgrade/layers';
import type { CnnOptions } from '../../assignments/experiment4-cnn/contract.ts';
// STARTER: import { todo } from './todo.ts';

// A. The six-block CNN (notebook section 11): Input (32x32x3) -> [Conv -> BN -> ReLU] x 6 blocks -> Global Pool
// -> FC -> 10 classes. contract.ts lists every layer; the notebook's nn.Sequential is in README.md.
//
// PyTorch -> tfjs:
//   nn.Conv2d(cin, cout, kernel_size=k, padding=k // 2, bias=False)
//                              -> tf.layers.conv2d({ filters: cout, kernelSize: k, padding: 'same', useBias: false })
//   nn.BatchNorm2d(c)          -> new BatchNorm2d()            (from 'dlgrade/layers': PyTorch's running variance)
//   nn.ReLU()                  -> tf.layers.reLU()
//   nn.Dropout2d(p)            -> new SpatialDropout2d({ rate: p })   (whole feature maps; 'dlgrade/layers')
//   nn.AvgPool2d(2)            -> tf.layers.averagePooling2d({ poolSize: 2, strides: 2 })
//   nn.AdaptiveAvgPool2d(1) + nn.Flatten()  -> tf.layers.globalAveragePooling2d({})
//   nn.Dropout(p)              -> tf.layers.dropout({ rate: p })
//   nn.Linear(cin, cout)       -> tf.layers.dense({ units: cout })
// The first layer takes inputShape; tfjs infers the input channels of every other layer.

/** The notebook's widths: block 1 3 -> 64, block 2 64 -> 119, then 221, 256, 256, 256. */
export const CHANNELS = [64, 119, 221, 256, 256, 256];

export function createCnn(opts: CnnOptions = {}): tf.LayersModel {
  const channels = opts.channels ?? CHANNELS;
  const inputShape = opts.inputShape ?? [32, 32, 3];
  const numClasses = opts.numClasses ?? 10;
  if (channels.length !== 6) throw new Error(`createCnn: channels must list the six blocks' widths, got ${JSON.stringify(channels)}`);
  const model = tf.sequential({ name: 'Experiment4CNN' });

  //////////////////////////////////////////////////////////////////////////////
  //                                   A                                      //
  //                       BUILD THE SIX BLOCKS AND THE HEAD.                 //
  // Block 1 is given. Blocks 2-6 and the classifier: contract.ts, CreateCnn. //
  //////////////////////////////////////////////////////////////////////////////
  // === Block 1: 3 -> c1 channels ===
  model.add(tf.layers.conv2d({ inputShape, filters: channels[0], kernelSize: 5, padding: 'same', useBias: false }));
  model.add(new BatchNorm2d());
  model.add(tf.layers.reLU());

  // BEGIN SOLUTION
  // === Block 2: c1 -> c2 channels ===
  model.add(tf.layers.conv2d({ filters: channels[1], kernelSize: 5, padding: 'same', useBias: false }));
  model.add(new BatchNorm2d());
  model.add(tf.layers.reLU());
  model.add(new SpatialDropout2d({ rate: 0.04 }));
  model.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 2 })); // 32x32 -> 16x16

  // === Block 3: c2 -> c3 channels ===
  model.add(tf.layers.conv2d({ filters: channels[2], kernelSize: 3, padding: 'same', useBias: false }));
  model.add(new BatchNorm2d());
  model.add(tf.layers.reLU());
  model.add(new SpatialDropout2d({ rate: 0.05 }));

  // === Block 4: c3 -> c4 channels ===
  model.add(tf.layers.conv2d({ filters: channels[3], kernelSize: 5, padding: 'same', useBias: false }));
  model.add(new BatchNorm2d());
  model.add(tf.layers.reLU());
  model.add(new SpatialDropout2d({ rate: 0.02 }));
  model.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 2 })); // 16x16 -> 8x8

  // === Block 5: c4 -> c5 channels ===
  model.add(tf.layers.conv2d({ filters: channels[4], kernelSize: 3, padding: 'same', useBias: false }));
  model.add(new BatchNorm2d());
  model.add(tf.layers.reLU());
  model.add(new SpatialDropout2d({ rate: 0.09 }));

  // === Block 6: c5 -> c6 channels ===
  model.add(tf.layers.conv2d({ filters: channels[5], kernelSize: 5, padding: 'same', useBias: false }));
  model.add(new BatchNorm2d());
  model.add(tf.layers.reLU());
  model.add(new SpatialDropout2d({ rate: 0.08 }));

  // === Global Average Pooling (8x8 -> 1x1, flattened) ===
  model.add(tf.layers.globalAveragePooling2d({}));

  // === Classifier ===
  model.add(tf.layers.dropout({ rate: 0.38 }));
  model.add(tf.layers.dense({ units: numClasses }));
  // END SOLUTION
  // STARTER: void SpatialDropout2d;
  // STARTER: void numClasses;
  // STARTER: todo('A: createCnn, blocks 2-6 and the classifier');
  return model;
}
