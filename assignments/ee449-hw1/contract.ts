// EE449 HW1 — what your submission exports (index.ts). This file is the contract the grader checks against:
// names, argument shapes and the rules each function must follow. It is the TypeScript / TensorFlow.js port of
// the homework's Python (seed 004): part 1 (an MLP from scratch, numpy's role played by plain arrays), part 2
// (conv2d from scratch), parts 3-5 (PyTorch models and training loops, here tfjs).
//
// Conventions
// - Parts 1 and 2 are FROM SCRATCH: no tfjs, no autodiff, no package at all. They live in their own files,
//   mlp-scratch.ts, xor-data.ts and conv2d-scratch.ts, which may import only each other and random.ts (given).
//   The grader reads which packages every file of your submission imports (from the bundle it builds) and
//   checks these files import none. Compute in float64 (JS numbers, or Float64Array): the grader compares
//   with float64 maths to 1e-9, which float32 (tfjs) does not reach.
// - Matrices are number[][] (rows of numbers), like numpy's 2-D arrays: a batch of inputs is [batch][features].
// - Parts 3-5: images are NHWC [batch, 32, 32, 3] float32 (tfjs's layout; the seed's (3, 32, 32) becomes
//   [32, 32, 3]); labels are int32 class indices (like PyTorch's CrossEntropyLoss targets); models return raw
//   logits (no softmax layer).
// - Tensors you receive belong to the caller: do not dispose them, except the batches a DataLoader yields
//   (below), which belong to whoever iterates.
// - Import nothing from grading/ (the visible checks you were given): the grader uses its own copy.
import type * as tf from '@tensorflow/tfjs';

// ---------------------------------------------------------------------------------------------------------
// Part 1: a multi-layer perceptron from scratch (mlp-scratch.ts, xor-data.ts)

export type Matrix = number[][];
export type ActivationName = 'sigmoid' | 'tanh' | 'relu';
export type ScalarFunction = (x: number) => number;

/**
 * 1.2: the seed's mlp.py. Fields hold the weights as plain number[][] matrices; the grader reads them and
 * assigns new ones (an assignment must take effect: keep no other copy of the weights).
 *
 * forward(inputs [batch][inputSize]) -> output [batch][outputSize]:
 *   hidden_input = inputs W1 + b1; hidden_output = act(hidden_input);
 *   final_input = hidden_output W2 + b2; output = act(final_input)   (the output layer uses the SAME activation)
 *   and remembers what backward needs (the seed keeps it on self).
 * backward(inputs, targets [batch][outputSize], learningRate): one update, exactly the seed's rule (sums over
 *   the batch, no 1/N or 2/N factor), using the values of the last forward call on the same inputs:
 *   output_delta = (output - targets) * act'(final_input)
 *   hidden_delta = (output_delta W2^T) * act'(hidden_input)          (W2 as it was BEFORE this update)
 *   W2 -= lr * hidden_output^T output_delta;  b2 -= lr * (column sums of output_delta)
 *   W1 -= lr * inputs^T hidden_delta;         b1 -= lr * (column sums of hidden_delta)
 *   act' is the derivative evaluated at the PRE-activation (sigmoid'(z) = sigmoid(z)(1 - sigmoid(z))).
 */
export interface MLP {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly activation: ActivationName;
  /** W1, [inputSize][hiddenSize]; initially standard normal draws (np.random.randn). */
  weightsInputHidden: Matrix;
  /** b1, [1][hiddenSize]; initially zeros. */
  biasHidden: Matrix;
  /** W2, [hiddenSize][outputSize]; initially standard normal draws. */
  weightsHiddenOutput: Matrix;
  /** b2, [1][outputSize]; initially zeros. */
  biasOutput: Matrix;
  forward(inputs: Matrix): Matrix;
  backward(inputs: Matrix, targets: Matrix, learningRate: number): void;
}

/**
 * new MLP(inputSize, hiddenSize, outputSize, activation = 'sigmoid', randn = a standard normal sampler): W1's
 * entries are randn() draws, row by row, then W2's (the order np.random.randn fills them); biases zeros.
 */
export type MLPClass = new (inputSize: number, hiddenSize: number, outputSize: number, activation?: ActivationName, randn?: () => number) => MLP;

export interface XorOptions {
  /** Default 1000. */
  trainSamples?: number;
  /** Default 100. */
  valSamples?: number;
  /** Standard deviation of each coordinate around its centre. Default 0.4. */
  std?: number;
  /** The same seed gives the same data. Default 0. */
  seed?: number;
}

export interface XorData {
  /** [trainSamples][2] */
  xTrain: Matrix;
  /** [trainSamples][1], 0 or 1 */
  yTrain: Matrix;
  xVal: Matrix;
  yVal: Matrix;
}

/**
 * The seed's part1CreateDataset (sklearn's make_blobs, then relabelled): four Gaussian clusters with centres
 * (1, 1), (1, -1), (-1, -1), (-1, 1) and labels 0, 1, 0, 1 (an XOR of the signs); each set split between the
 * centres as make_blobs does (n / 4 each, the first n % 4 centres one more), every coordinate centre + std * N(0, 1),
 * rows shuffled. Training and validation sets are independent draws.
 */
