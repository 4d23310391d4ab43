// The small classifier exercise A's training functions are checked on (not the student's SimpleMLP, so a
// broken A.1 does not fail A.2): [2, 2, 2] inputs -> Flatten -> Dense(8, no bias) -> BatchNorm -> ReLU ->
// Dense(3). BatchNorm makes the mode visible: training mode normalises with the batch's statistics and moves
// the moving ones, inference mode uses the moving ones. The first Dense has no bias because BatchNorm would
// cancel its gradient to rounding noise, which Adam turns into full-size steps of random sign (no replay
// could match them). Built the same way on both sides: the probe (sandbox) for the student's function, the
// suite (grader) for its own replay and expected values; only the weights and the data cross.
import * as tf from '@tensorflow/tfjs';
import { flatWeights } from 'dlgrade/kit/probe';

/** The weights in layer order (kernel, gamma, beta, moving mean, moving variance, kernel, bias); not
 * model.getWeights()'s order, which puts the moving statistics (non-trainable) last. */
export const TINY_WEIGHT_SHAPES: readonly number[][] = [[8, 8], [8], [8], [8], [8], [8, 3], [3]];
export const TINY_INPUT: [number, number, number] = [2, 2, 2];
export const TINY_CLASSES = 3;

export type OptimizerSpec = { kind: 'adam' | 'sgd'; lr: number };

export function tinyClassifier(weights: readonly Float32Array[]): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: TINY_INPUT }),
      tf.layers.dense({ units: 8, useBias: false }),
      tf.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9 }),
      tf.layers.reLU(),
      tf.layers.dense({ units: TINY_CLASSES }),
    ],
  });
  const t = TINY_WEIGHT_SHAPES.map((shape, i) => tf.tensor(weights[i]!, shape));
  model.layers[1]!.setWeights(t.slice(0, 1));
  model.layers[2]!.setWeights(t.slice(1, 5));
  model.layers[4]!.setWeights(t.slice(5));
  tf.dispose(t);
  return model;
}

/** The tiny classifier's weights in TINY_WEIGHT_SHAPES order, concatenated. */
export function tinyWeights(model: tf.LayersModel): Float32Array {
  return flatWeights([1, 2, 4].flatMap((i) => model.layers[i]!.getWeights()));
}

/** tfjs's Adam (eps 1e-8, as torch.optim.Adam) or plain SGD: the same class on both sides of a replay. */
export function makeOptimizer(o: OptimizerSpec): tf.Optimizer {
  return o.kind === 'adam' ? tf.train.adam(o.lr, 0.9, 0.999, 1e-8) : tf.train.sgd(o.lr);
}
