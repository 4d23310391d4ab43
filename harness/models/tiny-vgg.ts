import * as tf from '@tensorflow/tfjs';
import { batchNorm } from './torch-layers.ts';

// Lab 4 TinyVGG (seed 000), nested as the seed nests it (block1, block2, classifier):
//   block: [Conv2d(3x3, pad 1) -> BatchNorm2d -> ReLU] x 2 -> MaxPool2d(2)   (64 then 128 channels)
//   classifier: Flatten -> Linear(128*8*8, 512) -> ReLU -> Dropout(0.5) -> Linear(512, classes)
// 4,460,874 trainable parameters for 32x32x3 input and 10 classes.

export interface TinyVGGOptions {
  numClasses?: number;
  dropout?: number;
  inputShape?: readonly [number, number, number];
  name?: string;
}

function block(name: string, filters: number, inputShape: number[]): tf.Sequential {
  const b = tf.sequential({ name });
  b.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', inputShape, name: `${name}_conv1` }));
  b.add(batchNorm(`${name}_bn1`));
  b.add(tf.layers.reLU({ name: `${name}_relu1` }));
  b.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_conv2` }));
  b.add(batchNorm(`${name}_bn2`));
  b.add(tf.layers.reLU({ name: `${name}_relu2` }));
  b.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }));
  return b;
}

export function tinyVGG(opts: TinyVGGOptions = {}): tf.Sequential {
  const [h, w, c] = opts.inputShape ?? [32, 32, 3];
  const b1 = block('block1', 64, [h, w, c]);
  const b2 = block('block2', 128, [Math.floor(h / 2), Math.floor(w / 2), 64]);
  const classifier = tf.sequential({ name: 'classifier' });
  classifier.add(tf.layers.flatten({ inputShape: [Math.floor(h / 4), Math.floor(w / 4), 128], name: 'classifier_flatten' }));
  classifier.add(tf.layers.dense({ units: 512, name: 'classifier_fc1' }));
  classifier.add(tf.layers.reLU({ name: 'classifier_relu' }));
  classifier.add(tf.layers.dropout({ rate: opts.dropout ?? 0.5, name: 'classifier_dropout' }));
  classifier.add(tf.layers.dense({ units: opts.numClasses ?? 10, name: 'classifier_fc2' }));
  const model = tf.sequential({ name: opts.name ?? 'TinyVGG', layers: [b1, b2, classifier] });
  return model;
}