export type CreateXorDataset = (opts?: XorOptions) => XorData;

// ---------------------------------------------------------------------------------------------------------
// Part 2: a convolutional layer from scratch (conv2d-scratch.ts)

/** [d0][d1][d2][d3], like a 4-D numpy array. */
export type Tensor4 = number[][][][];

/** Output size of a convolution along one axis: floor((N - F + 2P) / S) + 1 (padding P and stride S default 0 and 1). */
export type ConvOutputSize = (inputSize: number, filterSize: number, padding?: number, stride?: number) => number;

/**
 * The seed's my_conv2d: input [B][Cin][H][W], kernel [Cout][Cin][Fh][Fw] (PyTorch's NCHW layouts), returns
 * [B][Cout][H - Fh + 1][W - Fw + 1]: stride 1, no padding ('valid'), no bias, and CROSS-CORRELATION like
 * every deep-learning library (the kernel is not flipped):
 *   out[b][o][i][j] = sum over c, p, q of input[b][c][i + p][j + q] * kernel[o][c][p][q].
 * Throws when the channel counts disagree or the kernel is larger than the input.
 */
export type MyConv2d = (input: Tensor4, kernel: Tensor4) => Tensor4;

// ---------------------------------------------------------------------------------------------------------
// Part 3: the five architectures (models.ts)

export type ArchName = 'mlp_1' | 'mlp_2' | 'cnn_3' | 'cnn_4' | 'cnn_5';
export type HiddenActivation = 'relu' | 'sigmoid';

/**
 * The seed's MLP1, MLP2, CNN3, CNN4, CNN5 for [B, 32, 32, 3] inputs, logits [B, 10]; `activation` follows every
 * convolution and every hidden Dense layer (part 3: 'relu', part 4 compares 'relu' and 'sigmoid').
 * Convolutions: stride 1, padding 'valid'; pooling: tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).
 *   mlp_1: Flatten, Dense 32, Dense 10                                                   98,666 parameters
 *   mlp_2: Flatten, Dense 32, Dense 64 WITHOUT bias, Dense 10                           101,034
 *   cnn_3: Conv 3x3x16, Conv 5x5x8, MaxPool, Conv 7x7x16, MaxPool, Flatten, Dense 10     11,394
 *   cnn_4: Conv 3x3x16, Conv 3x3x8, Conv 5x5x16, MaxPool, Conv 5x5x16, MaxPool, Flatten, Dense 10   13,810
 *   cnn_5: Conv 3x3x8, 3x3x16, 3x3x8, 3x3x16, MaxPool, Conv 3x3x16, 3x3x8, MaxPool, Flatten, Dense 10   8,490
 * Build them from tfjs's own layers (tf.layers.conv2d, maxPooling2d, flatten, dense, activation): the grader
 * rebuilds your model from its topology and weights on its side, and only those layers can be rebuilt.
 */
export type CreateModel = (arch: ArchName, activation?: HiddenActivation) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// Parts 3-5: training loops that record curves (recorder.ts, schedule.ts)

/** One mini-batch: images [b, 32, 32, 3] float32 and labels [b] int32. */
export type Batch = {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
};

/**
 * What the seed calls a DataLoader (batch size 50): a tf.data.Dataset whose elements are whole batches
 * (`await loader.forEachAsync(...)`, or `loader.iterator()` to await inside the loop). The training loader
 * reshuffles every time it is iterated, as DataLoader(shuffle=True) does every epoch, from a seed the grader
 * knows: iterate it exactly once per epoch, so the grader can replay the same batches. Validation and test
 * loaders keep their order. Dispose each batch's tensors when done with it.
 */
export type DataLoader = tf.data.Dataset<Batch>;

export interface ImageData {
  train: DataLoader;
  val: DataLoader;
  test: DataLoader;
}

export interface RecordOptions {
  /** 'adam': torch.optim.Adam(lr) (betas 0.9, 0.999, eps 1e-8); 'sgd': torch.optim.SGD(lr, momentum=0). */
  optimizer: 'adam' | 'sgd';
  lr: number;
  epochs: number;
}

export interface TrainingRecord {
  /** Every 10 steps: the mean training loss of the 10 steps since the previous record. */
  lossCurve: number[];
  /** Every 10 steps: training accuracy (%) over the batches of the current epoch so far. */
  trainAccCurve: number[];
  /** Every 10 steps: accuracy (%) on data.val. */
  valAccCurve: number[];
  /** Accuracy (%) on data.test after training. */
  testAcc: number;
  /** The first layer's weights after training: the kernel of the first layer that has weights, as tfjs holds it. */
  firstLayerWeights: { shape: number[]; values: number[] | Float32Array };
}

