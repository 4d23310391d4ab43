import * as tf from '@tensorflow/tfjs';
import { sgdInPlace } from './in-place-update.ts';
import { hasUpdateKernel, SGD_UPDATE, type SgdUpdateAttrs } from './update-kernels.ts';

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

// torch.optim.SGD as a tf.Optimizer: weight decay added to the gradient, momentum buffer started as a copy
// of the first gradient (tfjs's MomentumOptimizer starts it at zero and scales differently), dampening and
// Nesterov as PyTorch defines them. learningRate and momentum are public for schedules.

export interface TorchSgdOptions {
  learningRate: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  /** 'composite' forces the tf-ops path (tests compare it with the one-pass kernel). */
  path?: 'auto' | 'composite';
}

interface SlotState {
  buf: tf.Tensor | null;
}

export class TorchSgd extends tf.Optimizer {
  static get className(): string {
    return 'TorchSgd';
  }

  learningRate: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  readonly nesterov: boolean;
  private readonly path: 'auto' | 'composite';
  private readonly slots = new Map<string, SlotState>();

  constructor(opts: TorchSgdOptions) {
    super();
    this.learningRate = opts.learningRate;
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.path = opts.path ?? 'auto';
    for (const [k, v] of Object.entries({ learningRate: this.learningRate, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay })) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`TorchSgd: ${k} must be a finite number >= 0, got ${v}`);
    }
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error('TorchSgd: Nesterov momentum requires a momentum and zero dampening (as in PyTorch)');
    }
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: [string, tf.Tensor | null][] = Array.isArray(variableGradients)
      ? variableGradients.map((n) => [n.name, n.tensor])
      : Object.entries(variableGradients);
    const fused = this.path === 'auto' && hasUpdateKernel(SGD_UPDATE);
    for (const [name, grad] of pairs) {
      if (grad == null) continue;
      const param = tf.engine().registeredVariables[name];
      if (!param) throw new Error(`TorchSgd: no variable named "${name}" (gradients must come from variableGrads or minimize)`);
      let slot = this.slots.get(name);
      if (!slot) {
        slot = { buf: null };
        this.slots.set(name, slot);
      }
      const attrs: SgdUpdateAttrs = {
        lr: this.learningRate,
        momentum: this.momentum,
        dampening: this.dampening,
        weightDecay: this.weightDecay,
        nesterov: this.nesterov,
        firstStep: slot.buf === null,
      };
      if (fused && sgdInPlace(param, grad, slot.buf, attrs)) continue;
      // The kernel reads buf even on the first step (and ignores it): hand it the gradient then.
      const buf = slot.buf ?? grad;
      const [p2, buf2] = fused
        ? (tf.engine().runKernel(SGD_UPDATE, { param, grad, buf }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[])
        : composite(param, grad, buf, attrs);
      param.assign(p2);
      p2.dispose();
      if (this.momentum !== 0) {
        slot.buf?.dispose();
        slot.buf = tf.keep(buf2);
      } else {
        buf2.dispose();
      }
    }
    this.incrementIterations();
  }

  dispose(): void {
    for (const s of this.slots.values()) s.buf?.dispose();
    this.slots.clear();
  }

  async getWeights(): Promise<NamedTensor[]> {
    const named: NamedTensor[] = [];
    for (const [name, s] of this.slots) if (s.buf) named.push({ name: `${name}/momentum`, tensor: s.buf });
    return [await this.saveIterations(), ...named];
  }

  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.dispose();
    for (const w of rest) this.slots.set(w.name.replace(/\/momentum$/, ''), { buf: tf.keep(w.tensor.clone()) });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as unknown as TorchSgdOptions);
  }
}

function composite(param: tf.Tensor, grad: tf.Tensor, buf: tf.Tensor, a: SgdUpdateAttrs): tf.Tensor[] {
  return tf.tidy(() => {
    let d = a.weightDecay !== 0 ? tf.add(grad, tf.mul(param, a.weightDecay)) : grad;
    let b = d;
    if (a.momentum !== 0) {
      b = a.firstStep ? tf.clone(d) : tf.add(tf.mul(buf, a.momentum), tf.mul(d, 1 - a.dampening));
      d = a.nesterov ? tf.add(d, tf.mul(b, a.momentum)) : b;
    }
    return [tf.sub(param, tf.mul(d, a.lr)), tf.clone(b)];
  });
}

tf.serialization.registerClass(TorchSgd);
