import * as tf from '@tensorflow/tfjs';
import { profileKernels, type KernelProfile } from '../engine/kernel-profile.ts';
import { makeRng } from '../engine/seed.ts';
import { convNet } from '../models/convnet.ts';
import { fullyConnectedClassifier } from '../models/fully-connected.ts';
import { resNet18 } from '../models/resnet18.ts';
import { makeAdam, makeSgd, type TrainOptimizer } from './optimizer.ts';

// The three training workloads of ../shared/bench/torch_peer.py, ported one to one: same models, sizes,
// batch, optimizer and loss, random data, 1 warm-up then the median of the timed repeats. `tiny` shrinks
// data and repeats (not the models) for the smoke test.

export const WORKLOAD_NAMES = ['convnet', 'fc', 'resnet18'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export function isWorkloadName(s: string): s is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(s);
}

export const WORKLOAD_ABOUT: Record<WorkloadName, string> = {
  convnet: 'ConvNet, 1 epoch of 2048 random 32x32x3 images, batch 64, Adam',
  fc: 'FC [1024,512,256] SiLU, 1 epoch of 2048 random 32x32x3 images, batch 64, Adam',
  resnet18: 'ResNet-18 (10 classes), one SGD step on a batch of 8 random 64x64x3 images',
};

export interface WorkloadOptions {
  /** Smaller data and fewer repeats, same models: for the smoke test. */
  tiny?: boolean;
  /** Called after each warm-up or timed repeat (done counts both). */
  onProgress?: (done: number, total: number) => void;
  /** 'fused' (ours, default) or 'tfjs' (tf.train.adam / tf.train.sgd): for before/after comparisons. */
  optimizer?: 'fused' | 'tfjs';
  /** Time every kernel of one extra repeat after the timed ones (not counted in ms). */
  profile?: boolean;
}

export interface WorkloadResult {
  workload: WorkloadName;
  /** Median of the timed repeats, milliseconds. */
  ms: number;
  samples: number[];
  /** Loss after the last step (finite, or the run is broken). */
  finalLoss: number;
  profile?: KernelProfile;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Trainable {
  model: tf.LayersModel;
  optimizer: TrainOptimizer;
}

/** One optimizer step on (x, y one-hot); returns the loss (kept, caller disposes). */
function trainStep({ model, optimizer }: Trainable, vars: tf.Variable[], x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, vars);
    optimizer.applyGradients(grads);
    return value;
  });
}

function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  // LayerVariable.read() is the backing tf.Variable; passing the list keeps variableGrads off other models'.
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

function randomData(n: number, shape: number[], seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const rng = makeRng(seed);
  const x = tf.randomNormal([n, ...shape], 0, 1, 'float32', rng.seed());
  const labels = Array.from({ length: n }, () => rng.int(10));
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
  return { x, y };
}

function timeRepeats(repeats: number, warmup: number, run: () => number, opts: WorkloadOptions): { samples: number[]; loss: number; profile?: KernelProfile } {
  const samples: number[] = [];
  let loss = NaN;
  const total = warmup + repeats + (opts.profile ? 1 : 0);
  for (let i = 0; i < warmup + repeats; i++) {
    const t0 = performance.now();
    loss = run();
    const dt = performance.now() - t0;
    if (i >= warmup) samples.push(dt);
    opts.onProgress?.(i + 1, total);
  }
  let profile: KernelProfile | undefined;
  if (opts.profile) {
    profile = profileKernels(() => {
      loss = run();
    });
    opts.onProgress?.(total, total);
  }
  return { samples, loss, profile };
}

function epochWorkload(name: 'convnet' | 'fc', opts: WorkloadOptions): WorkloadResult {
  const n = opts.tiny ? 128 : 2048;
  const batch = 64;
  const model =
    name === 'convnet'
      ? convNet()
      : fullyConnectedClassifier({ imageSize: [32, 32, 3], hiddenUnits: [1024, 512, 256], activation: 'silu' });
  const trainable: Trainable = { model, optimizer: makeAdam(opts.optimizer ?? 'fused', { learningRate: 1e-3 }) };
  const vars = trainableVariables(model);
  const { x, y } = randomData(n, [32, 32, 3], 0);
  const batches: { x: tf.Tensor; y: tf.Tensor }[] = [];
  for (let i = 0; i < n; i += batch) {
    const size = Math.min(batch, n - i);
    batches.push({ x: x.slice([i, 0, 0, 0], [size, -1, -1, -1]), y: y.slice([i, 0], [size, -1]) });
  }
  const epoch = (): number => {
    let last: tf.Scalar | undefined;
    for (const b of batches) {
      last?.dispose();
      last = trainStep(trainable, vars, b.x, b.y);
    }
    // Reading the loss waits for the backend (a no-op on the synchronous ones) and checks the run is sane.
    const v = (last as tf.Scalar).dataSync()[0];
    last?.dispose();
    return v;
  };
  try {
    const { samples, loss, profile } = timeRepeats(opts.tiny ? 1 : 3, 1, epoch, opts);
    return { workload: name, ms: median(samples), samples, finalLoss: loss, profile };
  } finally {
    tf.dispose([x, y, ...batches.flatMap((b) => [b.x, b.y])]);
    trainable.optimizer.dispose();
    model.dispose();
  }
}

function resnetWorkload(opts: WorkloadOptions): WorkloadResult {
  const size = opts.tiny ? 32 : 64;
  const batch = opts.tiny ? 2 : 8;
  const model = resNet18({ numClasses: 10, inputShape: [size, size, 3] });
  const trainable: Trainable = { model, optimizer: makeSgd(opts.optimizer ?? 'fused', { learningRate: 0.01 }) };
  const vars = trainableVariables(model);
  const { x, y } = randomData(batch, [size, size, 3], 0);
  const step = (): number => {
    const loss = trainStep(trainable, vars, x, y);
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };
  try {
    const { samples, loss, profile } = timeRepeats(opts.tiny ? 1 : 5, 1, step, opts);
    return { workload: 'resnet18', ms: median(samples), samples, finalLoss: loss, profile };
  } finally {
    tf.dispose([x, y]);
    trainable.optimizer.dispose();
    model.dispose();
  }
}

/** Runs one workload on the current backend (initEngine first). */
export function runWorkload(name: WorkloadName, opts: WorkloadOptions = {}): WorkloadResult {
  const result = name === 'resnet18' ? resnetWorkload(opts) : epochWorkload(name, opts);
  if (!Number.isFinite(result.finalLoss)) {
    throw new Error(`bench workload ${name} on ${tf.getBackend()}: loss is ${result.finalLoss} after training (a kernel is broken)`);
  }
  return result;
}
