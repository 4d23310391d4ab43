// Experiment-4 (seed 001): a six-block CNN for CIFAR-10 with label smoothing, AdamW + OneCycleLR, MixUp,
// gradient clipping and AutoAugment, ported to TypeScript / TensorFlow.js. This file is the contract the
// grader checks against: what index.ts exports, argument shapes, and the rules each function follows. Where
// tfjs differs from PyTorch it says so. It also holds `createRandom`, the random source every random draw
// of the experiment comes from (do not edit it: the grader replays your training with the same draws).
//
// Conventions
// - Images are NHWC ([batch, height, width, channels]), tfjs's own layout; PyTorch's (C, H, W) becomes
//   [H, W, C]. Labels are int32 class indices. Models return raw logits (no softmax layer).
// - Models are built from tf.layers.* and the layers of 'dlgrade/layers' (BatchNorm2d, SpatialDropout2d, ...):
//   the grader rebuilds your model from its topology, so a layer class of your own cannot be graded.
// - Tensors you receive belong to the caller unless a rule says otherwise; tensors you return belong to
//   the caller. Batches from a DataLoader belong to whoever iterates: dispose them when done.
import type * as tf from '@tensorflow/tfjs';

// ---------------------------------------------------------------------------------------------------------
// The random source (np.random / torch's generator in the notebook), fixed by this contract

export interface Random {
  /** Uniform in [0, 1) (torch.rand). */
  next(): number;
  /** Integer in [0, n) (torch.randint(n)): Math.floor(next() * n). */
  int(n: number): number;
  /** A draw from Beta(a, b) (np.random.beta). */
  beta(a: number, b: number): number;
  /** A random permutation of 0..n-1 (torch.randperm): Fisher-Yates from the top, j = int(i + 1). */
  permutation(n: number): Int32Array;
}

/** The seeded random source: the same seed gives the same draws on every machine. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  // mulberry32: a small 32-bit generator (Math.random cannot be seeded).
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    let u = 0;
    while (u === 0) u = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  // Gamma(k, 1): Marsaglia and Tsang for k >= 1; Gamma(k + 1) * U^(1/k) below 1.
  const gamma = (k: number): number => {
    if (k < 1) {
      const g = gamma(k + 1);
      return g * next() ** (1 / k);
    }
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    beta(a, b) {
      if (!(a > 0 && b > 0)) throw new Error(`Random.beta: a and b must be > 0, got ${a}, ${b}`);
      const x = gamma(a);
      const y = gamma(b);
      return x + y === 0 ? 0.5 : x / (x + y);
    },
    permutation(n) {
      const p = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = int(i + 1);
        [p[i], p[j]] = [p[j], p[i]];
      }
      return p;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// A. The six-block CNN (notebook section 11)

export interface CnnOptions {
  /** Output channels of the six convolutions. Default the notebook's [64, 119, 221, 256, 256, 256]. */
  channels?: number[];
  /** NHWC input without the batch axis. Default [32, 32, 3]; global pooling makes other sizes work. */
  inputShape?: [number, number, number];
  /** Default 10. */
  numClasses?: number;
}

/**
 * A: the notebook's nn.Sequential, layer for layer, as a tf.Sequential (or functional) model returning logits:
 *   block 1: Conv2d(3 -> c1, 5x5, padding 2, no bias), BatchNorm2d, ReLU
 *   block 2: Conv2d(c1 -> c2, 5x5, padding 2, no bias), BatchNorm2d, ReLU, Dropout2d(0.04), AvgPool2d(2)
 *   block 3: Conv2d(c2 -> c3, 3x3, padding 1, no bias), BatchNorm2d, ReLU, Dropout2d(0.05)
 *   block 4: Conv2d(c3 -> c4, 5x5, padding 2, no bias), BatchNorm2d, ReLU, Dropout2d(0.02), AvgPool2d(2)
 *   block 5: Conv2d(c4 -> c5, 3x3, padding 1, no bias), BatchNorm2d, ReLU, Dropout2d(0.09)
 *   block 6: Conv2d(c5 -> c6, 5x5, padding 2, no bias), BatchNorm2d, ReLU, Dropout2d(0.08)
 *   AdaptiveAvgPool2d(1) + Flatten (tf.layers.globalAveragePooling2d does both), Dropout(0.38), Linear(c6 -> classes)
 * With the default widths: 4,079,429 trainable parameters (PyTorch's count; BatchNorm running statistics are
 * not parameters) and [1, 32, 32, 3] -> [1, 10].
 * - PyTorch's padding k // 2 with stride 1 keeps the size: tfjs padding 'same'. Bias-free: useBias false.
 * - BatchNorm2d: use BatchNorm2d from 'dlgrade/layers' (eps 1e-5, momentum 0.1 as PyTorch). tfjs's
 *   tf.layers.batchNormalization updates its running variance with the biased batch variance where PyTorch
 *   uses the unbiased one, so its evaluations after training differ from PyTorch's.
 * - Dropout2d zeroes whole feature maps (one draw per sample and channel), not single activations:
 *   SpatialDropout2d from 'dlgrade/layers' (or tf.layers.dropout with noiseShape [null, 1, 1, channels]).
 *   tf.layers.dropout alone is nn.Dropout.
 */
