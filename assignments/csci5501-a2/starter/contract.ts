// CSCI-5501 Assignment 2 — what your submission exports (index.ts). This file is the contract the grader
// checks against: names, argument shapes and the rules each function must follow. It is the TypeScript /
// TensorFlow.js port of the PyTorch notebook (seed 002); where tfjs differs from PyTorch, it says so.
//
// Conventions
// - Images are NHWC (batch, height, width, channels), tfjs's own layout; the notebook's (C, H, W) becomes
//   [H, W, C]. Shapes in tables are written HxWxC, as the notebook writes them: "(32, 32, 12)", "768".
// - Labels are int32 class indices (like PyTorch's CrossEntropyLoss targets), not one-hot vectors.
// - Models return raw logits (no softmax layer at the end).
// - Tensors you return belong to the caller; tensors you receive belong to the caller too (do not dispose them).
import type * as tf from '@tensorflow/tfjs';

/** Activation functions by their PyTorch names: nn.ReLU -> 'relu', nn.SiLU -> 'silu', nn.LeakyReLU -> 'leaky_relu' (slope 0.01), nn.ELU -> 'elu', nn.GELU -> 'gelu' (exact erf form), nn.Tanh -> 'tanh', nn.Sigmoid -> 'sigmoid'. */
export type ActivationName = 'relu' | 'silu' | 'leaky_relu' | 'elu' | 'gelu' | 'tanh' | 'sigmoid';

// ---------------------------------------------------------------------------------------------------------
// A. Fully-connected networks

export interface FullyConnectedOptions {
  /** The input image: [H, W, C] (e.g. [28, 28, 1], [32, 32, 3]) or [H, W] for images without a channel axis. */
  imageSize: [number, number, number] | [number, number];
  /** Width of each hidden layer, in order. Default [128, 64]. */
  hiddenUnits?: number[];
  /** Applied after every hidden Dense layer, never after the output layer. Default 'relu'. */
  activation?: ActivationName;
  /** Default 10. */
  numClasses?: number;
}

/**
 * A.1 + A.2: FullyConnectedClassifier. Takes a batch [B, ...imageSize] and returns logits [B, numClasses]:
 * flatten the image, then Dense -> activation for each hidden width, then Dense(numClasses).
 * Parameter counts (PyTorch's figures): [28,28,1] with [512, 256] -> 535,818; [32,32,3] with
 * [1024, 512, 256] -> 3,805,450; [32,32,3] with the default [128, 64] -> 402,250.
 */
export type CreateFullyConnectedClassifier = (opts: FullyConnectedOptions) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// B. Convolutional networks

/** One row of table B.1. */
export interface ShapeTableRow {
  layerType: string;
  description: string;
  /** The output shape after this layer, HxWxC as the notebook writes it: "(32, 32, 12)"; vectors as "768". */
  outputShape: string;
}

export interface ConvNetOptions {
  /** Default 10. */
  numClasses?: number;
  /** Default 'relu'. */
  activation?: ActivationName;
}

/**
 * B.2 + B.3: ConvNet for [B, 32, 32, 3] inputs, logits [B, numClasses]. Exactly the layers of table B.1,
 * in that order: three blocks of Conv2D(3x3, stride 1, padding 'same') -> BatchNormalization -> activation ->
 * MaxPooling2D(2x2, stride 2) with 12, 24, 48 filters; then Flatten -> Dense(64) -> activation ->
 * Dense(numClasses). 63,402 trainable parameters with 10 classes. BatchNormalization with PyTorch's
 * defaults: epsilon 1e-5, momentum 0.9 in tfjs's convention (PyTorch's 0.1).
 */
export type CreateConvNet = (opts?: ConvNetOptions) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// C. Trainer

/** One mini-batch: images [B, H, W, C] float32 and labels [B] int32. */
export type Batch = {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
};

/**
 * What the notebook calls a DataLoader: a tf.data.Dataset whose elements are whole batches. It can be
 * iterated again for every epoch (`await data.forEachAsync(...)` or `await data.iterator()`). The tensors of
 * each batch belong to whoever iterates: dispose them when done with the batch.
 */
export type DataLoader = tf.data.Dataset<Batch>;

