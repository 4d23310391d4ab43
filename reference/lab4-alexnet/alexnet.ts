import * as tf from '@tensorflow/tfjs';
import { AdaptiveAvgPool2d, LocalResponseNorm } from 'dlgrade/layers';
import type { AlexNetOptions } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// B.3 AlexNet adapted for CIFAR-10 (32x32 input). Key adaptations from the original AlexNet:
// - first conv: 11x11 stride 4 -> 3x3 stride 1 (keeps 32x32);
// - no MaxPool after conv1 (it would destroy the spatial information of a small image);
// - AdaptiveAvgPool2d((4, 4)) before the classifier, so its first Linear takes 256*4*4 = 4096 inputs for any
//   input size (the original pooled to 6x6 for 224x224 images);
// - 10 classes instead of 1000.
//   Conv1(64, 3x3) -> Conv2(192, 5x5, pad 2) -> Pool -> Conv3(384, 3x3, pad 1) -> Conv4(256, 3x3, pad 1) ->
//   Conv5(256, 3x3, pad 1) -> Pool -> AdaptiveAvgPool(4x4) -> FC(4096) -> FC(4096) -> FC(10)
// LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2) after the first two convs (with their ReLU), and
// Dropout before both hidden FC layers. Use the LocalResponseNorm and AdaptiveAvgPool2d layers of
// 'dlgrade/layers' (nn.LocalResponseNorm and nn.AdaptiveAvgPool2d). Expected: 36,051,786 parameters.

/////////////////////////////////////////////////////////////////////////////
//                                 B.3                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
export function createAlexNet(opts: AlexNetOptions = {}): tf.LayersModel {
  const { numClasses = 10, dropout = 0.5, inputShape = [32, 32, 3] } = opts;
  // BEGIN SOLUTION
  const lrn = (name: string) => new LocalResponseNorm({ size: 5, alpha: 1e-4, beta: 0.75, k: 2, name });
  // 'same' at stride 1 is PyTorch's padding=(k-1)/2.
  const conv = (filters: number, kernelSize: number, name: string) => tf.layers.conv2d({ filters, kernelSize, strides: 1, padding: 'same', name });
  const features = tf.sequential({
    name: 'features',
    layers: [
      tf.layers.inputLayer({ inputShape: [...inputShape] }),
      conv(64, 3, 'conv1'), // 32x32 -> 32x32
      tf.layers.reLU({ name: 'relu1' }),
      lrn('lrn1'),
      conv(192, 5, 'conv2'), // 32x32 -> 32x32
      tf.layers.reLU({ name: 'relu2' }),
      lrn('lrn2'),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }), // 32x32 -> 16x16
      conv(384, 3, 'conv3'),
      tf.layers.reLU({ name: 'relu3' }),
      conv(256, 3, 'conv4'),
      tf.layers.reLU({ name: 'relu4' }),
      conv(256, 3, 'conv5'),
      tf.layers.reLU({ name: 'relu5' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' }), // 16x16 -> 8x8
    ],
  });
  const classifier = tf.sequential({
    name: 'classifier',
    layers: [
      tf.layers.dropout({ rate: dropout, inputShape: [256 * 4 * 4], name: 'dropout1' }),
      tf.layers.dense({ units: 4096, name: 'fc1' }),
      tf.layers.reLU({ name: 'relu6' }),
      tf.layers.dropout({ rate: dropout, name: 'dropout2' }),
      tf.layers.dense({ units: 4096, name: 'fc2' }),
      tf.layers.reLU({ name: 'relu7' }),
      tf.layers.dense({ units: numClasses, name: 'fc3' }),
    ],
  });
  return tf.sequential({
    name: 'AlexNetCIFAR',
    layers: [features, new AdaptiveAvgPool2d({ outputSize: [4, 4], name: 'avgpool' }), tf.layers.flatten({ name: 'flatten' }), classifier],
  });
  // END SOLUTION
  // STARTER: return todo(`B.3: createAlexNet({ numClasses: ${numClasses}, dropout: ${dropout}, inputShape: [${inputShape.join(', ')}] })`);
}
