// The six-block CNN's layer sequence (exercise A), as the grader reads it from a rebuilt model: each layer as
// a short description ("conv 5x5 64 same no-bias"), the notebook's sequence for given widths, and the first
// place where a submission's differs, in words.
import type * as tf from '@tensorflow/tfjs';

export const SEED_CHANNELS = [64, 119, 221, 256, 256, 256];
export const KERNELS = [5, 5, 3, 5, 3, 5];
/** nn.Dropout2d rate after each block (null: none). */
export const DROPOUT2D: (number | null)[] = [null, 0.04, 0.05, 0.02, 0.09, 0.08];
export const POOL_AFTER = [false, true, false, true, false, false];
export const CLASSIFIER_DROPOUT = 0.38;

/** PyTorch's trainable parameters of the network, layer by layer (the layers that have some). */
export function expectedParams(channels: readonly number[], inChannels = 3, classes = 10): { perLayer: { kind: string; params: number }[]; total: number } {
  const perLayer: { kind: string; params: number }[] = [];
  let cin = inChannels;
  channels.forEach((c, i) => {
    perLayer.push({ kind: `Conv2d ${KERNELS[i]}x${KERNELS[i]} ${cin}->${c}`, params: KERNELS[i] ** 2 * cin * c }, { kind: `BatchNorm2d(${c})`, params: 2 * c });
    cin = c;
  });
  perLayer.push({ kind: `Linear(${cin}, ${classes})`, params: cin * classes + classes });
  return { perLayer, total: perLayer.reduce((s, l) => s + l.params, 0) };
}

/** The notebook's layers as descriptions, in order. */
export function expectedSequence(channels: readonly number[], classes = 10): string[] {
  const seq: string[] = [];
  channels.forEach((c, i) => {
    seq.push(`conv ${KERNELS[i]}x${KERNELS[i]} ${c} same no-bias`, 'BatchNorm2d', 'relu');
    if (DROPOUT2D[i] !== null) seq.push(`dropout2d ${DROPOUT2D[i]}`);
    if (POOL_AFTER[i]) seq.push('avgpool 2x2');
  });
  seq.push('global average pool', `dropout ${CLASSIFIER_DROPOUT}`, `dense ${classes}`);
  return seq;
}

type Config = Record<string, unknown>;
const pair = (v: unknown) => (Array.isArray(v) ? v.join('x') : `${v}x${v}`);

/** One layer as a description comparable with expectedSequence; null for layers that compute nothing (Input). */
export function describeLayer(layer: tf.layers.Layer, next?: tf.layers.Layer): string | null {
  const c = layer.getConfig() as Config;
  switch (layer.getClassName()) {
    case 'InputLayer':
      return null;
    case 'Conv2D': {
      const extra = [pair(c.strides) !== '1x1' ? `stride ${pair(c.strides)}` : '', pair(c.dilationRate ?? 1) !== '1x1' ? `dilation ${pair(c.dilationRate)}` : '', c.activation && c.activation !== 'linear' ? String(c.activation) : ''].filter(Boolean);
      return [`conv ${pair(c.kernelSize)} ${c.filters} ${c.padding} ${c.useBias ? 'bias' : 'no-bias'}`, ...extra].join(' ');
    }
    case 'BatchNorm2d':
      return c.epsilon === 1e-5 && c.momentum === 0.9 ? 'BatchNorm2d' : `BatchNorm2d eps ${c.epsilon} momentum ${c.momentum}`;
    case 'BatchNormalization':
      return `tf BatchNormalization eps ${c.epsilon} momentum ${c.momentum}`;
    case 'ReLU':
      return c.maxValue == null ? 'relu' : `relu max ${c.maxValue}`;
    case 'Activation':
      return String(c.activation);
    case 'SpatialDropout2d':
      return `dropout2d ${c.rate}`;
    case 'Dropout': {
      const ns = c.noiseShape as (number | null)[] | null | undefined;
      const spatial = Array.isArray(ns) && ns.length === 4 && ns[1] === 1 && ns[2] === 1;
      return `${spatial ? 'dropout2d' : 'dropout'} ${c.rate}`;
    }
    case 'AveragePooling2D':
      return pair(c.poolSize) === '2x2' && (c.strides == null || pair(c.strides) === '2x2') && c.padding === 'valid' ? 'avgpool 2x2' : `avgpool ${pair(c.poolSize)} stride ${pair(c.strides)} ${c.padding}`;
    case 'MaxPooling2D':
      return `maxpool ${pair(c.poolSize)}`;
    case 'GlobalAveragePooling2D':
      return 'global average pool';
    case 'AdaptiveAvgPool2d':
      return pair(c.outputSize) === '1x1' && next?.getClassName() === 'Flatten' ? 'global average pool' : `adaptive avgpool ${pair(c.outputSize)}`;
    case 'Flatten':
      return 'flatten';
    case 'Dense':
      return `dense ${c.units}${c.activation && c.activation !== 'linear' ? ` ${c.activation}` : ''}`;
    default:
      return layer.getClassName();
  }
}

