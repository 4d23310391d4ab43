import * as tf from '@tensorflow/tfjs';

// Walks the leaf layers of a tf.LayersModel, descending into nested models (a Sequential or functional model
// used as a layer), in the order the models list them. Parameter counts, summaries, seeded init and dropout
// seeding all need the same traversal, so it lives here once.

/** A weight as PyTorch would classify it: a parameter (trainable or frozen) or a buffer (BatchNorm running stats). */
export interface WalkedWeight {
  variable: tf.LayerVariable;
  /** Weight name without the layer prefix or uniquifying suffix, e.g. "kernel", "moving_mean". */
  shortName: string;
  /** false for weights a layer creates non-trainable (BatchNorm moving statistics): PyTorch buffers. */
  isParameter: boolean;
  /** Whether training updates it now (every enclosing model, the layer and the weight itself are trainable). */
  trainable: boolean;
}

export interface WalkedLayer {
  layer: tf.layers.Layer;
  /** Names of the enclosing nested models and the layer, joined by "/", e.g. "block1/block1_conv1". */
  path: string;
  /** false when this layer or an enclosing model is frozen. */
  trainable: boolean;
  weights: WalkedWeight[];
}

// tfjs keeps the weights a layer created trainable in `_trainableWeights` (even after layer.trainable = false,
// which only flips flags), and the rest in `_nonTrainableWeights`. That split is PyTorch's parameter/buffer
// split; the public getters mix frozen parameters with buffers.
interface LayerInternals {
  _trainableWeights?: tf.LayerVariable[];
}

function shortName(v: tf.LayerVariable): string {
  const last = v.originalName.split('/').pop() ?? v.originalName;
  return last;
}

export function isNestedModel(layer: tf.layers.Layer): layer is tf.LayersModel & tf.layers.Layer {
  return layer instanceof tf.LayersModel;
}

/** Leaf layers of a model, depth first. Input layers are skipped (no weights, no computation). */
export function walkLayers(model: tf.LayersModel | tf.layers.Layer): WalkedLayer[] {
  const out: WalkedLayer[] = [];
  const visit = (layer: tf.layers.Layer, prefix: string, parentTrainable: boolean, top: boolean) => {
    if (isNestedModel(layer)) {
      const trainable = parentTrainable && layer.trainable;
      const p = top ? '' : `${prefix}${layer.name}/`;
      for (const child of layer.layers) visit(child, p, trainable, false);
      return;
    }
    if (layer.getClassName() === 'InputLayer') return;
    const trainable = parentTrainable && layer.trainable;
    const params = new Set((layer as unknown as LayerInternals)._trainableWeights ?? layer.trainableWeights);
    out.push({
      layer,
      path: `${prefix}${layer.name}`,
      trainable,
      weights: layer.weights.map((variable) => ({
        variable,
        shortName: shortName(variable),
        isParameter: params.has(variable),
        trainable: trainable && params.has(variable) && variable.trainable,
      })),
    });
  };
  visit(model as tf.layers.Layer, '', true, true);
  return out;
}
