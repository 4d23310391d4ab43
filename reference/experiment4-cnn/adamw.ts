import * as tf from '@tensorflow/tfjs';
import type { AdamWOptions } from '../../assignments/experiment4-cnn/contract.ts';
// STARTER: import { todo } from './todo.ts';

// C.1 torch.optim.AdamW (notebook section 15: lr 0.00182, weight decay 3.5e-5). tfjs has no AdamW, and
// tf.train.adam cannot follow OneCycleLR's momentum cycling (it keeps a running product of beta1 for its bias
// correction), so this optimizer keeps its own state per variable. The rule is in contract.ts (AdamWClass).

type NamedTensor = { name: string; tensor: tf.Tensor };

interface Slot {
  m: tf.Tensor;
  v: tf.Tensor;
  step: number;
}

export class AdamW extends tf.Optimizer {
  static get className(): string {
    return 'AdamW';
  }

  learningRate: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  private readonly slots = new Map<string, Slot>();

  constructor(opts: AdamWOptions) {
    super();
    this.learningRate = opts.lr;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: [string, tf.Tensor][] = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor]) : Object.entries(variableGradients);
    for (const [name, grad] of pairs) {
      if (grad == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`AdamW: no variable named "${name}"`);
      let slot = this.slots.get(name);
      if (!slot) {
        slot = { m: tf.keep(tf.zerosLike(variable)), v: tf.keep(tf.zerosLike(variable)), step: 0 };
        this.slots.set(name, slot);
      }
      slot.step += 1;
      const { learningRate: lr, beta1, beta2, eps, weightDecay } = this;
      const t = slot.step;
      // BEGIN SOLUTION
      const s = slot;
      const [w, m, v] = tf.tidy(() => {
        const decayed = tf.mul(variable, 1 - lr * weightDecay);
        const m2 = tf.add(tf.mul(s.m, beta1), tf.mul(grad, 1 - beta1));
        const v2 = tf.add(tf.mul(s.v, beta2), tf.mul(tf.square(grad), 1 - beta2));
        const denom = tf.add(tf.div(tf.sqrt(v2), Math.sqrt(1 - beta2 ** t)), eps);
        const w2 = tf.sub(decayed, tf.mul(tf.div(m2, denom), lr / (1 - beta1 ** t)));
        return [w2, m2, v2];
      });
      variable.assign(w);
      w.dispose();
      tf.dispose([s.m, s.v]);
      s.m = tf.keep(m);
      s.v = tf.keep(v);
      // END SOLUTION
      // STARTER: void [lr, beta1, beta2, eps, weightDecay, t];
      // STARTER: todo('C.1: the AdamW step');
    }
    this.incrementIterations();
  }

  dispose(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
  }

  async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations()];
  }

  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await this.extractIterations(weightValues);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }
}
