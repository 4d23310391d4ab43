// Lab 4: CNN (AlexNet) — what your submission exports (index.ts). This file is the contract the grader checks
// against: names, argument shapes and the rules each function must follow. It is the TypeScript / TensorFlow.js
// port of the PyTorch lab (seed 000); where tfjs differs from PyTorch, it says so.
//
// Conventions
// - Images are NHWC (batch, height, width, channels), tfjs's own layout: PyTorch's (B, 3, 32, 32) becomes
//   [B, 32, 32, 3] and "channels" is the LAST axis. Shapes are written HxWxC: 32x32x64.
// - Labels are int32 class indices (what nn.CrossEntropyLoss takes), never one-hot vectors.
// - Models return raw logits (no softmax at the end). The loss is nn.CrossEntropyLoss: the mean over the batch
//   of the softmax cross-entropy of the logits against the labels.
// - Tensors you return belong to the caller; tensors you receive belong to the caller too (do not dispose them).
//
// Models are built from tf.layers.* and the layers of 'dlgrade/layers' only: the grader rebuilds every model
// you return from its topology (class names and configs) and checks and trains that copy, so a layer class of
// your own cannot be rebuilt and a model that overrides its methods changes nothing.
import type * as tf from '@tensorflow/tfjs';

// ---------------------------------------------------------------------------------------------------------
// A. Baseline NN

/** Options every model takes (the seed's constructor arguments). */
export interface ModelOptions {
  /** Size of the output layer. Default 10. */
  numClasses?: number;
  /** Rate of every Dropout layer. Default 0.5. */
  dropout?: number;
}

/**
 * A: BaselineNN for [B, 32, 32, 3] images, logits [B, numClasses]:
 *   Flatten -> Dense(512) -> ReLU -> Dropout -> Dense(256) -> ReLU -> Dropout -> Dense(numClasses)
 * 1,707,274 trainable parameters with 10 classes (PyTorch's count). The seed reuses one nn.Dropout module
 * twice; tf.layers needs one Dropout layer per use (no weights, same behaviour).
 */
export type CreateBaselineNN = (opts?: ModelOptions) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// B. AlexNet adapted to CIFAR-10

/** nn.LocalResponseNorm's arguments. The lab's AlexNet uses { size: 5, alpha: 1e-4, beta: 0.75, k: 2 }. */
export interface LrnParams {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}

/**
 * B.1: local response normalisation across channels with PyTorch's semantics (nn.LocalResponseNorm), on an
 * NHWC tensor (channels last). For every position and channel c of C channels:
 *
 *   out[c] = x[c] / (k + alpha / size * sum_{j = c - floor(size/2)}^{c + floor((size-1)/2)} x[j]^2) ^ beta
 *
 * where channels outside 0..C-1 count as 0. Note `alpha / size`: PyTorch averages the squares over the window.
 * tf.localResponseNormalization is NOT this: it takes a depth RADIUS (window 2r+1), does not divide alpha,
 * orders its arguments (x, radius, bias, alpha, beta), and has no kernel on the WebAssembly backend grading
 * runs on. Write it from tf operations (pad, slice, square, add, pow, div, ...); do not call the
 * LocalResponseNorm layer of 'dlgrade/layers' here (the grader checks that it is not used).
 * Returns a tensor of x's shape; works for any size >= 1 (even sizes too) and any number of channels.
 */
export type LocalResponseNormFn = (x: tf.Tensor4D, p: LrnParams) => tf.Tensor4D;

/**
 * B.2: nn.AdaptiveAvgPool2d((outH, outW)) on NHWC: output cell (i, j) is the mean of input rows
 * floor(i*H/outH) .. ceil((i+1)*H/outH) - 1 and columns floor(j*W/outW) .. ceil((j+1)*W/outW) - 1, for any
 * H, W (when outH does not divide H the windows differ in size and may overlap; outH may exceed H). Returns
 * [B, outH, outW, C]. Write it from tf operations; do not call the AdaptiveAvgPool2d layer of 'dlgrade/layers'
 * here (the grader checks).
 */
export type AdaptiveAvgPool2dFn = (x: tf.Tensor4D, outputSize: [number, number]) => tf.Tensor4D;

export interface AlexNetOptions extends ModelOptions {
  /** [H, W, 3]. Default [32, 32, 3]. The adaptive pooling makes the classifier the same for any size >= 4x4. */
  inputShape?: [number, number, number];
}

