import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader, EpochResult, History, LrScheduler, TrainModelOptions } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// E. Training and evaluation functions, reusable for the three models. One training step:
// 1. forward pass of a batch (training mode), 2. cross-entropy against the labels, 3. gradients,
// 4. the optimizer updates the weights; loss and accuracy are tracked per epoch.

/** Mean cross-entropy of logits [B, classes] against int32 labels [B] (nn.CrossEntropyLoss). */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]), logits) as tf.Scalar;
}

/** Number of rows whose largest logit is at the label. */
function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'int32'));
}

/////////////////////////////////////////////////////////////////////////////
//                                 E.1                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
/** train_one_epoch: one pass in training mode, one optimizer step per batch. Returns (avg loss per sample, accuracy %). */
export async function trainOneEpoch(model: tf.LayersModel, loader: DataLoader, optimizer: tf.Optimizer): Promise<EpochResult> {
  let totalLoss = 0;
  let correct = 0;
  let total = 0;
  // BEGIN SOLUTION
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  await loader.forEachAsync(({ xs, ys }: Batch) => {
    let hits: tf.Scalar | undefined;
    const loss = optimizer.minimize(
      () => {
        const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
        hits = tf.keep(countCorrect(logits, ys)); // from the same forward pass, before the step
        return crossEntropy(logits, ys);
      },
      true,
      variables,
    );
    totalLoss += loss!.dataSync()[0] * xs.shape[0];
    correct += hits!.dataSync()[0];
    total += xs.shape[0];
    tf.dispose([loss!, hits!, xs, ys]);
  });
  // END SOLUTION
  // STARTER: todo('E.1: trainOneEpoch (the loop over the batches)');
  return { loss: totalLoss / total, accuracy: (100 * correct) / total };
}

/////////////////////////////////////////////////////////////////////////////
//                                 E.2                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
/** evaluate: inference mode, no gradient. Returns (avg loss per sample, accuracy %). */
export async function evaluate(model: tf.LayersModel, loader: DataLoader): Promise<EpochResult> {
  let totalLoss = 0;
  let correct = 0;
  let total = 0;
  // BEGIN SOLUTION
  await loader.forEachAsync(({ xs, ys }: Batch) => {
    const [loss, hits] = tf.tidy(() => {
      const logits = model.predict(xs) as tf.Tensor2D;
      return [crossEntropy(logits, ys).dataSync()[0], countCorrect(logits, ys).dataSync()[0]];
    });
    totalLoss += loss * xs.shape[0];
    correct += hits;
    total += xs.shape[0];
    tf.dispose([xs, ys]);
  });
  // END SOLUTION
  // STARTER: todo('E.2: evaluate (the loop over the batches)');
  return { loss: totalLoss / total, accuracy: (100 * correct) / total };
}

/////////////////////////////////////////////////////////////////////////////
//                                 E.3                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
/** train_model: the full loop with timing. Returns the history. */
export async function trainModel(
  model: tf.LayersModel,
  train: DataLoader,
  test: DataLoader,
  optimizer: tf.Optimizer,
  scheduler: LrScheduler,
  epochs: number,
  modelName: string,
  opts: TrainModelOptions = {},
): Promise<History> {
  const { verbose = true } = opts;
  const history: History = { trainLoss: [], trainAcc: [], testLoss: [], testAcc: [], trainingTime: 0 };
  if (verbose) console.log(`${'='.repeat(65)}\nTraining ${modelName}\n${'='.repeat(65)}`);
  const start = performance.now();
  // BEGIN SOLUTION
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const tr = await trainOneEpoch(model, train, optimizer);
    const te = await evaluate(model, test);
    scheduler.step(); // once per epoch: StepLR counts epochs
    history.trainLoss.push(tr.loss);
    history.trainAcc.push(tr.accuracy);
    history.testLoss.push(te.loss);
    history.testAcc.push(te.accuracy);
    if (verbose && (epoch % 5 === 0 || epoch === 1)) {
      const e = String(epoch).padStart(2, '0');
      console.log(
        `Epoch ${e}/${epochs} | LR: ${scheduler.getLastLr().toFixed(5)} | Train Loss: ${tr.loss.toFixed(4)} | Train Acc: ${tr.accuracy.toFixed(2)}% | Test Loss: ${te.loss.toFixed(4)} | Test Acc: ${te.accuracy.toFixed(2)}%`,
      );
    }
  }
  // END SOLUTION
  // STARTER: todo('E.3: trainModel (the epochs)');
  history.trainingTime = (performance.now() - start) / 1000;
  if (verbose) {
    console.log(`\nTraining complete in ${history.trainingTime.toFixed(1)}s (${(history.trainingTime / 60).toFixed(1)} min)`);
    if (history.testAcc.length) console.log(`Best Test Accuracy: ${Math.max(...history.testAcc).toFixed(2)}%`);
  }
  return history;
}

/////////////////////////////////////////////////////////////////////////////
//                                 E.4                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
/** get_predictions: the predicted class and the label of every sample, in loader order. */
export async function getPredictions(model: tf.LayersModel, loader: DataLoader): Promise<{ preds: number[]; labels: number[] }> {
  const preds: number[] = [];
  const labels: number[] = [];
  // BEGIN SOLUTION
  await loader.forEachAsync(({ xs, ys }: Batch) => {
    const predicted = tf.tidy(() => tf.argMax(model.predict(xs) as tf.Tensor2D, 1).dataSync());
    preds.push(...predicted);
    labels.push(...ys.dataSync());
    tf.dispose([xs, ys]);
  });
  // END SOLUTION
  // STARTER: todo('E.4: getPredictions');
  return { preds, labels };
}
