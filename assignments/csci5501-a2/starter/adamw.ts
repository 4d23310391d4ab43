import * as tf from '@tensorflow/tfjs';

// tfjs exports the type of one named gradient under this name only through the optimizer's signature.
type NamedTensor = { name: string; tensor: tf.Tensor };

// torch.optim.AdamW: decoupled weight decay. Each step first shrinks every weight that has a gradient by
// (1 - lr * weightDecay), then takes tfjs's Adam step (which matches torch.optim.Adam with the same eps).
export class AdamW extends tf.AdamOptimizer {
  constructor(
    learningRate: number,
    readonly weightDecay: number,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = 1e-8,
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const grads: [string, tf.Tensor | null][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const shrink = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      for (const [name, grad] of grads) {
        if (grad == null) continue;
        const v = tf.engine().registeredVariables[name];
        v.assign(tf.mul(v, shrink));
      }
    });
    super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
  }

  override getClassName(): string {
    return 'AdamW';
  }
}
