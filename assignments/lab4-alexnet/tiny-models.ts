// The small harness models and the StepLR the training checks (E) hand to a submission's functions, built the
// same way where the submission runs (probes.ts) and in the grader (training-replay.ts), so the grader can
// replay exactly what the submission was asked to do. Harness code: no student code here.
import * as tf from '@tensorflow/tfjs';
import { initLikeTorch } from 'dlgrade/kit/probe';

/** Image shape of the training checks' data. */
export const TRAIN_IMAGE: [number, number, number] = [6, 6, 2];
/** Image shape of the evaluation checks' data. */
export const EVAL_IMAGE: [number, number, number] = [2, 2, 2];
/** Hidden width of the evaluation model. */
export const EVAL_HIDDEN = 6;

const batchNorm = (name: string) => tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9, name });

/**
 * Conv2D(4, 3x3, same) -> BatchNorm -> ReLU -> MaxPool(2) -> Flatten -> Dense(classes), weights drawn like
 * PyTorch's from `seed`. No dropout, so a training pass is deterministic; BatchNorm makes training and
 * inference mode differ (batch statistics, running statistics updated only in training mode).
 */
export function trainCheckModel(classes: number, seed: number): tf.Sequential {
  const model = tf.sequential({
    name: 'TrainCheck',
    layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: TRAIN_IMAGE, name: 'conv' }),
      batchNorm('bn'),
      tf.layers.reLU({ name: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: classes, name: 'fc' }),
    ],
  });
  initLikeTorch(model, seed);
  return model;
}

/**
 * Flatten -> Dense(6) -> BatchNorm -> ReLU -> Dropout(0.5) -> Dense(classes): in inference mode a fixed
 * function the grader recomputes in float64; in training mode dropout and batch statistics change it.
 * Weights (dense kernel, bias, gamma, beta, moving mean, moving variance, kernel, bias, layer by layer) come
 * from the grader.
 */
export function evalCheckModel(classes: number, weights: readonly Float32Array[]): tf.Sequential {
  const model = tf.sequential({
    name: 'EvalCheck',
    layers: [
      tf.layers.flatten({ inputShape: EVAL_IMAGE, name: 'flatten' }),
      tf.layers.dense({ units: EVAL_HIDDEN, name: 'fc1' }),
      batchNorm('bn'),
      tf.layers.reLU({ name: 'relu' }),
      tf.layers.dropout({ rate: 0.5, name: 'dropout' }),
      tf.layers.dense({ units: classes, name: 'fc2' }),
    ],
  });
  // By layer: model.getWeights() lists every layer's trainable weights before the non-trainable ones.
  const [k1, b1, gamma, beta, mean, variance, k2, b2] = weights;
  const set = (name: string, values: (Float32Array | undefined)[]) => {
    const layer = model.getLayer(name);
    layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(values[i]!, w.shape)));
  };
  set('fc1', [k1, b1]);
  set('bn', [gamma, beta, mean, variance]);
  set('fc2', [k2, b2]);
  return model;
}

/**
 * torch.optim.SGD (momentum buffer started at the first decayed gradient, weight decay added to the gradient)
 * for the training checks: what the grader hands to trainOneEpoch / trainModel, and what it replays with.
 * Its own class rather than kit/probe's TorchSgd so the D checks can refuse it by class name: never a
 * submission's answer to D.1.
 */
export class GraderSgd extends tf.Optimizer {
  static get className(): string {
    return 'GraderSgd';
  }

  private readonly buffers = new Map<string, tf.Tensor>();

  constructor(
    public learningRate: number,
    private readonly momentum: number,
    private readonly weightDecay: number,
  ) {
    super();
  }

  applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const pairs = Array.isArray(grads) ? grads.map((g) => [g.name, g.tensor] as const) : Object.entries(grads);
    for (const [name, g] of pairs) {
      if (g == null) continue;
      const w = tf.engine().registeredVariables[name]!;
      tf.tidy(() => {
        const d = tf.add(g, tf.mul(w, this.weightDecay));
        const prev = this.buffers.get(name);
        const buf = prev ? tf.add(tf.mul(prev, this.momentum), d) : tf.clone(d);
        prev?.dispose();
        this.buffers.set(name, tf.keep(buf));
        w.assign(tf.sub(w, tf.mul(this.momentum !== 0 ? buf : d, this.learningRate)));
      });
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
    super.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, momentum: this.momentum, weightDecay: this.weightDecay };
  }
}

/** The optimizer-like object StepLR needs. */
export interface HasLearningRate {
  learningRate: number;
}

/**
 * The grader's StepLR (chainable form, as PyTorch): counts its step() calls and records them, so a check can
 * see when a submission stepped it. Handed to trainModel in E.3; never a submission's answer (D.2 refuses it).
 */
export class GraderStepLR {
  private epoch = 0;
  /** The optimizer's iteration count at each step() call (when the optimizer counts them). */
  readonly calls: number[] = [];

  constructor(
    private readonly optimizer: HasLearningRate & { iterations?: number },
    private readonly stepSize: number,
    private readonly gamma: number,
  ) {}

  step(): void {
    this.epoch += 1;
    this.calls.push(this.optimizer.iterations ?? -1);
    if (this.epoch % this.stepSize === 0) this.optimizer.learningRate *= this.gamma;
  }

  getLastLr(): number {
    return this.optimizer.learningRate;
  }
}