/**
 * B.3: AlexNetCIFAR, logits [B, numClasses]. Exactly these layers, in this order (the seed's nn.Sequential
 * blocks; you may nest them as tf.sequential models named features / classifier, or not):
 *   features:   Conv2D(64, 3x3, stride 1, 'same') ReLU LRN
 *               Conv2D(192, 5x5, stride 1, 'same') ReLU LRN MaxPooling2D(2, stride 2)
 *               Conv2D(384, 3x3, 'same') ReLU  Conv2D(256, 3x3, 'same') ReLU  Conv2D(256, 3x3, 'same') ReLU
 *               MaxPooling2D(2, stride 2)                                 32x32 -> 32x32 -> 16x16 -> 8x8
 *   avgpool:    AdaptiveAvgPool2d to 4x4                                  -> 4x4x256
 *   flatten:    Flatten                                                   -> 4096
 *   classifier: Dropout Dense(4096) ReLU Dropout Dense(4096) ReLU Dense(numClasses)
 * where LRN is `new LocalResponseNorm({ size: 5, alpha: 1e-4, beta: 0.75, k: 2 })` and the adaptive pool
 * `new AdaptiveAvgPool2d({ outputSize: [4, 4] })`, both imported from 'dlgrade/layers' (the equivalents of
 * nn.LocalResponseNorm and nn.AdaptiveAvgPool2d; the grader rebuilds your model with them and checks their
 * configs). 'same' padding at stride 1 is PyTorch's padding=1 (3x3) and padding=2 (5x5).
 * 36,051,786 trainable parameters with 10 classes.
 */
export type CreateAlexNet = (opts?: AlexNetOptions) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// C. TinyVGG

/**
 * C: TinyVGG for [B, 32, 32, 3], logits [B, numClasses]:
 *   block1: Conv2D(64, 3x3, 'same') BatchNorm ReLU Conv2D(64, 3x3, 'same') BatchNorm ReLU MaxPooling2D(2)   -> 16x16x64
 *   block2: Conv2D(128, 3x3, 'same') BatchNorm ReLU Conv2D(128, 3x3, 'same') BatchNorm ReLU MaxPooling2D(2) -> 8x8x128
 *   classifier: Flatten Dense(512) ReLU Dropout Dense(numClasses)
 * BatchNormalization with nn.BatchNorm2d's defaults: epsilon 1e-5 and momentum 0.9 in tfjs's convention
 * (PyTorch's momentum 0.1 weighs the new batch; tfjs's momentum weighs the old statistic). tfjs's own
 * defaults (epsilon 1e-3, momentum 0.99) are not PyTorch's. 4,460,874 trainable parameters with 10 classes
 * (the BatchNorm moving statistics are buffers, not parameters, as in PyTorch).
 */
export type CreateTinyVGG = (opts?: ModelOptions) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// D. Optimizer and learning-rate scheduler

/**
 * D.1: torch.optim.SGD as a tf.Optimizer. tf.train.momentum has no weight decay, so write it. For every
 * variable with a gradient g, at every applyGradients:
 *   d = g + weightDecay * w                       (L2 weight decay added to the gradient)
 *   buf = d on this variable's first step, else momentum * buf + d     (one buffer per variable)
 *   w = w - learningRate * buf                    (with momentum 0: w = w - learningRate * d)
 * `learningRate` is read at every step, so a scheduler can change it between steps.
 */
export interface TorchSGD extends tf.Optimizer {
  learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
}

/**
 * D.2: torch.optim.lr_scheduler.StepLR for one optimizer. The epoch counter starts at 0 with the optimizer's
 * learning rate as base; step() adds 1 to it and sets optimizer.learningRate = base * gamma^floor(epoch /
 * stepSize). So with stepSize 10 and gamma 0.1, epochs 1-10 train with lr, 11-20 with lr * 0.1, ... when
 * step() is called once at the end of every epoch. getLastLr() is the learning rate it last set (the base
 * before any step); PyTorch returns one per parameter group, here there is one.
 */
export interface LrScheduler {
  step(): void;
  getLastLr(): number;
}

