// Multiply-adds per image of a model's forward pass (exercise B's compute cap), counted by the grader on the
// rebuilt model: for every layer with a kernel, kernel weights x the positions the kernel is applied at (the
// output's spatial positions; a transposed convolution's input positions). Exact for Conv1D/2D/3D, Depthwise,
// Separable and Dense layers, which do nearly all of a ConvNet's work; element-wise layers (BatchNorm,
// activations, pooling, add) are not counted. Shapes inside nested models (a block built for any H x W)
// are only known when data flows, so the grader runs one image through the model and records them.
import * as tf from '@tensorflow/tfjs';
import { walkLayers } from 'dlgrade/kit';

export interface LayerCost {
  path: string;
  kind: string;
  macs: number;
}

type Call = tf.layers.Layer['call'];

const positions = (shape: readonly number[]) => shape.slice(1, -1).reduce((p, d) => p * d, 1);

/** Multiply-adds of one forward pass of one image of shape `imageShape` ([H, W, C]), per layer and in total. */
export function forwardMacs(model: tf.LayersModel, imageShape: readonly number[]): { total: number; layers: LayerCost[] } {
  const layers: LayerCost[] = [];
  const restore: [tf.layers.Layer, Call][] = [];
  for (const { layer, path, weights } of walkLayers(model)) {
    const kernels = weights.filter((w) => /kernel$/.test(w.shortName)).map((w) => w.variable);
    if (!kernels.length) continue;
    const row: LayerCost = { path, kind: layer.getClassName(), macs: 0 };
    layers.push(row);
    const call = layer.call.bind(layer) as Call;
    restore.push([layer, layer.call]);
    const transposed = /Transpose/.test(row.kind);
    layer.call = ((inputs, kwargs) => {
      const out = call(inputs, kwargs);
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      const output = Array.isArray(out) ? out[0] : out;
      const at = positions(transposed ? input.shape : output.shape);
      row.macs += kernels.reduce((s, w) => s + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0) * at;
      return out;
    }) as Call;
  }
  try {
    tf.tidy(() => {
      model.predict(tf.zeros([1, ...imageShape]));
    });
  } finally {
    for (const [layer, call] of restore) layer.call = call;
  }
  return { total: layers.reduce((s, l) => s + l.macs, 0), layers };
}
