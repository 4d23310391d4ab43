// CIFAR-10, fully-connected vs convolutional (seed 003) — what your submission exports (index.ts). This file
// is the contract the grader checks against: names, argument shapes and the rules each export must follow.
// It is the TypeScript / TensorFlow.js port of the PyTorch notebook; where tfjs differs from PyTorch, it says so.
//
// Conventions
// - Images are NHWC (batch, height, width, channels), tfjs's own layout: the notebook's (3, 32, 32) image is
//   [32, 32, 3] here. Labels are int32 class indices (like CrossEntropyLoss's targets), not one-hot vectors.
// - Models return raw logits (no softmax at the end).
// - Tensors you receive belong to the caller unless a rule says otherwise.
//
// How your models are graded (read this before B, C and D)
// - Models cross from your code to the grader as DATA: the grader serialises every model you return
//   (topology and weights) and rebuilds it with its own TensorFlow.js. So build models only from tfjs's
//   built-in layers (tf.layers.*: conv2d, batchNormalization, reLU, maxPooling2d, averagePooling2d,
//   globalAveragePooling2d, add, concatenate, dense, dropout, flatten, reshape, ...) and the layers of
//   `dlgrade/layers` (AdaptiveAvgPool2d: nn.AdaptiveAvgPool2d; LocalResponseNorm), combined with
//   tf.sequential() or tf.model() (the functional API), models used as layers included. A custom layer class
//   or a tf.layers.Layer subclass of your own cannot be rebuilt: the check fails and says so.
// - Parameters are counted as PyTorch counts them: sum(p.numel() for p in model.parameters()) — every weight
//   of every layer, BatchNorm's gamma and beta included, its moving mean and variance NOT (those are buffers;
//   tfjs's model.countParams() counts them, so it is not the figure). A layer frozen with trainable: false
//   still counts: the grader counts and trains every parameter.
// - Training in B and D is the grader's, not yours: the rebuilt model gets PyTorch's default initial
//   weights (kaiming-uniform, drawn from the grading seed; your initializers are replaced), then the same
//   loop as the notebook (Adam lr 1e-3, batch 64, 3 epochs, mean cross-entropy, inputs normalised per
//   channel with the training set's mean and std) on the synthetic CIFAR-like set (ten classes of shapes and
//   textures on 32x32x3 images: what a CPU can train in seconds), then accuracy on held-out images. Your
//   trainEpoch/testAccuracy are checked separately (A). experiments.ts runs exactly this budget for you.
import type * as tf from '@tensorflow/tfjs';

// ---------------------------------------------------------------------------------------------------------
// A. SimpleMLP and the training functions (notebook sections 2 and 2.1)

export interface SimpleMLPOptions {
  /** The input image [H, W, C]. Default [32, 32, 3]: input_dim = 3 * 32 * 32 = 3072. */
  imageShape?: [number, number, number];
  /** Default 100. */
  hiddenDim?: number;
  /** Default 10. */
  numClasses?: number;
}

/**
 * A.1: SimpleMLP for a batch [B, ...imageShape]: flatten, Dense(hiddenDim) (fc1), ReLU, Dense(numClasses)
 * (fc2), logits [B, numClasses]. 308,310 parameters with the defaults (PyTorch's figure).
 */
export type CreateSimpleMLP = (opts?: SimpleMLPOptions) => tf.LayersModel;

/** One mini-batch: images [B, H, W, C] float32 and labels [B] int32. */
export type Batch = {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
};

/**
 * What the notebook calls a DataLoader: a tf.data.Dataset whose elements are whole batches, in the order to
 * use them (a training loader reshuffles itself every time it is iterated). Iterate once per call
 * (`await loader.forEachAsync(...)`); dispose each batch's tensors when done with it.
 */
export type DataLoader = tf.data.Dataset<Batch>;

/**
 * A.2 train_epoch(model, loader, optimizer): one pass over `loader`. For every batch, in order: the model in
 * training mode (model.apply(xs, { training: true }): BatchNorm uses the batch's statistics and updates its
 * moving ones, Dropout drops), the mean softmax cross-entropy of the logits against ys (nn.CrossEntropyLoss),
 * one optimizer step on the model's trainable weights (optimizer.minimize(() => loss, true,
 * varList)). Returns total_loss / len(loader): the MEAN OF THE BATCH LOSSES (every batch counts once, the
 * smaller last batch too), not a mean over images.
 */
export type TrainEpoch = (model: tf.LayersModel, loader: DataLoader, optimizer: tf.Optimizer) => Promise<number>;

/**
 * A.2 test_accuracy(model, loader): the model in inference mode (model.predict, or apply with training
 * false: BatchNorm uses its moving statistics, Dropout does nothing), the predicted class of each image is
 * the argmax of its logits; returns 100 * correct / total over EVERY image of the loader, in percent (0..100).
 * Changes no weight.
 */