export interface OptimizerOptions {
  /** Default 0.01. */
  lr?: number;
  /** Default 0.9. */
  momentum?: number;
  /** Default 5e-4. */
  weightDecay?: number;
  /** Default 30 (the seed takes it and does not use it). */
  epochs?: number;
  /** StepLR's step_size, in epochs. Default 10. */
  stepSize?: number;
  /** StepLR's gamma. Default 0.1. */
  gamma?: number;
}

/** D: the seed's get_optimizer_scheduler: a new TorchSGD and a StepLR on it. */
export type GetOptimizerScheduler = (opts?: OptimizerOptions) => { optimizer: TorchSGD; scheduler: LrScheduler };

// ---------------------------------------------------------------------------------------------------------
// E. Training and evaluation functions

/** One mini-batch: images [B, H, W, C] float32 and labels [B] int32. */
export type Batch = {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
};

/**
 * What the seed calls a DataLoader: a tf.data.Dataset whose elements are whole batches. It can be iterated
 * again for every epoch (`await loader.forEachAsync(...)`, or `await loader.iterator()`). The last batch may be
 * smaller than the others. The tensors of each batch belong to whoever iterates: dispose them when done.
 */
export type DataLoader = tf.data.Dataset<Batch>;

/** What train_one_epoch and evaluate return. */
export interface EpochResult {
  /** Mean cross-entropy per SAMPLE over the whole pass: (sum over batches of batch mean loss * batch size) / samples. */
  loss: number;
  /** 100 * correct / samples (a percentage, not a fraction). */
  accuracy: number;
}

/**
 * E.1: one pass over `loader`. For each batch, in order: the model in TRAINING mode
 * (model.apply(xs, { training: true }): dropout live, BatchNorm on batch statistics), the batch's mean
 * cross-entropy, one optimizer step on the model's trainable weights (optimizer.minimize or
 * applyGradients). Loss and correct predictions are counted from that same forward pass, before the step.
 * Use the optimizer you are given (the grader gives you its own).
 */
export type TrainOneEpoch = (model: tf.LayersModel, loader: DataLoader, optimizer: tf.Optimizer) => Promise<EpochResult>;

/** E.2: the model in INFERENCE mode (model.predict, or apply with training false) over every batch; no weight changes. */
export type Evaluate = (model: tf.LayersModel, loader: DataLoader) => Promise<EpochResult>;

/** The seed's history dict. Lists have one entry per epoch, in order. */
export interface History {
  trainLoss: number[];
  /** Percent. */
  trainAcc: number[];
  testLoss: number[];
  /** Percent. */
  testAcc: number[];
  /** Wall-clock seconds of the whole training (time.time() differences in the seed). */
  trainingTime: number;
}

export interface TrainModelOptions {
  /** Print the seed's line at epoch 1 and every 5th epoch. Default true. */
  verbose?: boolean;
}

/**
 * E.3: the seed's train_model. For epoch = 1..epochs: trainOneEpoch(model, train, optimizer), then
 * evaluate(model, test), then scheduler.step() exactly ONCE (StepLR counts epochs, not batches); push the
 * four figures to the history. trainingTime covers the whole loop.
 */
export type TrainModel = (
  model: tf.LayersModel,
  train: DataLoader,
  test: DataLoader,
  optimizer: tf.Optimizer,
  scheduler: LrScheduler,
  epochs: number,
  modelName: string,
  opts?: TrainModelOptions,
) => Promise<History>;

/** E.4: the seed's get_predictions: the predicted class (argmax of the logits, inference mode) and the label of every sample of `loader`, in loader order. */
export type GetPredictions = (model: tf.LayersModel, loader: DataLoader) => Promise<{ preds: number[]; labels: number[] }>;

// ---------------------------------------------------------------------------------------------------------
// G. Comprehensive evaluation

/**
 * G.1: sklearn.metrics.confusion_matrix(labels, preds) for classes 0..numClasses-1: cm[i][j] = number of
 * samples whose TRUE class is i and whose PREDICTED class is j (rows true, columns predicted).
 */
export type ConfusionMatrixFn = (labels: readonly number[], preds: readonly number[], numClasses: number) => number[][];

/** G.1: each row divided by its sum (the seed's cm / cm.sum(axis=1)[:, None]); a row whose sum is 0 stays all 0. */
export type NormalizeConfusionMatrix = (cm: readonly (readonly number[])[]) => number[][];