/** The model's leaf layers (nested models flattened), described; AdaptiveAvgPool2d(1) + Flatten count as one. */
export function describeModel(model: tf.LayersModel): string[] {
  const leaves: tf.layers.Layer[] = [];
  const visit = (l: tf.layers.Layer) => {
    const nested = (l as unknown as { layers?: tf.layers.Layer[] }).layers;
    if (Array.isArray(nested)) nested.forEach(visit);
    else leaves.push(l);
  };
  model.layers.forEach(visit);
  const out: string[] = [];
  leaves.forEach((l, i) => {
    if (l.getClassName() === 'Flatten' && leaves[i - 1]?.getClassName() === 'AdaptiveAvgPool2d' && out.at(-1) === 'global average pool') return;
    const d = describeLayer(l, leaves[i + 1]);
    if (d !== null) out.push(d);
  });
  return out;
}

/**
 * A description as the architecture check compares it: without the convolution's bias (the parameter counts
 * judge it) and without the dropout's kind (the behavioural Dropout2d check judges it), so one mistake costs
 * one test.
 */
export function forArchitecture(desc: string): string {
  return desc.replace(/ (no-)?bias\b/, '').replace(/^dropout2d /, 'dropout ');
}

/** Why a description differs from what the notebook has there (a hint for the usual mistakes), or ''. */
function hint(want: string, got: string | undefined): string {
  if (got === undefined) return ' (the model ends here)';
  if (want.startsWith('conv') && got.startsWith('conv') && got.includes(' bias')) return ': the notebook\'s convolutions are bias-free (bias=False: useBias false), BatchNorm follows';
  if (want.startsWith('conv') && got.startsWith('conv') && got.includes(' valid')) return ": PyTorch's padding k // 2 keeps the size: padding 'same'";
  if (want === 'BatchNorm2d' && got.startsWith('tf BatchNormalization')) return ": use BatchNorm2d from 'dlgrade/layers': tfjs's BatchNormalization updates its running variance with the biased batch variance (PyTorch uses the unbiased one)";
  if (want === 'BatchNorm2d' && got.startsWith('BatchNorm2d')) return ": PyTorch's defaults are eps 1e-5, momentum 0.1 (tfjs convention 0.9): new BatchNorm2d() has them";
  if (want.startsWith('dropout2d') && got.startsWith('dropout ')) return ': nn.Dropout2d drops whole feature maps: SpatialDropout2d from \'dlgrade/layers\' (tf.layers.dropout is nn.Dropout)';
  if (want.startsWith('avgpool') && got.startsWith('maxpool')) return ': the notebook pools with nn.AvgPool2d(2)';
  if (want === 'global average pool' && got === 'flatten') return ': nn.AdaptiveAvgPool2d(1) averages each feature map to one value before Flatten (tf.layers.globalAveragePooling2d)';
  return '';
}

/** The first difference between the model's sequence and the notebook's, in words; null when they agree. */
export function sequenceDifference(got: readonly string[], want: readonly string[]): string | null {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (got[i] === want[i]) continue;
    const context = want.slice(Math.max(0, i - 2), i).join(', ');
    if (want[i] === undefined) return `after the last layer (${want.at(-1)}) the model has more: ${got.slice(i).join(', ')}`;
    return `layer ${i + 1}${context ? ` (after ${context})` : ''}: expected ${want[i]}, got ${got[i] ?? 'nothing'}${hint(want[i], got[i])}`;
  }
  return null;
}
