// Part 5.1: the scheduled learning rate. The seed starts SGD at 0.1 and lowers the learning rate by hand when
// the validation accuracy stops improving (to 0.01, then 0.001); here the rule is automatic (contract.ts,
// PlateauScheduleClass), and trainScheduled is the training loop that uses it.
import * as tf from '@tensorflow/tfjs';
import type { ImageData, LrSchedule, PlateauOptions, ScheduledRecord } from '../../assignments/ee449-hw1/contract.ts';
import { accuracy, batches, crossEntropy } from './recorder.ts';
// STARTER: import { todo } from './todo.ts';

export class PlateauSchedule implements LrSchedule {
  lr: number;
  readonly factor: number;
  readonly patience: number;
  readonly minLr: number;
  // BEGIN SOLUTION
  private best = -Infinity;
  private epochsWithoutImprovement = 0;
  // END SOLUTION

  constructor(opts: PlateauOptions = {}) {
    this.lr = opts.initialLr ?? 0.1;
    this.factor = opts.factor ?? 0.1;
    this.patience = opts.patience ?? 2;
    this.minLr = opts.minLr ?? 0.001;
  }

  step(valAcc: number): number {
    // A new best (strictly higher): remember it, counter back to 0. Otherwise count the epoch; when the counter
    // reaches patience, lower the lr by `factor` (never below minLr) and set the counter back to 0.
    // BEGIN SOLUTION
    if (valAcc > this.best) {
      this.best = valAcc;
      this.epochsWithoutImprovement = 0;
    } else if (++this.epochsWithoutImprovement >= this.patience) {
      this.lr = Math.max(this.lr * this.factor, this.minLr);
      this.epochsWithoutImprovement = 0;
    }
    return this.lr;
    // END SOLUTION
    // STARTER: return todo('5.1: PlateauSchedule.step');
  }
}

export async function trainScheduled(model: tf.LayersModel, data: ImageData, opts: { epochs: number; schedule: LrSchedule }): Promise<ScheduledRecord> {
  const optimizer = tf.train.sgd(opts.schedule.lr);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const valAccCurve: number[] = [];
  const lrCurve: number[] = [];
  try {
    // Each epoch: optimizer.setLearningRate(lr) and record lr; one pass over data.train as in trainAndRecord;
    // the validation accuracy (recorder.ts: accuracy); then lr = opts.schedule.step(valAcc), once.
    // BEGIN SOLUTION
    let lr = opts.schedule.lr;
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      optimizer.setLearningRate(lr);
      lrCurve.push(lr);
      for await (const { xs, ys } of batches(data.train)) {
        tf.dispose(optimizer.minimize(() => crossEntropy(model.apply(xs, { training: true }) as tf.Tensor2D, ys), true, variables) ?? []);
        tf.dispose([xs, ys]);
      }
      const valAcc = await accuracy(model, data.val);
      valAccCurve.push(valAcc);
      lr = opts.schedule.step(valAcc);
    }
    // END SOLUTION
    // STARTER: todo('5.1: trainScheduled');
    return { valAccCurve, lrCurve, testAcc: await accuracy(model, data.test) };
  } finally {
    optimizer.dispose();
  }
}
