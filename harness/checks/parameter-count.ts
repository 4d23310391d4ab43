import type * as tf from '@tensorflow/tfjs';
import { walkLayers } from '../engine/layer-walk.ts';

// Parameter counts the PyTorch way: sum(p.numel() for p in model.parameters() if p.requires_grad).
// tfjs's countParams() also counts BatchNorm moving mean/variance, which PyTorch keeps as buffers, so it
// overstates every model with BatchNorm (ConvNet: 63,570 against PyTorch's 63,402).

export interface LayerParameterCount {
  /** "/"-joined path through nested models, e.g. "block1/block1_conv1". */
  path: string;
  /** tfjs class name, e.g. "Conv2D". */
  kind: string;
  /** Parameters, trainable or frozen (PyTorch's numel over parameters()). */
  params: number;
  /** Parameters training updates now (requires_grad). */
  trainable: number;
  /** Non-parameter state (BatchNorm running statistics): PyTorch buffers. */
  buffers: number;
}

export interface ParameterCount {
  /** All parameters, frozen included. */
  total: number;
  /** The figure PyTorch code prints and the goldens hold. */
  trainable: number;
  buffers: number;
  layers: LayerParameterCount[];
}

function numel(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((p, d) => p * (d ?? 0), 1);
}

/**
 * Counts per leaf layer (nested models are descended into). A weight shared by two layers counts once, at
 * its first use, as PyTorch's parameters() yields a shared parameter once.
 */
export function countParameters(model: tf.LayersModel | tf.layers.Layer): ParameterCount {
  const seen = new Set<number>();
  const layers: LayerParameterCount[] = [];
  for (const l of walkLayers(model)) {
    const row: LayerParameterCount = { path: l.path, kind: l.layer.getClassName(), params: 0, trainable: 0, buffers: 0 };
    for (const w of l.weights) {
      if (seen.has(w.variable.id)) continue;
      seen.add(w.variable.id);
      const n = numel(w.variable.shape);
      if (!w.isParameter) row.buffers += n;
      else {
        row.params += n;
        if (w.trainable) row.trainable += n;
      }
    }
    layers.push(row);
  }
  const sum = (k: 'params' | 'trainable' | 'buffers') => layers.reduce((s, r) => s + r[k], 0);
  return { total: sum('params'), trainable: sum('trainable'), buffers: sum('buffers'), layers };
}

/** PyTorch's headline figure: trainable parameters. */
export function trainableParameterCount(model: tf.LayersModel | tf.layers.Layer): number {
  return countParameters(model).trainable;
}