export interface TrainOptions {
  /** Maximum number of epochs. Default 10. */
  epochs?: number;
  /** Default 0.001. */
  lr?: number;
  /** AdamW's decoupled weight decay. Default 0.1. */
  weightDecay?: number;
  /** Epochs without improvement of the validation loss before stopping. Default 3. Infinity never stops. */
  earlyStoppingPatience?: number;
  /** Print one line per epoch, and a line when early stopping triggers. Default true. */
  verbose?: boolean;
}

export interface TrainResult {
  /** Copies of model.getWeights() at the end of the epoch with the lowest validation loss (restore with model.setWeights). */
  best: tf.Tensor[];
  /** Copies of model.getWeights() when training ended. */
  final: tf.Tensor[];
  /** Mean training loss of each epoch that ran (mean of the batch losses), in order. */
  trainLosses: number[];
  /** Validation loss of each epoch that ran (the `loss` of this.accuracy(val)), in order. */
  valLosses: number[];
  /** Epoch (numbered from 1) whose weights are `best`. */
  bestEpoch: number;
  /** Epoch (numbered from 1) at whose end early stopping ended training; null when every epoch ran. */
  stoppedEpoch: number | null;
}

/** What accuracy() returns: accuracy in percent (0..100) and the mean cross-entropy loss per sample. */
export interface Evaluation {
  accuracy: number;
  loss: number;
}

/**
 * C.1–C.3: the Trainer. The grader relies on these rules, so follow them exactly. It subclasses your Trainer
 * (to feed trainModel a scripted validation loss through accuracy, and to watch createOptimizer), so write
 * trainModel, accuracy and createOptimizer as methods, not as arrow-function properties.
 *
 * trainModel(train, val, opts)
 * 1. Calls `this.createOptimizer({ lr, weightDecay })` once, before the first epoch, and uses that optimizer
 *    for every step.
 * 2. Epochs are numbered 1, 2, ..., epochs. In each epoch: one pass over `train`; for each batch, the model in
 *    training mode (model.apply(xs, { training: true })), the mean softmax cross-entropy of the logits
 *    against ys, one optimizer step. The epoch's training loss is the mean of its batch losses.
 * 3. After the pass, exactly one call `await this.accuracy(val)` (pass `val` itself, not a copy or a
 *    transformed dataset); its `loss` is the epoch's validation loss.
 * 4. Early stopping (C.3): if the validation loss is lower than the best so far, it becomes the best, the
 *    weights are copied as `best` (tensor copies: model.getWeights() returns the live variables) and the
 *    patience counter goes back to 0. Otherwise (equal counts as no improvement) the counter goes up by 1,
 *    and when it reaches `earlyStoppingPatience`, training stops after this epoch (stoppedEpoch = this epoch).
 * 5. `final` is a copy of the weights when training ended.
 *
 * accuracy(data)
 * The model in inference mode (model.predict, or apply with training false) over every batch of `data`:
 * accuracy = 100 * correct / total, loss = (sum over all samples of the cross-entropy) / total. The last
 * batch may be smaller than the others: weigh every sample equally.
 *
 * createOptimizer({ lr, weightDecay })
 * AdamW as torch.optim.AdamW: betas (0.9, 0.999), eps 1e-8, decoupled weight decay (each step first
 * multiplies every updated weight by 1 - lr * weightDecay, then takes the Adam step). tfjs has no AdamW.
 */
export interface Trainer {
  readonly model: tf.LayersModel;
  trainModel(train: DataLoader, val: DataLoader, opts?: TrainOptions): Promise<TrainResult>;
  accuracy(data: DataLoader): Promise<Evaluation>;
  createOptimizer(opts: { lr: number; weightDecay: number }): tf.Optimizer;
}

export type TrainerClass = new (model: tf.LayersModel) => Trainer;

// ---------------------------------------------------------------------------------------------------------
// D. Model factory and data pipeline

/**
 * ModelFactory.create_model: 'convnet' -> createConvNet(opts), 'fully_connected' ->
 * createFullyConnectedClassifier(opts); the type is case-insensitive ('ConvNet' works). Any other type
 * throws an Error naming it.
 */
export type CreateModel = (type: string, opts?: FullyConnectedOptions | ConvNetOptions) => tf.LayersModel;

/** A raw image set as loaded: NHWC float32 pixels in [0, 1] (ToTensor's scale) and int32 labels. */
export interface RawImages {
  n: number;
  height: number;
  width: number;
  channels: number;
  /** Length n * height * width * channels. */
  images: Float32Array;
  labels: Int32Array;
}