/** Precision, recall, F1 and support of one class, or an average of them. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of samples whose true class it is (for the averages: all samples). */
  support: number;
}

/**
 * G.2: sklearn.metrics.classification_report(labels, preds, target_names=classNames, output_dict=True), for
 * classes 0..classNames.length-1 (every class occurs in labels or preds):
 * - per class: precision = tp / (tp + fp), recall = tp / (tp + fn), f1 = 2 * precision * recall /
 *   (precision + recall); a 0/0 is 0 (scikit-learn's default zero_division, which also prints a warning);
 * - accuracy = correct / samples (a fraction here, as scikit-learn writes it);
 * - macroAvg: the plain mean over classes of precision, recall and f1; weightedAvg: their mean weighted by
 *   support. Both have support = the number of samples.
 */
export interface ClassificationReport {
  /** One entry per class, in class order, named as classNames. */
  classes: (ClassScores & { name: string })[];
  accuracy: number;
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
}

export type ClassificationReportFn = (labels: readonly number[], preds: readonly number[], classNames: readonly string[]) => ClassificationReport;

/**
 * G.3: the text classification_report prints with `digits`, character for character. With w = the longest of
 * the class names, "weighted avg" and digits:
 *   header: w spaces, then " " + "precision", "recall", "f1-score", "support" each right-aligned in 9 columns
 *           after one more space; then an empty line;
 *   one line per class: name right-aligned in w, then " " + each figure right-aligned in 9 after one more
 *           space (precision, recall, f1 with `digits` decimals, support as an integer); then an empty line;
 *   "accuracy" line: the two first columns blank, the accuracy in the f1 column, the total support;
 *   "macro avg" and "weighted avg" lines like class lines. Every line ends with "\n".
 * Python's format rounds the exact binary value half to even: 0.0625 (1/16) prints as 0.062 with 3 digits,
 * where JavaScript's toFixed(3) gives 0.063. Golden example: ../shared/golden/metrics.json.
 */
export type FormatClassificationReport = (report: ClassificationReport, digits?: number) => string;

// ---------------------------------------------------------------------------------------------------------
// H. Comparative analysis

/** H.1: sklearn's f1_score(labels, preds, average=None) for classes 0..numClasses-1, and its mean (macro F1). */
export type F1Scores = (labels: readonly number[], preds: readonly number[], numClasses: number) => { perClass: number[]; macro: number };

/** H.2: the seed's model_size_mb: trainable parameters (counted as PyTorch counts them) * 4 bytes / 1024^2. */
export type ModelSizeMb = (model: tf.LayersModel) => number;

/** One trained model, as the seed's summary table takes it. */
export interface ModelRun {
  name: string;
  parameters: number;
  history: History;
}

/** One row of the seed's COMPARATIVE MODEL SUMMARY, with numbers (not formatted strings). */
export interface SummaryRow {
  model: string;
  parameters: number;
  /** max of trainAcc. */
  bestTrainAcc: number;
  /** max of testAcc. */
  bestTestAcc: number;
  /** last testAcc. */
  finalTestAcc: number;
  /** history.trainingTime. */
  trainingTime: number;
  /** last trainAcc - last testAcc (negative when the test accuracy is higher, as in the seed). */
  overfittingGap: number;
}

/** H.3: one row per run, in order. */
export type SummarizeResults = (runs: readonly ModelRun[]) => SummaryRow[];

// ---------------------------------------------------------------------------------------------------------
// Everything index.ts exports.
export interface Lab4AlexNet {
  createBaselineNN: CreateBaselineNN;
  localResponseNorm: LocalResponseNormFn;
  adaptiveAvgPool2d: AdaptiveAvgPool2dFn;
  createAlexNet: CreateAlexNet;
  createTinyVGG: CreateTinyVGG;
  getOptimizerScheduler: GetOptimizerScheduler;
  trainOneEpoch: TrainOneEpoch;
  evaluate: Evaluate;
  trainModel: TrainModel;
  getPredictions: GetPredictions;
  confusionMatrix: ConfusionMatrixFn;
  normalizeConfusionMatrix: NormalizeConfusionMatrix;
  classificationReport: ClassificationReportFn;
  formatClassificationReport: FormatClassificationReport;
  f1Scores: F1Scores;
  modelSizeMb: ModelSizeMb;
  summarizeResults: SummarizeResults;
}
