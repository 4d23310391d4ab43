// The optimizer the training-loop checks (exercise F) hand a submission's train_one_epoch, and the grader's
// replay uses: plain SGD (w <- w - lr * g, no state), with the learningRate and beta1 fields a OneCycleLR
// schedule writes. Stateless and scale-sensitive, so the order of clipping, stepping and scheduling shows in
// the weights, and the same steps give the same weights wherever they run.
import * as tf from '@tensorflow/tfjs';

type NamedTensor = { name: string; tensor: tf.Tensor };

export class TrustedSgd extends tf.Optimizer {
  static get className(): string {
    return 'TrustedSgd';
  }

  /** Written by the schedule before each step. */
  learningRate: number;
  /** Written by the schedule (momentum cycling); SGD has no momentum and ignores it. */
  beta1 = 0.95;

  constructor(learningRate: number) {
    super();
    this.learningRate = learningRate;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: [string, tf.Tensor][] = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor]) : Object.entries(variableGradients);
    for (const [name, grad] of pairs) {
      if (grad == null) continue;
      const v = tf.engine().registeredVariables[name];
      if (!v) throw new Error(`TrustedSgd: no variable named "${name}"`);
      tf.tidy(() => v.assign(tf.sub(v, tf.mul(grad, this.learningRate))));
    }
    this.incrementIterations();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate };
  }
}