export type TestAccuracy = (model: tf.LayersModel, loader: DataLoader) => Promise<number>;

// ---------------------------------------------------------------------------------------------------------
// B. The ConvNet challenge (notebook section 3)

/**
 * B: your ConvNet for [B, 32, 32, 3] images, logits [B, numClasses] (default 10). Any architecture built as
 * the grading rules above say (convolutions, pooling, BatchNorm, residual blocks from C, ...), with
 * - at least one convolution (Conv2D, DepthwiseConv2D or SeparableConv2D): the challenge is a convolutional net;
 * - fewer parameters than SimpleMLP (308,310), counted by the grader;
 * - at most 40,000,000 multiply-adds per image in one forward pass (the grader counts kernel weights times
 *   output positions of each layer with a kernel: a 3x3 convolution from 32 to 64 channels on a 16x16 map is
 *   3*3*32*64*16*16 = 4.7 M). The notebook's own ConvNets need 1.4 M to 34 M; the cap keeps grading on a
 *   CPU within its time limit ("improve the test performance without making it more expensive to train");
 * - at least SimpleMLP's held-out accuracy when both are trained by the grader with the same budget on the
 *   same images (the grader's SimpleMLP, not yours: a broken SimpleMLP does not lower the bar).
 * The parameter count and held-out accuracy the grader measures go on the class leaderboard.
 */
export type CreateConvNet = (numClasses?: number) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// C. BottleneckResBlock (notebook: "Minimize # of param while keeping similar acc with bottleneck resblocks")

/**
 * C: nn.Module BottleneckResBlock(in_channels, bottleneck_channels, out_channels) as a small functional
 * model: input [B, H, W, inChannels] (any H and W: tf.input({ shape: [null, null, inChannels] })), output
 * [B, H, W, outChannels]. Use it in a bigger model as a layer: `x = block.apply(x) as tf.SymbolicTensor`.
 * Main path: Conv2D 1x1 (in -> bottleneck) -> BatchNorm -> ReLU -> Conv2D 3x3 padding 'same' (bottleneck ->
 * bottleneck) -> BatchNorm -> ReLU -> Conv2D 1x1 (bottleneck -> out) -> BatchNorm. Shortcut: when
 * inChannels != outChannels a projection Conv2D 1x1 (in -> out) -> BatchNorm, otherwise the input itself
 * (nn.Identity). Output: ReLU(main + shortcut) — the ReLU comes AFTER the addition, none before it.
 * Every convolution has stride 1 and no bias (bias=False: the BatchNorm after it has its own shift; tfjs's
 * conv2d has a bias unless useBias: false). BatchNorm with PyTorch's defaults on the channel axis: epsilon
 * 1e-5 and momentum 0.9 (PyTorch's momentum 0.1; tfjs weighs the old moving statistic). Build the block from
 * layers directly (no model nested inside the block). `name` (optional) names the returned model, e.g.
 * 'block1' as the notebook does. The grader's checks: parameters of blocks with and without projection and of
 * the notebook's two ConvNets built from your block (32,946 and 121,306); your block's output for weights and
 * inputs the grader chooses, in inference and training mode, against its own computation.
 */
export type CreateBottleneckResBlock = (inChannels: number, bottleneckChannels: number, outChannels: number, name?: string) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// D. Findings (notebook section 4)

/**
 * One architecture you tried, as you report it in answers.md (D.1). `build` returns the model (same rules as
 * createConvNet, 10 classes); `params` and `accuracy` are the figures YOU measured (run experiments.ts: it
 * prints both, with the grader's budget). The grader rebuilds each iteration, counts its parameters (they
 * must equal yours exactly) and trains it with the budget; a claimed accuracy more than 5 percentage points
 * from what the grader measures is flagged to the human grader of D.1 (the same run on another engine can end a
 * few points apart). The first four iterations are checked and measured; each within B's compute cap.
 */
export interface Iteration {
  /** Short and unique, e.g. 'plain-convnet'. */
  name: string;
  /** The architecture in one line, e.g. '5 conv 3x3 (32-32-64-64-64), max pool, avg pool, Linear(4096, 10)'. */
  description: string;
  build: () => tf.LayersModel;
  /** Parameters as PyTorch counts them. */
  params: number;
  /** Held-out accuracy in percent (0..100) after the 3-epoch budget. */
  accuracy: number;
}

// ---------------------------------------------------------------------------------------------------------
// Everything index.ts exports.
export interface FcVsConv {
  createSimpleMLP: CreateSimpleMLP;
  trainEpoch: TrainEpoch;
  testAccuracy: TestAccuracy;
  createConvNet: CreateConvNet;
  createBottleneckResBlock: CreateBottleneckResBlock;
  /** At least two iterations, in the order you tried them. */
  ITERATIONS: Iteration[];
}
