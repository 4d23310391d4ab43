import * as tf from '@tensorflow/tfjs';
import type { LrScheduler, OptimizerOptions, TorchSGD } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// D. Loss function, optimizer and learning-rate scheduler.
// Loss: nn.CrossEntropyLoss = the mean softmax cross-entropy of the logits against integer labels
// (tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), logits)).
// Optimizer: SGD with momentum 0.9 and weight decay 5e-4, as torch.optim.SGD computes it. tfjs's
// tf.train.momentum has no weight decay, so we write the optimizer.
// Scheduler: StepLR(step_size=10, gamma=0.1): the learning rate is multiplied by 0.1 every 10 epochs.

/** A gradient with the name of its variable (what tf.Optimizer.applyGradients may receive as a list). */
interface NamedGradient {
  name: string;
  tensor: tf.Tensor;
}

/////////////////////////////////////////////////////////////////////////////
//                                 D.1                                     //
//                 COMPLETE applyGradients (torch.optim.SGD).              //
/////////////////////////////////////////////////////////////////////////////
export class SGD extends tf.Optimizer implements TorchSGD {
  static get className(): string {
    return 'Lab4SGD';
  }

  learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** The momentum buffer of each variable, by variable name (none before its first step). */
  private readonly buffers = new Map<string, tf.Tensor>();

  constructor(opts: { lr: number; momentum?: number; weightDecay?: number }) {
    super();
    this.learningRate = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedGradient[]): void {
    const pairs: [string, tf.Tensor | null][] = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor]) : Object.entries(variableGradients);
    for (const [name, grad] of pairs) {
      if (grad == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`SGD: no variable named "${name}"`);
      // BEGIN SOLUTION
      tf.tidy(() => {
        // L2 weight decay is added to the gradient (not decoupled as in AdamW).
        let step: tf.Tensor = this.weightDecay !== 0 ? tf.add(grad, tf.mul(variable, this.weightDecay)) : grad;
        if (this.momentum !== 0) {
          const previous = this.buffers.get(name);
          // PyTorch starts the buffer as a copy of the first (decayed) gradient.
          const buffer = previous ? tf.add(tf.mul(previous, this.momentum), step) : tf.clone(step);
          previous?.dispose();
          this.buffers.set(name, tf.keep(buffer));
          step = buffer;
        }
        variable.assign(tf.sub(variable, tf.mul(step, this.learningRate)));
      });
      // END SOLUTION
      // STARTER: todo('D.1: the SGD update of one variable (weight decay, momentum buffer, step)');
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
    super.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { lr: this.learningRate, momentum: this.momentum, weightDecay: this.weightDecay };
  }
}

/////////////////////////////////////////////////////////////////////////////
//                                 D.2                                     //
//                  COMPLETE step() (lr_scheduler.StepLR).                 //
/////////////////////////////////////////////////////////////////////////////
export class StepLR implements LrScheduler {
  private epoch = 0;
  private lastLr: number;

  constructor(
    readonly optimizer: TorchSGD,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    this.lastLr = optimizer.learningRate;
  }

  step(): void {
    // BEGIN SOLUTION
    this.epoch += 1;
    // As PyTorch computes it (chainable form): multiply by gamma at every multiple of stepSize.
    if (this.epoch % this.stepSize === 0) this.optimizer.learningRate *= this.gamma;
    this.lastLr = this.optimizer.learningRate;
    // END SOLUTION
    // STARTER: todo('D.2: StepLR.step()');
  }

  getLastLr(): number {
    return this.lastLr;
  }
}

/** The seed's get_optimizer_scheduler(model, lr=0.01, momentum=0.9, weight_decay=5e-4, epochs=30, step_size=10). */
export function getOptimizerScheduler(opts: OptimizerOptions = {}): { optimizer: SGD; scheduler: StepLR } {
  const { lr = 0.01, momentum = 0.9, weightDecay = 5e-4, stepSize = 10, gamma = 0.1 } = opts;
  // BEGIN SOLUTION
  const optimizer = new SGD({ lr, momentum, weightDecay });
  return { optimizer, scheduler: new StepLR(optimizer, stepSize, gamma) };
  // END SOLUTION
  // STARTER: return todo(`D: getOptimizerScheduler({ lr: ${lr}, momentum: ${momentum}, weightDecay: ${weightDecay}, stepSize: ${stepSize}, gamma: ${gamma} })`);
}