export interface PipelineOptions {
  /** Validation images split off the training set. Default 10000. */
  valSize?: number;
  /** Seed of the split (the notebook's torch.Generator().manual_seed(0)) and of shuffling/augmentation. Default 0. */
  seed?: number;
  /** Default 64. */
  batchSize?: number;
  /** Use this [mean, std] (one value per channel) instead of computing it from the data. */
  meanStd?: [number[], number[]];
}

export interface DataPipeline {
  /** Per channel, over every pixel of the raw training set (before the split); as given when meanStd was. */
  mean: number[];
  std: number[];
  /** Indices into raw.train: the seeded split. Disjoint, together all of 0..n-1; the same on every run for a seed. */
  trainIndices: Int32Array;
  valIndices: Int32Array;
  /** Training images trainIndices: shuffled every epoch, augmented, then normalised. */
  train: DataLoader;
  /** Validation images valIndices in that order: normalised only (no augmentation, no shuffle). */
  val: DataLoader;
  /** raw.test in order: normalised only. */
  test: DataLoader;
}

/**
 * The notebook's train_model data part. Augmentation (training data only): 'cifar10' -> random horizontal
 * flip (p 0.5) then random crop back to the image size from the image zero-padded by 4; 'mnist' -> random
 * rotation in [-10, 10] degrees. Normalisation: (x - mean) / std per channel.
 */
export type CreateDataPipeline = (dataset: 'mnist' | 'cifar10', raw: { train: RawImages; test: RawImages }, opts?: PipelineOptions) => DataPipeline;

// ---------------------------------------------------------------------------------------------------------
// F. ResNet-18 fine-tuning

/** Top-level blocks of torchvision's ResNet-18, the names freezeBlocks uses. */
export type ResNetBlock = 'conv1' | 'bn1' | 'layer1' | 'layer2' | 'layer3' | 'layer4' | 'fc';

export interface ResNet18Options {
  /** Default 10 (the new head replacing ImageNet's 1000-class fc). */
  numClasses?: number;
  /**
   * Blocks whose parameters are frozen (not trainable), by top-level block name: ['conv1', 'bn1'] freezes the
   * stem's conv1 and bn1 only, NOT the conv1/bn1 inside the residual blocks. null/undefined/[]: train all.
   */
  freezeBlocks?: ResNetBlock[] | null;
  /** Images are resized to inputSize x inputSize inside the model (bilinear, PyTorch's align_corners=False). Default 224. */
  inputSize?: number;
  /** A weights manifest (below) to load, e.g. converted ImageNet weights. Without it: random initial weights. */
  weightsPath?: string;
}

/**
 * F: torchvision's resnet18 with a numClasses head, NHWC, taking images of any size [B, H, W, 3] and
 * returning logits [B, numClasses]. Layer names follow torchvision's parameter names, so each weight's name
 * starts with its top-level block: conv1, bn1, layer1.0.conv1, layer2.0.downsample.0, ..., fc.
 *
 * Weights file (weightsPath): a JSON manifest in tfjs's weights format,
 *   { "weightsManifest": [{ "paths": ["weights.bin"], "weights": [{ "name": "conv1/kernel", "shape": [7, 7, 3, 64], "dtype": "float32" }, ...] }] }
 * with the binary file(s) next to it; names are the model's weight names (LayerVariable.originalName).
 */
export type CreateResNet18 = (opts?: ResNet18Options) => tf.LayersModel;

/** The resize the ResNet applies: bilinear, half-pixel centres (PyTorch F.interpolate(mode='bilinear', align_corners=False)). */
export type ResizeImages = (images: tf.Tensor4D, height: number, width: number) => tf.Tensor4D;

// ---------------------------------------------------------------------------------------------------------
// Everything index.ts exports.
export interface Csci5501A2 {
  createFullyConnectedClassifier: CreateFullyConnectedClassifier;
  SHAPE_TABLE: ShapeTableRow[];
  createConvNet: CreateConvNet;
  Trainer: TrainerClass;
  createModel: CreateModel;
  createDataPipeline: CreateDataPipeline;
  createResNet18: CreateResNet18;
  resizeImages: ResizeImages;
}