export type CreateCnn = (opts?: CnnOptions) => tf.LayersModel;

// ---------------------------------------------------------------------------------------------------------
// T. Theory (section VIII)

/** Output size of a convolution or pooling along one axis: floor((n - f + 2p) / s) + 1 (input n, filter f, padding p, stride s). */
export type ConvOutputSize = (n: number, f: number, p: number, s: number) => number;

// ---------------------------------------------------------------------------------------------------------
// B. Loss (section 14) and the MixUp criterion (section 17)

/**
 * nn.CrossEntropyLoss(label_smoothing=eps), mean over the batch: the target of each sample is
 * (1 - eps) * one_hot(label) + eps / classes (every class, the true one included), and the loss is the
 * cross-entropy of softmax(logits) against it. labelSmoothing defaults to 0 (plain cross-entropy).
 * Differentiable (tf ops): training takes its gradient.
 */
export type CrossEntropyLoss = (logits: tf.Tensor2D, labels: tf.Tensor1D, labelSmoothing?: number) => tf.Scalar;

/** A criterion as the notebook passes it around: criterion(outputs, labels) -> mean loss. */
export type Criterion = (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;

/** mixup_criterion: lam * criterion(logits, yA) + (1 - lam) * criterion(logits, yB). */
export type MixupCriterion = (criterion: Criterion, logits: tf.Tensor2D, yA: tf.Tensor1D, yB: tf.Tensor1D, lam: number) => tf.Scalar;

// ---------------------------------------------------------------------------------------------------------
// C. Optimiser and schedule (sections 15, 16)

/** What a schedule changes between steps: the learning rate and Adam's beta1 (PyTorch's betas[0], "momentum"). */
export interface ScheduledOptimizer {
  learningRate: number;
  beta1: number;
}

export interface AdamWOptions {
  lr: number;
  /** Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Default 0.01 (PyTorch's AdamW default). */
  weightDecay?: number;
}

/**
 * torch.optim.AdamW as a tf.Optimizer (tfjs has none). For each variable with a gradient g, at its step t
 * (counted per variable from 1), with the CURRENT learningRate and beta1 (a schedule changes them):
 *   w <- w * (1 - lr * weightDecay)                       (decoupled weight decay, first)
 *   m <- beta1 * m + (1 - beta1) * g;  v <- beta2 * v + (1 - beta2) * g^2
 *   w <- w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * (tf.train.adam keeps a running product of beta1 for the bias correction, which is not PyTorch's once beta1
 * changes, and its eps default is 1e-7.) learningRate and beta1 are public, writable properties.
 */
export type AdamWClass = new (opts: AdamWOptions) => tf.Optimizer & ScheduledOptimizer;

export interface OneCycleOptions {
  maxLr: number;
  /** Total number of steps; or give epochs and stepsPerEpoch (total = epochs * stepsPerEpoch). */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Default 0.3. */
  pctStart?: number;
  /** Default 25: the initial lr is maxLr / divFactor. */
  divFactor?: number;
  /** Default 1e4: the final lr is initial lr / finalDivFactor. */
  finalDivFactor?: number;
  /** Default true: beta1 cycles from maxMomentum down to baseMomentum and back. */
  cycleMomentum?: boolean;
  /** Default 0.85. */
  baseMomentum?: number;
  /** Default 0.95. */
  maxMomentum?: number;
}

export interface LrScheduler {
  /** One step of the schedule: call it after each optimizer step. */
  step(): void;
}

/**
 * torch.optim.lr_scheduler.OneCycleLR(anneal_strategy='cos', three_phase=False). Construction sets step 0:
 * optimizer.learningRate = maxLr / divFactor and (cycleMomentum) optimizer.beta1 = maxMomentum. Each step()
 * advances the step count s by one and sets both for step s. With total T, phase 1 ends at
 * e1 = pctStart * T - 1 (a float, not rounded) and phase 2 at e2 = T - 1:
 *   s <= e1: pct = s / e1,            lr = cos(initialLr -> maxLr, pct), beta1 = cos(maxMomentum -> baseMomentum, pct)
 *   else:    pct = (s - e1) / (e2 - e1), lr = cos(maxLr -> minLr, pct),   beta1 = cos(baseMomentum -> maxMomentum, pct)
 * where cos(a -> b, pct) = b + (a - b) / 2 * (cos(pi * pct) + 1), initialLr = maxLr / divFactor and
 * minLr = initialLr / finalDivFactor. step() throws when s would exceed T (PyTorch raises a ValueError).
 * The notebook: maxLr = 0.00182 * 6.74, epochs 150, stepsPerEpoch 391 (T = 58,650), stepped every batch.
 */
export type OneCycleLRClass = new (optimizer: ScheduledOptimizer, opts: OneCycleOptions) => LrScheduler;

// ---------------------------------------------------------------------------------------------------------
// D. MixUp and gradient clipping (section 17)

export interface Mixed {
  /** lam * x + (1 - lam) * x[index]: a new tensor. */
  x: tf.Tensor4D;
  /** The labels (y itself or a copy). */
  yA: tf.Tensor1D;
  /** y[index]. */
  yB: tf.Tensor1D;
  lam: number;
}

/**
 * mixup_data(x, y, alpha): lam = random.beta(alpha, alpha) when alpha > 0, else 1 (no draw); then
 * index = random.permutation(batch size) (always drawn). Exactly these draws, in this order.
 */
export type MixupData = (x: tf.Tensor4D, y: tf.Tensor1D, alpha: number, random: Random) => Mixed;

/**
 * torch.nn.utils.clip_grad_norm_(parameters, maxNorm): totalNorm = the 2-norm of all gradients together (the
 * norm of the per-tensor norms); every gradient is multiplied by min(1, maxNorm / (totalNorm + 1e-6)).
 * Returns new tensors under the same names (the input ones stay the caller's) and totalNorm BEFORE clipping.
 */
export type ClipGradNorm = (grads: tf.NamedTensorMap, maxNorm: number) => { grads: tf.NamedTensorMap; totalNorm: number };

// ---------------------------------------------------------------------------------------------------------
// E. Augmentation (section 8): RandomHorizontalFlip, RandomCrop(32, padding=4), AutoAugment(CIFAR10)

/** An 8-bit image, HWC: data[(y * width + x) * channels + c]. AutoAugment works on 3-channel (RGB) images. */
export interface Uint8Image {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

export type AutoAugmentOp =
  | 'ShearX'
  | 'ShearY'
  | 'TranslateX'
  | 'TranslateY'
  | 'Rotate'
  | 'Brightness'
  | 'Color'
  | 'Contrast'
  | 'Sharpness'
  | 'Posterize'
  | 'Solarize'
  | 'AutoContrast'
  | 'Equalize'
  | 'Invert';

/**
 * torchvision 0.14's autoaugment._apply_op(img, op, magnitude, InterpolationMode.NEAREST, fill=None) on a uint8
 * tensor, value for value (its functional_tensor.py: float32 arithmetic, results cast to uint8 by truncation,
 * except the blur of Sharpness and the resampled geometry, which round). Returns a new image. See README.md
 * "AutoAugment, exactly" for each op's arithmetic.
 */
export type ApplyAutoAugmentOp = (img: Uint8Image, op: AutoAugmentOp, magnitude: number) => Uint8Image;

/**
 * AutoAugment(AutoAugmentPolicy.CIFAR10) on one image. Draws, in this order: sub-policy = random.int(25);
 * probs = [random.next(), random.next()]; signs = [random.int(2), random.int(2)]. Step i of the sub-policy
 * runs when probs[i] <= its probability, with the magnitude of its bin (torch.linspace's float32 values over
 * num_bins 10 and this image's size), negated when the op is signed and signs[i] == 0.
 */
export type AutoAugment = (img: Uint8Image, random: Random) => Uint8Image;

/** The notebook's normalisation (per channel, R G B). */
export const CIFAR_MEAN: readonly [number, number, number] = [0.4914, 0.4822, 0.4465];
export const CIFAR_STD: readonly [number, number, number] = [0.2023, 0.1994, 0.201];

/**
 * train_transform on one uint8 RGB image, then ToTensor and Normalize: HWC float32 (v / 255 - mean) / std.
 * Draws, in this order: flip when random.next() < 0.5 (left-right); crop: top = random.int(9), left =
 * random.int(9): the window of the image's own size at (top, left) in the image zero-padded by 4 on each side;
 * then AutoAugment's draws.
 */
export type TrainTransform = (img: Uint8Image, random: Random) => Float32Array;

/** test_transform: ToTensor and Normalize only. */
export type TestTransform = (img: Uint8Image) => Float32Array;

// ---------------------------------------------------------------------------------------------------------
// F. Training and evaluation (sections 17-20)

/** One mini-batch: images [B, H, W, C] float32 (already normalised) and labels [B] int32. */
export interface Batch {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
}

/** The notebook's DataLoader: `length` batches per pass (len(loader)); each batches() call is a new pass. */
export interface DataLoader {
  readonly length: number;
  batches(): Iterable<Batch>;
}

/** Loss and accuracy (percent, 0..100) of one pass. */
export interface Metrics {
  loss: number;
  accuracy: number;
}

export interface EpochOptions {
  /** Default 0.4. */
  mixupAlpha?: number;
  /** Default 1.0. */
  maxGradNorm?: number;
  random: Random;
}

export interface FitOptions {
  epochs: number;
  /** AdamW's lr (the notebook's LEARNING_RATE). Default 0.00182. */
  lr?: number;
  /** Default 3.5e-5. */
  weightDecay?: number;
  /** OneCycleLR's maxLr = lr * maxLrFactor. Default 6.74. */
  maxLrFactor?: number;
  /** Default 0.3. */
  pctStart?: number;
  /** Default 0.04. */
  labelSmoothing?: number;
  /** Default 0.4. */
  mixupAlpha?: number;
  /** Default 1.0. */
  maxGradNorm?: number;
  /** Seed of the random source (createRandom). Default 0. */
  seed?: number;
  /** Where the best checkpoint goes (saveCheckpoint); none written when absent. */
  checkpointDir?: string;
  /** One line per epoch. Default true. */
  verbose?: boolean;
}

export interface History {
  trainLoss: number[];
  trainAccuracy: number[];
  testLoss: number[];
  testAccuracy: number[];
  /** Highest test accuracy (0 if none was above 0). */
  bestAccuracy: number;
  /** Epoch (numbered from 1) of bestAccuracy; 0 if none. */
  bestEpoch: number;
}

/**
 * F: the training function, evaluation and loop of the notebook as one class. The grader relies on these rules
 * (it subclasses your Trainer to script evaluations and watches the optimizer and scheduler it passes in), so
 * write trainOneEpoch, evaluate and fit as methods, not arrow-function properties.
 *
 * trainOneEpoch(loader, criterion, optimizer, scheduler, opts) — train_one_epoch. For each batch, in order:
 *  1. mixupData(xs, ys, mixupAlpha, random) (with opts.random);
 *  2. the model in training mode on the mixed images, once: model.apply(x, { training: true });
 *  3. loss = mixupCriterion(criterion, logits, yA, yB, lam);
 *  4. the gradient of the loss with respect to model.trainableWeights (tf.variableGrads);
 *  5. clipGradNorm(grads, maxGradNorm);
 *  6. optimizer.applyGradients(the clipped gradients);
 *  7. scheduler.step();
 *  8. bookkeeping: the batch loss; predicted = argmax of the logits; correct += lam * #(predicted == yA) +
 *     (1 - lam) * #(predicted == yB); total += batch size.
 * Returns { loss: sum of batch losses / number of batches, accuracy: 100 * correct / total }.
 *
 * evaluate(loader) — evaluate: the model in inference mode (model.predict, or apply with training false) on
 * every batch; loss = PLAIN cross-entropy (no label smoothing: it is a training regulariser, the test loss
 * measures the model), mean over batches of the batch means as the notebook computes it; accuracy = 100 *
 * correct / total.
 *
 * fit(train, test, opts) — section 20. Before the first epoch: random = createRandom(seed); criterion =
 * crossEntropyLoss with labelSmoothing; optimizer = new AdamW({ lr, weightDecay }); scheduler = new
 * OneCycleLR(optimizer, { maxLr: lr * maxLrFactor, epochs, stepsPerEpoch: train.length, pctStart }). Then for
 * each epoch: `await this.trainOneEpoch(train, criterion, optimizer, scheduler, { mixupAlpha, maxGradNorm,
 * random })`, then exactly one `await this.evaluate(test)`; when its accuracy is HIGHER than the best so far
 * (which starts at 0): it becomes the best, bestEpoch = this epoch, and the model is saved with
 * saveCheckpoint(model, checkpointDir) when checkpointDir is given. The model keeps the last epoch's weights.
 */
export interface Trainer {
  readonly model: tf.LayersModel;
  trainOneEpoch(loader: DataLoader, criterion: Criterion, optimizer: tf.Optimizer & ScheduledOptimizer, scheduler: LrScheduler, opts: EpochOptions): Promise<Metrics>;
  evaluate(loader: DataLoader): Promise<Metrics>;
  fit(train: DataLoader, test: DataLoader, opts: FitOptions): Promise<History>;
}

export type TrainerClass = new (model: tf.LayersModel) => Trainer;

/**
 * torch.save(model.state_dict(), ...) in tfjs's own file format: `dir/model.json` (the model's topology and a
 * weightsManifest [{ paths: ['weights.bin'], weights: [{ name, shape, dtype: 'float32' }, ...] }]) and
 * `dir/weights.bin` (the weights' float32 values, in manifest order); the folder is created when missing.
 */
export type SaveCheckpoint = (model: tf.LayersModel, dir: string) => Promise<void>;

/** Loads what saveCheckpoint wrote: a model with the same layers and weights (same outputs). */
export type LoadCheckpoint = (dir: string) => Promise<tf.LayersModel>;

// ---------------------------------------------------------------------------------------------------------
// G. Analysis (sections 23-25)

/** 100 * correct / total per class, classes 0..numClasses-1; NaN for a class with no sample. */
export type PerClassAccuracy = (labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number) => number[];

/** confusion[true][predicted] = count. */
export type ConfusionMatrix = (labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number) => number[][];

export interface ConfusedPair {
  trueClass: number;
  predictedClass: number;
  count: number;
}

/** Every (i, j) with i != j and confusion[i][j] > threshold (strictly), in row-major order as the notebook prints them. */
export type MostConfusedPairs = (confusion: number[][], threshold: number) => ConfusedPair[];

// ---------------------------------------------------------------------------------------------------------
// Everything index.ts exports.
export interface Experiment4Cnn {
  createCnn: CreateCnn;
  convOutputSize: ConvOutputSize;
  crossEntropyLoss: CrossEntropyLoss;
  mixupCriterion: MixupCriterion;
  AdamW: AdamWClass;
  OneCycleLR: OneCycleLRClass;
  mixupData: MixupData;
  clipGradNorm: ClipGradNorm;
  applyAutoAugmentOp: ApplyAutoAugmentOp;
  autoAugment: AutoAugment;
  trainTransform: TrainTransform;
  testTransform: TestTransform;
  Trainer: TrainerClass;
  saveCheckpoint: SaveCheckpoint;
  loadCheckpoint: LoadCheckpoint;
  perClassAccuracy: PerClassAccuracy;
  confusionMatrix: ConfusionMatrix;
  mostConfusedPairs: MostConfusedPairs;
}
