import * as tf from '@tensorflow/tfjs';
import { BatchNorm2d } from './batch-norm2d.ts';
import { SpatialDropout2d } from './spatial-dropout2d.ts';

// Seed 001 (Experiment-4) "six-block CNN": six blocks of bias-free Conv2d -> BatchNorm2d (PyTorch's running
// variance: batch-norm2d.ts) -> ReLU, spatial dropout (nn.Dropout2d) after blocks 2-6, AvgPool2d(2) after
// blocks 2 and 4, global average pooling, Dropout(0.38), Linear(256, 10). 4,079,429 trainable parameters
// with the seed's widths (golden/models.json). `channels` and `inputShape` scale it down for CPU budgets (global pooling makes any input size work).

/** One block of the seed's nn.Sequential. */
export interface CnnBlock {
  kernel: number;
  /** nn.Dropout2d rate after the ReLU, or null. */
  dropout2d: number | null;
  /** AvgPool2d(2) after the block. */
  pool: boolean;
}

export const EXPERIMENT4_BLOCKS: readonly CnnBlock[] = [
  { kernel: 5, dropout2d: null, pool: false },
  { kernel: 5, dropout2d: 0.04, pool: true },
  { kernel: 3, dropout2d: 0.05, pool: false },
  { kernel: 5, dropout2d: 0.02, pool: true },
  { kernel: 3, dropout2d: 0.09, pool: false },
  { kernel: 5, dropout2d: 0.08, pool: false },
];
export const EXPERIMENT4_CHANNELS: readonly number[] = [64, 119, 221, 256, 256, 256];
export const EXPERIMENT4_CLASSIFIER_DROPOUT = 0.38;

export interface Experiment4CnnOptions {
  /** The six convolutions' output channels (the seed's: 64, 119, 221, 256, 256, 256). */
  channels?: readonly number[];
  /** NHWC input, default [32, 32, 3]. */
  inputShape?: readonly [number, number, number];
  numClasses?: number;
}

export function experiment4Cnn(opts: Experiment4CnnOptions = {}): tf.Sequential {
  const channels = opts.channels ?? EXPERIMENT4_CHANNELS;
  if (channels.length !== 6 || !channels.every((c) => Number.isInteger(c) && c > 0)) {
    throw new Error(`experiment4Cnn: channels must be six positive integers, got ${JSON.stringify(channels)}`);
  }
  const model = tf.sequential({ name: 'Experiment4CNN' });
  EXPERIMENT4_BLOCKS.forEach((b, i) => {
    const n = i + 1;
    // PyTorch padding k // 2 with stride 1 keeps the size: tfjs 'same'.
    model.add(
      tf.layers.conv2d({ filters: channels[i], kernelSize: b.kernel, padding: 'same', useBias: false, name: `conv${n}`, ...(i === 0 ? { inputShape: [...(opts.inputShape ?? [32, 32, 3])] } : {}) }),
    );
    model.add(new BatchNorm2d({ name: `bn${n}` }));
    model.add(tf.layers.reLU({ name: `relu${n}` }));
    if (b.dropout2d !== null) model.add(new SpatialDropout2d({ rate: b.dropout2d, name: `dropout2d_${n}` }));
    if (b.pool) model.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 2, name: `pool${n}` }));
  });
  model.add(tf.layers.globalAveragePooling2d({ name: 'global_pool' }));
  model.add(tf.layers.dropout({ rate: EXPERIMENT4_CLASSIFIER_DROPOUT, name: 'dropout' }));
  model.add(tf.layers.dense({ units: opts.numClasses ?? 10, name: 'fc' }));
  return model;
}

/** PyTorch's trainable parameter count of the network for given widths (bias-free convs, BatchNorm affine, Linear). */
export function experiment4Params(channels: readonly number[] = EXPERIMENT4_CHANNELS, inChannels = 3, numClasses = 10): { total: number; perLayer: number[] } {
  const perLayer: number[] = [];
  let cin = inChannels;
  EXPERIMENT4_BLOCKS.forEach((b, i) => {
    perLayer.push(b.kernel * b.kernel * cin * channels[i], 2 * channels[i]);
    cin = channels[i];
  });
  perLayer.push(cin * numClasses + numClasses);
  return { total: perLayer.reduce((a, v) => a + v, 0), perLayer };
}
