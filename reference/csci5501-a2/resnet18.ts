import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ResNet18Options } from '../../assignments/csci5501-a2/contract.ts';
import { ResizeBilinear } from 'dlgrade/layers';
// STARTER: import { todo } from './todo.ts';

// F. Fine-tuning a pretrained ResNet-18 (15 points)
// tfjs has no torchvision: this file is models.resnet18 for tfjs (given). Layer names are torchvision's
// parameter names (conv1, bn1, layer1.0.conv1, layer2.0.downsample.0, fc), so the top-level block of every
// layer is the part of its name before the first ".". Your part: freezing (below).

function batchNorm(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9, name });
}

/** PyTorch pads both sides equally; tfjs 'same' with stride 2 pads the bottom/right only, so pad explicitly. */
function conv(x: tf.SymbolicTensor, filters: number, kernelSize: number, stride: number, name: string): tf.SymbolicTensor {
  const pad = (kernelSize - 1) / 2;
  const input = stride > 1 && pad > 0 ? (tf.layers.zeroPadding2d({ padding: pad, name: `${name}.pad` }).apply(x) as tf.SymbolicTensor) : x;
  const padding = stride > 1 || pad === 0 ? 'valid' : 'same';
  return tf.layers.conv2d({ filters, kernelSize, strides: stride, padding, useBias: false, name }).apply(input) as tf.SymbolicTensor;
}

function basicBlock(x: tf.SymbolicTensor, filters: number, stride: number, name: string): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = conv(x, filters, 3, stride, `${name}.conv1`);
  y = batchNorm(`${name}.bn1`).apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU({ name: `${name}.relu1` }).apply(y) as tf.SymbolicTensor;
  y = conv(y, filters, 3, 1, `${name}.conv2`);
  y = batchNorm(`${name}.bn2`).apply(y) as tf.SymbolicTensor;
  let shortcut = x;
  if (stride !== 1 || inChannels !== filters) {
    shortcut = conv(x, filters, 1, stride, `${name}.downsample.0`);
    shortcut = batchNorm(`${name}.downsample.1`).apply(shortcut) as tf.SymbolicTensor;
  }
  const sum = tf.layers.add({ name: `${name}.add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}.relu2` }).apply(sum) as tf.SymbolicTensor;
}

/** Loads a tfjs weights manifest (contract.ts) into the model; every weight of the model must be in it. */
export function loadWeightsFile(model: tf.LayersModel, manifestPath: string): void {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { weightsManifest: tf.io.WeightsManifestConfig };
  const named: tf.NamedTensorMap = {};
  for (const group of manifest.weightsManifest) {
    const chunks = group.paths.map((p) => readFileSync(path.resolve(path.dirname(manifestPath), p)));
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    Object.assign(named, tf.io.decodeWeights(bytes.buffer, group.weights));
  }
  model.loadWeights(named, true);
  tf.dispose(Object.values(named));
}

export function createResNet18(opts: ResNet18Options = {}): tf.LayersModel {
  const numClasses = opts.numClasses ?? 10;
  const inputSize = opts.inputSize ?? 224;
  const input = tf.input({ shape: [null, null, 3], name: 'input' });
  // The notebook's forward: x = F.interpolate(x, size=(224, 224), mode='bilinear')
  let x = new ResizeBilinear({ size: inputSize, name: 'resize' }).apply(input) as tf.SymbolicTensor;
  x = conv(x, 64, 7, 2, 'conv1');
  x = batchNorm('bn1').apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'relu' }).apply(x) as tf.SymbolicTensor;
  // After a ReLU, zero padding is the same as PyTorch's -inf padding of the max pool.
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'maxpool.pad' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'maxpool' }).apply(x) as tf.SymbolicTensor;
  [64, 128, 256, 512].forEach((filters, i) => {
    x = basicBlock(x, filters, i === 0 ? 1 : 2, `layer${i + 1}.0`);
    x = basicBlock(x, filters, 1, `layer${i + 1}.1`);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as tf.SymbolicTensor;
  // Modify the last fully connected layer to match the number of classes.
  const out = tf.layers.dense({ units: numClasses, name: 'fc' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: 'ResNet18' });

  // Load pretrained weights (e.g. ImageNet weights converted to this format) when given.
  if (opts.weightsPath) loadWeightsFile(model, opts.weightsPath);

  //////////////////////////////////////////////////////////////////////////
  //                        F. Freeze the blocks                          //
  // Set layer.trainable = false on every layer of the blocks named in    //
  // opts.freezeBlocks. Match the TOP-LEVEL block name: ['conv1', 'bn1']  //
  // freezes the stem's conv1 and bn1, not the conv1/bn1 inside layer1..4. //
  //////////////////////////////////////////////////////////////////////////
  // BEGIN SOLUTION
  const frozen = new Set<string>(opts.freezeBlocks ?? []);
  for (const layer of model.layers) {
    if (frozen.has(layer.name.split('.')[0])) layer.trainable = false;
  }
  // END SOLUTION
  // STARTER: if (opts.freezeBlocks?.length) todo('F: freeze the layers of the blocks in freezeBlocks');
  return model;
}
