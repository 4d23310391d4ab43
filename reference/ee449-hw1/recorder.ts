// Parts 3 and 4: training loops that record what the seed's part3.py and part4.py record every 10 steps.
// The grader replays your loop with its own code (same model, initial weights and batches) and compares the
// curves, so follow the rules of contract.ts (TrainAndRecord, TrainAndRecordGradients) exactly.
import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoader, GradientRecord, ImageData, RecordOptions, TrainingRecord } from '../../assignments/ee449-hw1/contract.ts';
// STARTER: import { todo } from './todo.ts';

/** Every how many steps the seed records. */
const RECORD_EVERY = 10;

/** The batches of one pass over a loader, one at a time (await inside the loop, unlike forEachAsync). */
export async function* batches(loader: DataLoader): AsyncGenerator<Batch> {
  const it = await loader.iterator();
  for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
}

/** The seed's evaluate(model, loader): accuracy in % of argmax(logits) against the labels, in inference mode. */
export async function accuracy(model: tf.LayersModel, loader: DataLoader): Promise<number> {
  let correct = 0;
  let total = 0;
  for await (const { xs, ys } of batches(loader)) {
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(xs) as tf.Tensor2D, 1), ys), 'int32')).dataSync()[0]);
    total += ys.shape[0];
    tf.dispose([xs, ys]);
  }
  return (100 * correct) / total;
}

/** The mean softmax cross-entropy of the logits against integer labels (nn.CrossEntropyLoss()). */
export function crossEntropy(logits: tf.Tensor2D, ys: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(ys, logits.shape[1]), logits) as tf.Scalar;
}

/** The variables training updates. */
function trainable(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** The first layer's weights: the kernel of the first layer that has weights (model.fc1.weight / model.conv1.weight). */
export function firstLayerKernel(model: tf.LayersModel): tf.LayerVariable {
  const layer = model.layers.find((l) => l.trainableWeights.length > 0);
  if (!layer) throw new Error(`model ${model.name} has no layer with weights`);
  return layer.trainableWeights[0];
}

// ---------------------------------------------------------------------------------------------------------
// Part 3: the training loop of part3.py (part 5 reuses it with SGD).

export async function trainAndRecord(model: tf.LayersModel, data: ImageData, opts: RecordOptions): Promise<TrainingRecord> {
  // torch.optim.Adam(lr) / torch.optim.SGD(lr, momentum=0.0); tfjs's Adam defaults to eps 1e-7, PyTorch's is 1e-8.
  const optimizer = opts.optimizer === 'adam' ? tf.train.adam(opts.lr, 0.9, 0.999, 1e-8) : tf.train.sgd(opts.lr);
  const lossCurve: number[] = [];
  const trainAccCurve: number[] = [];
  const valAccCurve: number[] = [];
  let step = 0;
  // BEGIN SOLUTION
  let runningLoss = 0;
  let stepsSinceRecord = 0;
  // END SOLUTION
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      // BEGIN SOLUTION
      let correct = 0;
      let total = 0;
      // END SOLUTION
      for await (const { xs, ys } of batches(data.train)) {
        ////////////////////////////////////////////////////////////////////
        //       3.1 Complete one training step and the recording.        //
        ////////////////////////////////////////////////////////////////////
        // forward in training mode, loss, one optimizer step:
        //   optimizer.minimize(() => crossEntropy(model.apply(xs, { training: true }) as tf.Tensor2D, ys), true, trainable(model))
        // count the correct predictions of this forward pass (tf.keep what must outlive minimize's function)
        // every 10th step: the mean loss since the last record, the epoch's running accuracy, the validation accuracy
        // BEGIN SOLUTION
        let right: tf.Scalar | undefined;
        const loss = optimizer.minimize(
          () => {
            const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
            right = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'int32'))) as tf.Scalar;
            return crossEntropy(logits, ys);
          },
          true,
          trainable(model),
        )!;
        runningLoss += loss.dataSync()[0];
        stepsSinceRecord++;
        correct += right!.dataSync()[0];
        total += ys.shape[0];
        tf.dispose([loss, right!]);
        // END SOLUTION
        // STARTER: todo('3.1: the training step of trainAndRecord');
        tf.dispose([xs, ys]);
        step++;
        if (step % RECORD_EVERY === 0) {
          // BEGIN SOLUTION
          lossCurve.push(runningLoss / stepsSinceRecord);
          trainAccCurve.push((100 * correct) / total);
          valAccCurve.push(await accuracy(model, data.val));
          runningLoss = 0;
          stepsSinceRecord = 0;
          // END SOLUTION
          // STARTER: todo('3.1: the records every 10 steps');
        }
      }
    }
    const kernel = firstLayerKernel(model);
    return {
      lossCurve,
      trainAccCurve,
      valAccCurve,
      testAcc: await accuracy(model, data.test),
      firstLayerWeights: { shape: [...kernel.shape] as number[], values: kernel.read().dataSync() as Float32Array },
    };
  } finally {
    optimizer.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Part 4: the gradient of the first layer (compute_gradient_magnitude) and the loop of part4.py.

export function firstLayerGradientNorm(model: tf.LayersModel, xs: tf.Tensor4D, ys: tf.Tensor1D): number {
  // BEGIN SOLUTION
  const kernel = firstLayerKernel(model).read() as tf.Variable;
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(xs, { training: true }) as tf.Tensor2D, ys), [kernel]);
    value.dispose();
    return tf.norm(grads[kernel.name]).dataSync()[0];
  });
  // END SOLUTION
  // STARTER: return todo('4.1: firstLayerGradientNorm');
}

export async function trainAndRecordGradients(model: tf.LayersModel, train: DataLoader, opts: { lr: number; epochs: number }): Promise<GradientRecord> {
  const optimizer = tf.train.sgd(opts.lr); // torch.optim.SGD(lr, momentum=0.0)
  const kernel = firstLayerKernel(model).read() as tf.Variable;
  const lossCurve: number[] = [];
  const gradCurve: number[] = [];
  let step = 0;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      for await (const { xs, ys } of batches(train)) {
        step++;
        // 4.1: gradients of the loss (tf.variableGrads), the records of every 10th step, then the update
        // (optimizer.applyGradients): the seed records before optimizer.step().
        // BEGIN SOLUTION
        const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(xs, { training: true }) as tf.Tensor2D, ys), trainable(model));
        if (step % RECORD_EVERY === 0) {
          lossCurve.push(value.dataSync()[0]);
          gradCurve.push(tf.tidy(() => tf.norm(grads[kernel.name]).dataSync()[0]));
        }
        optimizer.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
        // END SOLUTION
        // STARTER: todo('4.1: the training step and records of trainAndRecordGradients');
        tf.dispose([xs, ys]);
      }
    }
    return { lossCurve, gradCurve };
  } finally {
    optimizer.dispose();
  }
}
