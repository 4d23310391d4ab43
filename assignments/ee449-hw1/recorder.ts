// The grader's own training recorder for parts 3-5: the seed's training loops (part3.py, part4.py, part5.py)
// on PyTorch-exact optimizers (harness/engine/optimizers), recording what the seed records every 10 steps.
// Used to replay what a submission's recorder claims (same model, same initial weights, same batches) and to
// train the student's architectures in the grader for the convergence and gradient checks. No student code
// runs here.
import * as tf from '@tensorflow/tfjs';
import { TorchAdam, TorchSgd, type RawImages } from 'dlgrade/kit';
import { batchesOf } from './image-data.ts';

export interface RecordBudget {
  optimizer: 'adam' | 'sgd';
  /**
   * Which Adam takes the steps: PyTorch's formula (TorchAdam, the default) or tfjs's tf.train.adam(lr, 0.9,
   * 0.999, 1e-8), which adds eps before the bias correction. Both are torch.optim.Adam up to rounding; the
   * recorder checks use set-ups where both land together (well-posed-runs.ts).
   */
  adam?: 'torch' | 'tfjs';
  lr: number;
  epochs: number;
  batchSize: number;
  /** Training image order of each epoch (undefined: as stored). */
  order?: (epoch: number) => Int32Array | undefined;
  /** Record every this many steps (the seed: 10). */
  every?: number;
  /** Validation accuracy at every record (parts 3 and 5). Default true. */
  valAtRecords?: boolean;
  /** Norm of the first layer's weight gradient at every record (part 4). Default false. */
  gradients?: boolean;
  /** Scheduled learning rate: called after each epoch with its validation accuracy, returns the next epoch's lr. */
  schedule?: (valAcc: number) => number;
}

/** Everything the seed's three loops record, computed by the grader. */
export interface GraderRecord {
  steps: number;
  /** Every step's loss, and how many of its batch's images the training forward pass got right, of how many. */
  stepLosses: number[];
  stepCorrect: number[];
  stepSeen: number[];
  /** Mean training loss of the steps since the previous record (parts 3 and 5). */
  lossCurve: number[];
  /** Loss of the recording step itself (part 4's loss.item()). */
  stepLossCurve: number[];
  /** Training accuracy (%) of the batches seen so far in the current epoch, before their update. */
  trainAccCurve: number[];
  valAccCurve: number[];
  /** Frobenius norm of the first layer's weight gradient at the recording step, before the update. */
  gradCurve: number[];
  /** Validation accuracy after each epoch and the lr that epoch used (scheduled runs). */
  epochValAcc: number[];
  epochLr: number[];
  testAcc?: number;
  /** The first layer's weights (kernel) at the end, as tfjs holds them. */
  firstKernel: { shape: number[]; values: Float32Array };
  ms: number;
}

/** The kernel of the first layer that has weights: Dense [in, out] or Conv2D [kh, kw, in, out]. */
export function firstKernel(model: tf.LayersModel): tf.LayerVariable {
  for (const layer of model.layers) {
    const k = layer.weights.find((w) => /kernel/.test(w.originalName));
    if (k) return k;
  }
  throw new Error(`model ${model.name} has no layer with a kernel`);
}

/** Accuracy (%) of the model's predictions on `data` (inference mode, batches of 250). */
export function accuracyOf(model: tf.LayersModel, data: RawImages): number {
  let correct = 0;
  for (const { xs, ys } of batchesOf(data, 250)) {
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(xs) as tf.Tensor2D, 1), ys), 'int32')).dataSync()[0]);
    tf.dispose([xs, ys]);
  }
  return (100 * correct) / data.n;
}

