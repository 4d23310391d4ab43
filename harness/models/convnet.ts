import * as tf from '@tensorflow/tfjs';
import { activationLayer, batchNorm, type ActivationName } from './torch-layers.ts';

// CSCI-5501 A2 exercise B (seed 002) and the bench workload (torch_peer.py convnet()): three blocks of
// Conv2d(3x3, padding 1) -> BatchNorm2d -> activation -> MaxPool2d(2), then Flatten -> Linear(768, 64) ->
// activation -> Linear(64, classes). 32x32x3 input; 63,402 trainable parameters with 10 classes.
// Layers follow the seed's table one to one, so the summary's output shapes reproduce table B.1.

export interface ConvNetOptions {
  numClasses?: number;
  activation?: ActivationName;
  /** NHWC input; the seed's network is fixed to 32x32x3 (Linear(768, ...) assumes it). */
  inputShape?: readonly [number, number, number];
  name?: string;
}

export function convNet(opts: ConvNetOptions = {}): tf.Sequential {
  const activation = opts.activation ?? 'relu';
  const inputShape = opts.inputShape ?? [32, 32, 3];
  const model = tf.sequential({ name: opts.name ?? 'ConvNet' });
  [12, 24, 48].forEach((filters, i) => {
    const b = i + 1;
    model.add(
      tf.layers.conv2d({
        filters,
        kernelSize: 3,
        strides: 1,
        padding: 'same', // PyTorch padding=1 with a 3x3 kernel and stride 1
        name: `conv${b}`,
        ...(i === 0 ? { inputShape: [...inputShape] } : {}),
      }),
    );
    model.add(batchNorm(`bn${b}`));
    model.add(activationLayer(activation, `act${b}`));
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${b}` }));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ units: 64, name: 'fc1' }));
  model.add(activationLayer(activation, 'act4'));
  model.add(tf.layers.dense({ units: opts.numClasses ?? 10, name: 'fc2' }));
  return model;
}
