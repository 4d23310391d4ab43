import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader, Evaluation, TrainOptions, TrainResult } from '../../assignments/csci5501-a2/contract.ts';
import { AdamW } from './adamw.ts';

// C. Trainer: training loop (C.1), accuracy (C.2), early stopping on the validation loss (C.3).
export class Trainer {
  constructor(readonly model: tf.LayersModel) {}

  createOptimizer(opts: { lr: number; weightDecay: number }): tf.Optimizer {
    return new AdamW(opts.lr, opts.weightDecay);
  }

  async trainModel(train: DataLoader, val: DataLoader, opts: TrainOptions = {}): Promise<TrainResult> {
    const { epochs = 10, lr = 0.001, weightDecay = 0.1, earlyStoppingPatience = 3, verbose = true } = opts;
    const optimizer = this.createOptimizer({ lr, weightDecay });
    // The live variables: minimize() updates exactly these (frozen layers are not in the list).
    const variables = () => this.model.trainableWeights.map((w) => w.read() as tf.Variable);

    let bestValLoss = Infinity;
    let best: tf.Tensor[] | null = null;
    let bestEpoch = 0;
    let patienceCounter = 0;
    let stoppedEpoch: number | null = null;
    const trainLosses: number[] = [];
    const valLosses: number[] = [];

    for (let epoch = 1; epoch <= epochs; epoch++) {
      // C.1: one pass over the training data, one optimizer step per batch.
      let lossSum = 0;
      let batches = 0;
      await train.forEachAsync(({ xs, ys }: Batch) => {
        const loss = optimizer.minimize(() => {
          const logits = this.model.apply(xs, { training: true }) as tf.Tensor2D;
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(ys, 'int32'), logits.shape[1]), logits) as tf.Scalar;
        }, true, variables());
        lossSum += loss!.dataSync()[0];
        loss!.dispose();
        batches++;
        tf.dispose([xs, ys]);
      });
      const trainLoss = lossSum / Math.max(1, batches);
      trainLosses.push(trainLoss);

      const { accuracy: valAcc, loss: valLoss } = await this.accuracy(val);
      valLosses.push(valLoss);
      if (verbose) console.log(`Epoch ${epoch}/${epochs} - Train Loss: ${trainLoss.toFixed(4)}, Val Loss: ${valLoss.toFixed(4)} Val Acc: ${valAcc.toFixed(2)}`);

      // C.3: early stopping on the validation loss.
      if (valLoss < bestValLoss) {
        bestValLoss = valLoss;
        tf.dispose(best ?? []);
        best = this.model.getWeights().map((w) => w.clone());
        bestEpoch = epoch;
        patienceCounter = 0;
        if (verbose) console.log(`Best val-loss updated: ${bestValLoss}`);
      } else {
        patienceCounter += 1;
        if (verbose) console.log(`Early stopping ${patienceCounter} of ${earlyStoppingPatience}.`);
        if (patienceCounter >= earlyStoppingPatience) {
          stoppedEpoch = epoch;
          if (verbose) console.log(`Early stopping triggered after epoch ${epoch} (best epoch ${bestEpoch}).`);
          break;
        }
      }
    }
    optimizer.dispose();
    const final = this.model.getWeights().map((w) => w.clone());
    return { best: best ?? final.map((w) => w.clone()), final, trainLosses, valLosses, bestEpoch, stoppedEpoch };
  }

  // C.2: accuracy in % and the mean cross-entropy per sample, in inference mode.
  async accuracy(data: DataLoader): Promise<Evaluation> {
    let correct = 0;
    let lossSum = 0;
    let total = 0;
    await data.forEachAsync(({ xs, ys }: Batch) => {
      const [c, l] = tf.tidy(() => {
        const logits = this.model.predict(xs) as tf.Tensor2D;
        const labels = tf.cast(ys, 'int32');
        const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits, undefined, undefined, tf.Reduction.SUM);
        const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
        return [hits.dataSync()[0], loss.dataSync()[0]];
      });
      correct += c;
      lossSum += l;
      total += ys.shape[0];
      tf.dispose([xs, ys]);
    });
    return { accuracy: (100 * correct) / total, loss: lossSum / total };
  }
}
