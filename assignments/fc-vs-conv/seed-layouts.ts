// The notebook's two ConvNets built from BottleneckResBlocks ("minimize # of params": 32,946; "maximize
// accuracy at about the same count": 121,306, golden/models.json fc_vs_conv), assembled around a block
// builder: the probe builds them with the SUBMISSION's createBottleneckResBlock (exercise C), the grader counts
// the rebuilt models. Block sizes are (in, bottleneck, out); a 2x2 max pool follows the second block.
import * as tf from '@tensorflow/tfjs';
import { AdaptiveAvgPool2d } from 'dlgrade/layers';
import type { CreateBottleneckResBlock } from './contract.ts';

export type SeedLayoutName = 'bottleneck_small' | 'bottleneck_big';

export interface SeedLayout {
  /** Blocks 1-5 as (in, bottleneck, out). */
  blocks: [number, number, number][];
  /** Channels into the final Linear after AdaptiveAvgPool2d((8, 8)). */
  fcIn: number;
}

export const SEED_LAYOUTS: Record<SeedLayoutName, SeedLayout> = {
  bottleneck_small: {
    blocks: [
      [3, 8, 16],
      [16, 8, 16],
      [16, 16, 32],
      [32, 16, 32],
      [32, 16, 32],
    ],
    fcIn: 32 * 8 * 8,
  },
  bottleneck_big: {
    blocks: [
      [3, 16, 32],
      [32, 16, 32],
      [32, 32, 64],
      [64, 32, 64],
      [64, 64, 64],
    ],
    fcIn: 64 * 8 * 8,
  },
};

/** The notebook's ConvNet `name` with every block made by `block` (named block1..block5); 10 classes. */
export function seedConvNet(block: CreateBottleneckResBlock, name: SeedLayoutName): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  let x = input;
  SEED_LAYOUTS[name].blocks.forEach(([i, b, o], k) => {
    x = block(i, b, o, `block${k + 1}`).apply(x) as tf.SymbolicTensor;
    if (k === 1) x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
  });
  x = new AdaptiveAvgPool2d({ outputSize: [8, 8] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 10, name: 'fc' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name });
}
