import * as tf from '@tensorflow/tfjs';
import { TorchAdam } from '../engine/optimizers/torch-adam.ts';
import { TorchSgd } from '../engine/optimizers/torch-sgd.ts';

// The bench's optimizers with PyTorch's defaults (Adam betas 0.9/0.999, eps 1e-8; tfjs's own eps is 1e-7).
// 'tfjs' is tf.train.*; 'fused' is ours (harness/engine/optimizers), one pass per parameter per step.

export interface TrainOptimizer {
  applyGradients(grads: tf.NamedTensorMap): void;
  dispose(): void;
}

export type OptimizerKind = 'fused' | 'tfjs';

function wrap(opt: tf.Optimizer): TrainOptimizer {
  // tfjs types the map as variables; variableGrads hands plain tensors, which is what it accepts at run time.
  return { applyGradients: (g) => opt.applyGradients(g as unknown as Parameters<tf.Optimizer['applyGradients']>[0]), dispose: () => opt.dispose() };
}

export function makeAdam(kind: OptimizerKind, { learningRate }: { learningRate: number }): TrainOptimizer {
  return wrap(kind === 'fused' ? new TorchAdam({ learningRate }) : tf.train.adam(learningRate, 0.9, 0.999, 1e-8));
}

export function makeSgd(kind: OptimizerKind, { learningRate }: { learningRate: number }): TrainOptimizer {
  return wrap(kind === 'fused' ? new TorchSgd({ learningRate }) : tf.train.sgd(learningRate));
}