/**
 * Part 3's training loop (part 5 runs it with 'sgd' at lr 0.1, 0.01 and 0.001). The grader replays it with the
 * same model, initial weights and batches, so follow these rules exactly:
 * 1. One optimizer, created once (see RecordOptions).
 * 2. Each epoch: one pass over data.train (exactly one iteration of it); for every batch, the model in training mode
 *    (model.apply(xs, { training: true })), the mean softmax cross-entropy of the logits against ys, one
 *    optimizer step. Steps are counted from 1, across epochs.
 * 3. After the update of every 10th step (step % 10 === 0), append to the three curves: the mean loss of the
 *    steps since the previous record; 100 * correct / seen over the batches of the current epoch so far (each
 *    batch's predictions are the argmax of the logits of its training forward pass, before its update; the
 *    counts start again at 0 every epoch); the accuracy on data.val (inference mode, model.predict).
 * 4. After the last epoch: testAcc on data.test; firstLayerWeights.
 * Accuracy = 100 * (number of argmax(logits) === label) / (number of images).
 */
export type TrainAndRecord = (model: tf.LayersModel, data: ImageData, opts: RecordOptions) => Promise<TrainingRecord>;

/**
 * Part 4's measurement (the seed's compute_gradient_magnitude): the Frobenius norm of the gradient of the mean
 * softmax cross-entropy of model(xs) (training mode) against ys, with respect to the first layer's weights
 * (the kernel of the first layer that has weights; not its bias). The model is not changed.
 */
export type FirstLayerGradientNorm = (model: tf.LayersModel, xs: tf.Tensor4D, ys: tf.Tensor1D) => number;

export interface GradientRecord {
  /** Every 10 steps: the loss of that step (the seed's loss.item()). */
  lossCurve: number[];
  /** Every 10 steps: firstLayerGradientNorm of that step's batch, before that step's update. */
  gradCurve: number[];
}

/**
 * Part 4's training loop: torch.optim.SGD(lr, momentum=0), otherwise as TrainAndRecord rule 2, recording
 * at every 10th step (before that step's update) the step's loss and the first layer's gradient norm.
 */
export type TrainAndRecordGradients = (model: tf.LayersModel, train: DataLoader, opts: { lr: number; epochs: number }) => Promise<GradientRecord>;

/** A learning-rate schedule decided once per epoch from the validation accuracy. */
export interface LrSchedule {
  /** The learning rate of the coming epoch. */
  readonly lr: number;
  /** Called once after each epoch with that epoch's validation accuracy (%); returns the next epoch's lr. */
  step(valAcc: number): number;
}

export interface PlateauOptions {
  /** Default 0.1 (the seed starts at 0.1). */
  initialLr?: number;
  /** Default 0.1 (0.1 -> 0.01 -> 0.001). */
  factor?: number;
  /** Epochs in a row without a new best validation accuracy before the lr is lowered. Default 2. */
  patience?: number;
  /** The lr is never lowered below this. Default 0.001. */
  minLr?: number;
}

/**
 * 5.1 scheduled learning rate: lower the lr when the validation accuracy stops improving. step(valAcc):
 * - valAcc strictly greater than the best so far: it becomes the best, the counter goes back to 0;
 * - otherwise (ties included) the counter goes up by 1; when it reaches `patience`, lr = max(lr * factor, minLr)
 *   and the counter goes back to 0 (the best is kept).
 */
export type PlateauScheduleClass = new (opts?: PlateauOptions) => LrSchedule;

export interface ScheduledRecord {
  /** Accuracy (%) on data.val after each epoch. */
  valAccCurve: number[];
  /** The lr each epoch trained with. */
  lrCurve: number[];
  testAcc: number;
}

/**
 * Part 5's scheduled run: SGD (momentum 0) starting at schedule.lr; each epoch one pass over data.train as in
 * TrainAndRecord rule 2, then the validation accuracy, then exactly one call schedule.step(valAcc), whose
 * result is the next epoch's lr. testAcc after the last epoch.
 */
export type TrainScheduled = (model: tf.LayersModel, data: ImageData, opts: { epochs: number; schedule: LrSchedule }) => Promise<ScheduledRecord>;

// ---------------------------------------------------------------------------------------------------------
// Everything index.ts exports.
export interface Ee449Hw1 {
  // 1 (mlp-scratch.ts, xor-data.ts)
  sigmoid: ScalarFunction;
  sigmoidDerivative: ScalarFunction;
  tanh: ScalarFunction;
  tanhDerivative: ScalarFunction;
  relu: ScalarFunction;
  reluDerivative: ScalarFunction;
  /** mean((output - targets)^2) over every entry: the loss the seed prints. */
  meanSquaredError: (output: Matrix, targets: Matrix) => number;
  MLP: MLPClass;
  createXorDataset: CreateXorDataset;
  // 2 (conv2d-scratch.ts)
  convOutputSize: ConvOutputSize;
  myConv2d: MyConv2d;
  // 3 (models.ts, recorder.ts)
  createModel: CreateModel;
  trainAndRecord: TrainAndRecord;
  // 4 (recorder.ts)
  firstLayerGradientNorm: FirstLayerGradientNorm;
  trainAndRecordGradients: TrainAndRecordGradients;
  // 5 (schedule.ts)
  PlateauSchedule: PlateauScheduleClass;
  trainScheduled: TrainScheduled;
}