/** Trains `model` in place as the seed's loops do and returns what they record. */
export function recordTraining(model: tf.LayersModel, data: { train: RawImages; val: RawImages; test?: RawImages }, budget: RecordBudget): GraderRecord {
  const t0 = Date.now();
  const every = budget.every ?? 10;
  const valAtRecords = budget.valAtRecords ?? true;
  const optimizer = budget.optimizer === 'sgd' ? new TorchSgd({ learningRate: budget.lr, momentum: 0 }) : budget.adam === 'tfjs' ? tf.train.adam(budget.lr, 0.9, 0.999, 1e-8) : new TorchAdam({ learningRate: budget.lr });
  let lr = budget.lr;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernel = firstKernel(model);
  const kernelName = (kernel.read() as tf.Variable).name;
  const rec: GraderRecord = { steps: 0, stepLosses: [], stepCorrect: [], stepSeen: [], lossCurve: [], stepLossCurve: [], trainAccCurve: [], valAccCurve: [], gradCurve: [], epochValAcc: [], epochLr: [], firstKernel: { shape: [], values: new Float32Array() }, ms: 0 };
  try {
    let running = 0;
    let sinceRecord = 0;
    for (let epoch = 0; epoch < budget.epochs; epoch++) {
      rec.epochLr.push(lr);
      let correct = 0;
      let seen = 0;
      for (const { xs, ys } of batchesOf(data.train, budget.batchSize, budget.order?.(epoch))) {
        let right: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
          // The predictions of this forward pass (before the update), as the seed's running accuracy uses.
          right = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'int32')));
          return tf.losses.softmaxCrossEntropy(tf.oneHot(ys, logits.shape[1]), logits) as tf.Scalar;
        }, variables);
        const loss = value.dataSync()[0];
        const r = right!.dataSync()[0];
        rec.stepLosses.push(loss);
        rec.stepCorrect.push(r);
        rec.stepSeen.push(xs.shape[0]);
        correct += r;
        seen += xs.shape[0];
        running += loss;
        sinceRecord++;
        rec.steps++;
        const recording = rec.steps % every === 0;
        if (recording && budget.gradients) rec.gradCurve.push(tf.tidy(() => tf.norm(grads[kernelName]).dataSync()[0]));
        optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        tf.dispose([value, right!, xs, ys, ...Object.values(grads)]);
        if (recording) {
          rec.lossCurve.push(running / sinceRecord);
          rec.stepLossCurve.push(loss);
          rec.trainAccCurve.push((100 * correct) / seen);
          if (valAtRecords) rec.valAccCurve.push(accuracyOf(model, data.val));
          running = 0;
          sinceRecord = 0;
        }
      }
      if (budget.schedule) {
        const acc = accuracyOf(model, data.val);
        rec.epochValAcc.push(acc);
        lr = budget.schedule(acc);
        // tfjs's Adam keeps its learning rate to itself: schedules run on the harness's optimizers.
        if (!(optimizer instanceof TorchSgd || optimizer instanceof TorchAdam)) throw new Error("recordTraining: a schedule needs the harness's SGD or Adam");
        optimizer.learningRate = lr;
      }
    }
    if (data.test) rec.testAcc = accuracyOf(model, data.test);
    rec.firstKernel = { shape: [...kernel.shape] as number[], values: kernel.read().dataSync() as Float32Array };
    rec.ms = Date.now() - t0;
    return rec;
  } finally {
    optimizer.dispose();
  }
}

/**
 * Part 4's measurement in the grader: the gradient of the mean softmax cross-entropy of one batch (training
 * mode), as norms of the first layer's kernel gradient and of what students measure by mistake instead.
 */
export function gradientNorms(model: tf.LayersModel, batch: RawImages): { kernel: number; kernelAndBias: number; all: number; sumLoss: number } {
  const kernel = firstKernel(model).read() as tf.Variable;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const firstLayer = model.layers.find((l) => l.trainableWeights.length > 0)!;
  const firstNames = new Set(firstLayer.trainableWeights.map((w) => (w.read() as tf.Variable).name));
  return tf.tidy(() => {
    const xs = tf.tensor4d(batch.images, [batch.n, batch.height, batch.width, batch.channels]);
    const ys = tf.tensor1d(batch.labels, 'int32');
    const { grads } = tf.variableGrads(() => {
      const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
      return tf.losses.softmaxCrossEntropy(tf.oneHot(ys, logits.shape[1]), logits) as tf.Scalar;
    }, variables);
    const sq = (names: (n: string) => boolean) => Math.sqrt(Object.entries(grads).filter(([n]) => names(n)).reduce((s, [, g]) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
    const k = sq((n) => n === kernel.name);
    return { kernel: k, kernelAndBias: sq((n) => firstNames.has(n)), all: sq(() => true), sumLoss: k * batch.n };
  });
}
