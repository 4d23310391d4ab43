import * as tf from '@tensorflow/tfjs';
import { batchNorm } from './torch-layers.ts';

// torchvision.models.resnet18(num_classes=...) as a tf.LayersModel, NHWC: conv1 7x7/2 -> bn1 -> relu ->
// maxpool 3x3/2 -> layer1..layer4 (two BasicBlocks each, 64/128/256/512 channels, stride 2 from layer2 on,
// 1x1/2 conv + BN "downsample" shortcut where the shape changes) -> global average pool -> fc.
// 11,181,642 trainable parameters with 10 classes (golden/models.json), convolutions without bias.
//
// Layer names follow torchvision's parameter names (conv1, bn1, layer1.0.conv1, layer2.0.downsample.0, fc),
// so freezing "by name" behaves as in the seed (002 F), including its substring pitfall.
//
// Padding: PyTorch pads symmetrically (7x7/2 pad 3, 3x3/2 pad 1). tfjs 'same' with stride 2 on an even size
// puts the single extra row at the bottom instead, which shifts every window, so stride-2 layers get an
// explicit zeroPadding2d and then 'valid'. The max pool follows a ReLU, so zero padding equals PyTorch's
// -inf padding there.

export interface ResNet18Options {
  numClasses?: number;
  /** NHWC input; torchvision's default is 224x224x3, any size >= 32 works (global average pool). */
  inputShape?: readonly [number, number, number];
  name?: string;
}

function conv(x: tf.SymbolicTensor, filters: number, kernelSize: number, stride: number, name: string): tf.SymbolicTensor {
  const pad = (kernelSize - 1) / 2;
  let input = x;
  if (stride > 1 && pad > 0) {
    input = tf.layers.zeroPadding2d({ padding: pad, name: `${name}.pad` }).apply(x) as tf.SymbolicTensor;
  }
  return tf.layers
    .conv2d({ filters, kernelSize, strides: stride, padding: stride > 1 || pad === 0 ? 'valid' : 'same', useBias: false, name })
    .apply(input) as tf.SymbolicTensor;
}

function bnRelu(x: tf.SymbolicTensor, bnName: string, reluName?: string): tf.SymbolicTensor {
  const y = batchNorm(bnName).apply(x) as tf.SymbolicTensor;
  return reluName ? (tf.layers.reLU({ name: reluName }).apply(y) as tf.SymbolicTensor) : y;
}

/** torchvision's BasicBlock (expansion 1). */
function basicBlock(x: tf.SymbolicTensor, filters: number, stride: number, name: string): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = conv(x, filters, 3, stride, `${name}.conv1`);
  y = bnRelu(y, `${name}.bn1`, `${name}.relu1`);
  y = conv(y, filters, 3, 1, `${name}.conv2`);
  y = bnRelu(y, `${name}.bn2`);
  let shortcut = x;
  if (stride !== 1 || inChannels !== filters) {
    shortcut = conv(x, filters, 1, stride, `${name}.downsample.0`);
    shortcut = bnRelu(shortcut, `${name}.downsample.1`);
  }
  const sum = tf.layers.add({ name: `${name}.add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}.relu2` }).apply(sum) as tf.SymbolicTensor;
}

export function resNet18(opts: ResNet18Options = {}): tf.LayersModel {
  const numClasses = opts.numClasses ?? 10;
  const inputShape = opts.inputShape ?? [224, 224, 3];
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new Error(`resNet18: numClasses must be a positive integer, got ${numClasses}`);
  if (inputShape[0] < 32 || inputShape[1] < 32) {
    throw new Error(`resNet18: input ${inputShape.join('x')} is too small; ResNet-18 downsamples 32 times (need at least 32x32)`);
  }
  const input = tf.input({ shape: [...inputShape], name: 'input' });
  let x = conv(input, 64, 7, 2, 'conv1');
  x = bnRelu(x, 'bn1', 'relu');
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'maxpool.pad' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'maxpool' }).apply(x) as tf.SymbolicTensor;
  [64, 128, 256, 512].forEach((filters, i) => {
    const stride = i === 0 ? 1 : 2;
    x = basicBlock(x, filters, stride, `layer${i + 1}.0`);
    x = basicBlock(x, filters, 1, `layer${i + 1}.1`);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: numClasses, name: 'fc' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: opts.name ?? 'ResNet18' });
}
