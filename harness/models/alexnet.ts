import * as tf from '@tensorflow/tfjs';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool.ts';
import { LocalResponseNorm } from './local-response-norm.ts';

// Lab 4 AlexNetCIFAR (seed 000): AlexNet adapted to 32x32, nested as the seed nests it.
//   features: Conv(64, 3x3, pad 1) ReLU LRN | Conv(192, 5x5, pad 2) ReLU LRN MaxPool(2) |
//             Conv(384, 3x3, pad 1) ReLU | Conv(256, 3x3, pad 1) ReLU | Conv(256, 3x3, pad 1) ReLU MaxPool(2)
//   avgpool: AdaptiveAvgPool2d((4, 4)); flatten
//   classifier: Dropout Linear(4096, 4096) ReLU Dropout Linear(4096, 4096) ReLU Linear(4096, classes)
// LRN: size 5, alpha 1e-4, beta 0.75, k 2 with PyTorch's semantics. 36,051,786 parameters.
// Flatten order is HWC here and CHW in PyTorch: same count, different weight layout in the first Linear.

export interface AlexNetOptions {
  numClasses?: number;
  dropout?: number;
  inputShape?: readonly [number, number, number];
  name?: string;
}

const LRN = { size: 5, alpha: 1e-4, beta: 0.75, k: 2 };

export function alexNetCIFAR(opts: AlexNetOptions = {}): tf.Sequential {
  const inputShape = [...(opts.inputShape ?? [32, 32, 3])];
  const rate = opts.dropout ?? 0.5;
  const conv = (filters: number, kernelSize: number, name: string, first = false) =>
    // 'same' equals PyTorch's padding (k-1)/2 for odd kernels at stride 1.
    tf.layers.conv2d({ filters, kernelSize, strides: 1, padding: 'same', name, ...(first ? { inputShape } : {}) });
  const features = tf.sequential({
    name: 'features',
    layers: [
      conv(64, 3, 'features_conv1', true),
      tf.layers.reLU({ name: 'features_relu1' }),
      new LocalResponseNorm({ ...LRN, name: 'features_lrn1' }),
      conv(192, 5, 'features_conv2'),
      tf.layers.reLU({ name: 'features_relu2' }),
      new LocalResponseNorm({ ...LRN, name: 'features_lrn2' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'features_pool1' }),
      conv(384, 3, 'features_conv3'),
      tf.layers.reLU({ name: 'features_relu3' }),
      conv(256, 3, 'features_conv4'),
      tf.layers.reLU({ name: 'features_relu4' }),
      conv(256, 3, 'features_conv5'),
      tf.layers.reLU({ name: 'features_relu5' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'features_pool2' }),
    ],
  });
  const classifier = tf.sequential({
    name: 'classifier',
    layers: [
      tf.layers.dropout({ rate, inputShape: [256 * 4 * 4], name: 'classifier_dropout1' }),
      tf.layers.dense({ units: 4096, name: 'classifier_fc1' }),
      tf.layers.reLU({ name: 'classifier_relu1' }),
      tf.layers.dropout({ rate, name: 'classifier_dropout2' }),
      tf.layers.dense({ units: 4096, name: 'classifier_fc2' }),
      tf.layers.reLU({ name: 'classifier_relu2' }),
      tf.layers.dense({ units: opts.numClasses ?? 10, name: 'classifier_fc3' }),
    ],
  });
  return tf.sequential({
    name: opts.name ?? 'AlexNetCIFAR',
    layers: [features, new AdaptiveAvgPool2d({ outputSize: 4, name: 'avgpool' }), tf.layers.flatten({ name: 'flatten' }), classifier],
  });
}
