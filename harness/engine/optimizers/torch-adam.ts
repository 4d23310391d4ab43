import * as tf from '@tensorflow/tfjs';
import { adamInPlace } from './in-place-update.ts';
import { ADAM_UPDATE, hasUpdateKernel, type AdamUpdateAttrs } from './update-kernels.ts';

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

// torch.optim.Adam / AdamW as a tf.Optimizer (usable with model.compile/fit, optimizer.minimize, or
// applyGradients with variableGrads). PyTorch's defaults: betas (0.9, 0.999), eps 1e-8 (tfjs: 1e-7), and its
// bias correction and eps placement: p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). Steps are counted
// per parameter, as PyTorch does (a parameter without a gradient is skipped and does not advance).
// learningRate, beta1 and weightDecay are public so schedules (StepLR, OneCycleLR with momentum cycling)
// can change them between steps.

export interface TorchAdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW: decoupled weight decay. */
  decoupled?: boolean;
  /** 'composite' forces the tf-ops path (tests compare it with the one-pass kernel). */
  path?: 'auto' | 'composite';
}

interface SlotState {
  m: tf.Tensor;
  v: tf.Tensor;
  step: number;
}

export class TorchAdam extends tf.Optimizer {
  static get className(): string {
    return 'TorchAdam';
  }

  learningRate: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  readonly decoupled: boolean;
  private readonly path: 'auto' | 'composite';
  private readonly slots = new Map<string, SlotState>();

  constructor(opts: TorchAdamOptions = {}) {
    super();
    this.learningRate = opts.learningRate ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.decoupled = opts.decoupled ?? false;
    this.path = opts.path ?? 'auto';
    this.weightDecay = opts.weightDecay ?? (this.decoupled ? 1e-2 : 0);
    for (const [k, v] of Object.entries({ learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay })) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`TorchAdam: ${k} must be a finite number >= 0, got ${v}`);
    }
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: [string, tf.Tensor | null][] = Array.isArray(variableGradients)
      ? variableGradients.map((n) => [n.name, n.tensor])
      : Object.entries(variableGradients);
    const fused = this.path === 'auto' && hasUpdateKernel(ADAM_UPDATE);
    for (const [name, grad] of pairs) {
      if (grad == null) continue;
      const param = tf.engine().registeredVariables[name];
      if (!param) throw new Error(`TorchAdam: no variable named "${name}" (gradients must come from variableGrads or minimize)`);
      let slot = this.slots.get(name);
      if (!slot) {
        slot = { m: tf.keep(tf.zerosLike(param)), v: tf.keep(tf.zerosLike(param)), step: 0 };
        this.slots.set(name, slot);
      }
      slot.step++;
      const attrs: AdamUpdateAttrs = {
        lr: this.learningRate,
        beta1: this.beta1,
        beta2: this.beta2,
        eps: this.eps,
        weightDecay: this.weightDecay,
        decoupled: this.decoupled,
        step: slot.step,
      };
      if (fused && adamInPlace(param, grad, slot.m, slot.v, attrs)) continue;
      const [p2, m2, v2] = fused
        ? (tf.engine().runKernel(ADAM_UPDATE, { param, grad, m: slot.m, v: slot.v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[])
        : composite(param, grad, slot.m, slot.v, attrs);
      param.assign(p2);
      p2.dispose();
      slot.m.dispose();
      slot.v.dispose();
      slot.m = tf.keep(m2);
      slot.v = tf.keep(v2);
    }
    this.incrementIterations();
  }

  dispose(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
  }

  async getWeights(): Promise<NamedTensor[]> {
    const named: NamedTensor[] = [];
    for (const [name, s] of this.slots) named.push({ name: `${name}/m`, tensor: s.m }, { name: `${name}/v`, tensor: s.v });
    return [await this.saveIterations(), ...named];
  }

  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.dispose();
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const name = rest[i].name.replace(/\/m$/, '');
      this.slots.set(name, { m: tf.keep(rest[i].tensor.clone()), v: tf.keep(rest[i + 1].tensor.clone()), step: this.iterations });
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, decoupled: this.decoupled };
  }

  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as TorchAdamOptions);
  }
}

/** The same arithmetic with tf ops, for backends without the one-pass kernel. */
function composite(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: AdamUpdateAttrs): tf.Tensor[] {
  return tf.tidy(() => {
    let g = grad;
    let p = param;
    if (!a.decoupled && a.weightDecay !== 0) g = tf.add(g, tf.mul(p, a.weightDecay));
    if (a.decoupled && a.weightDecay !== 0) p = tf.mul(p, 1 - a.lr * a.weightDecay);
    const m2 = tf.add(tf.mul(m, a.beta1), tf.mul(g, 1 - a.beta1));
    const v2 = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(g), 1 - a.beta2));
    const stepSize = a.lr / (1 - a.beta1 ** a.step);
    const denom = tf.add(tf.div(tf.sqrt(v2), Math.sqrt(1 - a.beta2 ** a.step)), a.eps);
    const p2 = tf.sub(p, tf.mul(tf.div(m2, denom), stepSize));
    return [p2, m2, v2];
  });
}

tf.serialization.registerClass(TorchAdam);
