// Probes of CSCI-5501 A2: they run WHERE THE SUBMISSION RUNS (a sandboxed child when grading), call the
// student's exports, and return plain data (shapes, layer tables, weights, losses, predictions). They give no
// verdicts: the suites under tests/ decide, in the grader's process, from what comes back. Anything a probe
// builds itself (tiny models for the Trainer, the comparison FC network, data) is harness code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { countParameters, type ParameterCount } from '../../harness/checks/parameter-count.ts';
import { makeDataset, type ImageDataset } from '../../harness/data/dataset.ts';
import { BatchLoader } from '../../harness/data/loader.ts';
import { channelStats } from '../../harness/data/normalize.ts';
import { syntheticImages } from '../../harness/data/synthetic.ts';
import { walkLayers } from '../../harness/engine/layer-walk.ts';
import { makeRng } from '../../harness/engine/seed.ts';
import { initLikeTorch } from '../../harness/engine/torch-init.ts';
import { fullyConnectedClassifier } from '../../harness/models/fully-connected.ts';
import type { Probe } from '../../harness/runner/submission.ts';
import type { Csci5501A2, DataLoader, FullyConnectedOptions, ConvNetOptions, PipelineOptions, RawImages, ResNet18Options, ResNetBlock, Trainer } from './contract.ts';
import { blobs, randomImages, type ImageSpec } from './inputs.ts';

type Exports = Record<string, unknown>;
const get = <K extends keyof Csci5501A2>(exp: Exports, name: K) => exp[name] as Csci5501A2[K];

// ---------------------------------------------------------------------------------------------------------
// Shared pieces

/** One layer as the checks see it: class, name, output shape, the config fields that define the architecture. */
export interface LayerInfo {
  className: string;
  name: string;
  outputShape: (number | null)[];
  config: Record<string, unknown>;
}

const CONFIG_KEYS = ['filters', 'kernelSize', 'strides', 'padding', 'useBias', 'activation', 'units', 'poolSize', 'epsilon', 'momentum', 'axis', 'alpha', 'rate'];

function layerTable(model: tf.LayersModel): LayerInfo[] {
  return walkLayers(model).map(({ layer, path: p }) => {
    let outputShape: (number | null)[] = [];
    try {
      const s = layer.outputShape;
      outputShape = [...(Array.isArray(s[0]) ? (s[0] as (number | null)[]) : (s as (number | null)[]))];
    } catch {
      // unbuilt, or shared between inputs of different shapes: no single shape
    }
    const full = layer.getConfig() as Record<string, unknown>;
    const config: Record<string, unknown> = {};
    for (const k of CONFIG_KEYS) if (k in full) config[k] = JSON.parse(JSON.stringify(full[k]));
    return { className: layer.getClassName(), name: p, outputShape, config };
  });
}

/** countParameters without its layer objects (plain data). */
function params(model: tf.LayersModel): ParameterCount {
  return JSON.parse(JSON.stringify(countParameters(model))) as ParameterCount;
}

function flat(ts: tf.Tensor[]): Float32Array {
  const out = new Float32Array(ts.reduce((n, t) => n + t.size, 0));
  let at = 0;
  for (const t of ts) {
    out.set(t.dataSync(), at);
    at += t.size;
  }
  return out;
}

/** Runs `f` and disposes every model it registers in `models`, even when it throws. */
async function withModels<R>(f: (keep: <M extends tf.LayersModel>(m: M) => M) => Promise<R> | R): Promise<R> {
  const models: tf.LayersModel[] = [];
  try {
    return await f((m) => {
      if (m && typeof (m as { dispose?: unknown }).dispose === 'function') models.push(m);
      return m;
    });
  } finally {
    for (const m of models) {
      try {
        m.dispose();
      } catch {
        // already disposed by the submission
      }
    }
  }
}

function asModel(value: unknown, what: string): tf.LayersModel {
  if (!(value instanceof tf.LayersModel)) {
    const kind = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
    throw new Error(`${what} returned ${kind}, not a tf.LayersModel (tf.sequential() or tf.model())`);
  }
  return value;
}

const CLASS_NAMES = Array.from({ length: 10 }, (_, i) => String(i));

function dataset(raw: RawImages, name: string): ImageDataset {
  return makeDataset({ name, height: raw.height, width: raw.width, channels: raw.channels, images: raw.images, labels: raw.labels, classNames: CLASS_NAMES.slice(0, Math.max(10, ...raw.labels) + 1) });
}

/** A DataLoader (tf.data.Dataset of batches) over raw images; shuffled per iteration when `shuffleSeed` is given. */
function loaderOf(raw: RawImages, batchSize: number, shuffleSeed?: number): DataLoader {
  const per = raw.height * raw.width * raw.channels;
  let epoch = 0;
  return tf.data.generator(function* () {
    const order = Int32Array.from({ length: raw.n }, (_, i) => i);
    if (shuffleSeed !== undefined) {
      const rng = makeRng(`csci5501-a2:loader:${shuffleSeed}:${epoch++}`);
      for (let i = raw.n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    for (let s = 0; s < raw.n; s += batchSize) {
      const ids = order.subarray(s, Math.min(raw.n, s + batchSize));
      const xs = new Float32Array(ids.length * per);
      const ys = new Int32Array(ids.length);
      ids.forEach((j, b) => {
        xs.set(raw.images.subarray(j * per, (j + 1) * per), b * per);
        ys[b] = raw.labels[j];
      });
      yield { xs: tf.tensor4d(xs, [ids.length, raw.height, raw.width, raw.channels]), ys: tf.tensor1d(ys, 'int32') };
    }
  });
}

export interface TrainBudget {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
}

export interface FitResult {
  /** Mean training loss per epoch. */
  epochLoss: number[];
  /** Predicted class of each test image, in order. */
  predictions: Int32Array;
  ms: number;
}

/**
 * The harness's own training of a model (so exercises A and B do not depend on the student's Trainer):
 * PyTorch-style seeded init, normalisation from the training images, seeded shuffles, Adam, then the
 * predicted class of every test image.
 */
function fit(model: tf.LayersModel, train: ImageDataset, test: ImageDataset, b: TrainBudget): FitResult {
  const t0 = Date.now();
  initLikeTorch(model, b.seed);
  const stats = channelStats(train);
  const loader = new BatchLoader(train, { batchSize: b.batchSize, shuffle: true, seed: b.seed, normalize: stats });
  const optimizer = tf.train.adam(b.lr, 0.9, 0.999, 1e-8);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const epochLoss: number[] = [];
  try {
    for (let e = 0; e < b.epochs; e++) {
      let sum = 0;
      let steps = 0;
      for (const { xs, ys } of loader.epoch(e)) {
        const loss = optimizer.minimize(
          () => {
            const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
            return tf.losses.softmaxCrossEntropy(tf.oneHot(ys as tf.Tensor1D, logits.shape[1]), logits) as tf.Scalar;
          },
          true,
          variables,
        );
        sum += loss!.dataSync()[0];
        loss!.dispose();
        steps++;
      }
      epochLoss.push(sum / steps);
    }
    const predictions = new Int32Array(test.n);
    let at = 0;
    for (const { xs } of new BatchLoader(test, { batchSize: 256, normalize: stats }).epoch(0)) {
      const p = tf.tidy(() => tf.argMax(model.predict(xs) as tf.Tensor2D, 1).dataSync());
      predictions.set(p, at);
      at += p.length;
    }
    return { epochLoss, predictions, ms: Date.now() - t0 };
  } finally {
    optimizer.dispose();
  }
}

/** A tiny classifier for the Trainer checks: [2,2,2] -> Flatten -> Dense(16, relu) -> Dense(3); seeded weights. */
function tinyModel(seed: number): tf.LayersModel {
  const m = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [2, 2, 2] }), tf.layers.dense({ units: 16, activation: 'relu' }), tf.layers.dense({ units: 3 })],
  });
  initLikeTorch(m, seed);
  return m;
}

// ---------------------------------------------------------------------------------------------------------
// Probe results (the suites import these types)

export interface ModelProbe {
  layers: LayerInfo[];
  params: ParameterCount;
  /** Output shape of model.predict on each requested input shape, or the error it threw. */
  outputs: { input: number[]; shape?: number[]; error?: string }[];
}

export interface DenseWeights {
  layer: string;
  kernelShape: number[];
  kernel: Float32Array;
  bias: Float32Array | null;
}

export interface ForwardProbe {
  dense: DenseWeights[];
  layers: LayerInfo[];
  /** Logits for the input `x` the suite generated (uniformValues(seed)). */
  logits: Float32Array;
  logitsShape: number[];
}

export interface EarlyStopProbe {
  valLosses: number[];
  trainLosses: number[];
  bestEpoch: number;
  stoppedEpoch: number | null;
  /** How often trainModel called this.accuracy(val). */
  valCalls: number;
  /** The model's weights at each accuracy(val) call (the end of each epoch), flattened. */
  snapshots: Float32Array[];
  best: Float32Array;
  final: Float32Array;
}

export interface PipelineProbe {
  mean: number[];
  std: number[];
  trainIndices: Int32Array;
  valIndices: Int32Array;
  loaders: Partial<Record<'train' | 'val' | 'test', { batchSizes: number[]; xs: Float32Array; ys: Int32Array; shape: number[] }>>;
}

export interface WeightChange {
  name: string;
  /** Parameter (trainable or frozen) rather than a BatchNorm running statistic. */
  isParameter: boolean;
  trainable: boolean;
  maxChange: number;
}

// ---------------------------------------------------------------------------------------------------------
// The probes

export const probes = {
  // ---- A ------------------------------------------------------------------------------------------------
  /** Builds createFullyConnectedClassifier(opts) and runs it on zero batches of each `inputs` shape. */
  fcModel: (exp: Exports, args: { opts: FullyConnectedOptions; inputs: number[][] }): Promise<ModelProbe> =>
    withModels((keep) => {
      const model = keep(asModel(get(exp, 'createFullyConnectedClassifier')(args.opts), 'createFullyConnectedClassifier'));
      return modelProbe(model, args.inputs);
    }),

  /** Seeded weights and input; returns every Dense layer's weights and the logits, so the suite can recompute the forward pass. */
  fcForward: (exp: Exports, args: { opts: FullyConnectedOptions; x: Float32Array; batch: number; seed: number }): Promise<ForwardProbe> =>
    withModels((keep) => {
      const model = keep(asModel(get(exp, 'createFullyConnectedClassifier')(args.opts), 'createFullyConnectedClassifier'));
      initLikeTorch(model, args.seed);
      const inputShape = [args.batch, ...args.opts.imageSize];
      const logits = tf.tidy(() => model.predict(tf.tensor(args.x, inputShape)) as tf.Tensor);
      const out = { logits: logits.dataSync() as Float32Array, logitsShape: logits.shape, layers: layerTable(model), dense: denseWeights(model) };
      logits.dispose();
      return out;
    }),

  /** Trains the student's FC network on the MNIST images passed in (harness training loop) and predicts the test images. */
  fcTrain: (exp: Exports, args: { opts: FullyConnectedOptions; train: RawImages; test: RawImages; budget: TrainBudget }): Promise<FitResult> =>
    withModels((keep) => {
      const model = keep(asModel(get(exp, 'createFullyConnectedClassifier')(args.opts), 'createFullyConnectedClassifier'));
      return fit(model, dataset(args.train, 'mnist train'), dataset(args.test, 'mnist test'), args.budget);
    }),

  // ---- B ------------------------------------------------------------------------------------------------
  shapeTable: (exp: Exports): unknown => {
    const t = get(exp, 'SHAPE_TABLE') as unknown;
    // Plain copy: whatever the submission exported, as data (the suite says what is wrong with it).
    return JSON.parse(JSON.stringify(t ?? null)) as unknown;
  },

  convnetModel: (exp: Exports, args: { opts?: ConvNetOptions; inputs: number[][] }): Promise<ModelProbe> =>
    withModels((keep) => {
      const model = keep(asModel(get(exp, 'createConvNet')(args.opts), 'createConvNet'));
      return modelProbe(model, args.inputs);
    }),

  /**
   * The student's ConvNet and the harness's FullyConnectedClassifier (default [128, 64], 402,250 parameters)
   * trained with the same budget on the same synthetic CIFAR-like images; both models' test predictions.
   */
  convnetTrain: (exp: Exports, args: { trainImages: number; testImages: number; dataSeed: number; budget: TrainBudget }): Promise<{ convnet: FitResult; fc: FitResult }> =>
    withModels((keep) => {
      const train = syntheticImages({ n: args.trainImages, seed: args.dataSeed });
      const test = syntheticImages({ n: args.testImages, seed: args.dataSeed + 1000 });
      const convnet = fit(keep(asModel(get(exp, 'createConvNet')({}), 'createConvNet')), train, test, args.budget);
      const fc = fit(keep(fullyConnectedClassifier({ imageSize: [32, 32, 3] })), train, test, args.budget);
      return { convnet, fc };
    }),

  // ---- C ------------------------------------------------------------------------------------------------
  /** trainModel on separable blobs with a tiny harness model; losses, and whether `final` is the model's current state. */
  trainerRun: (exp: Exports, args: { seed: number; n: number; batchSize: number; epochs: number; lr: number; weightDecay: number }) =>
    withModels(async (keep) => {
      const Trainer = get(exp, 'Trainer');
      const model = keep(tinyModel(args.seed));
      const initial = flat(model.getWeights());
      const trainer = new Trainer(model);
      const r = await trainer.trainModel(loaderOf(blobs(args.n, args.seed), args.batchSize, args.seed), loaderOf(blobs(args.n / 2, args.seed + 1), args.batchSize), {
        epochs: args.epochs,
        lr: args.lr,
        weightDecay: args.weightDecay,
        earlyStoppingPatience: Infinity,
        verbose: false,
      });
      const current = flat(model.getWeights());
      const final = flat(r.final);
      const out = { trainLosses: [...r.trainLosses], valLosses: [...r.valLosses], bestEpoch: r.bestEpoch, stoppedEpoch: r.stoppedEpoch, initial, current, final };
      tf.dispose([...r.best, ...r.final]);
      return out;
    }),

  /** Which optimizer trainModel builds, through createOptimizer (recorded by a subclass). */
  trainerOptimizer: (exp: Exports, args: { seed: number; lr: number; weightDecay: number }) =>
    withModels(async (keep) => {
      const Base = get(exp, 'Trainer');
      const calls: { lr: number; weightDecay: number; optimizer: string }[] = [];
      class Recording extends Base {
        override createOptimizer(o: { lr: number; weightDecay: number }): tf.Optimizer {
          const opt = super.createOptimizer(o);
          calls.push({ lr: o?.lr, weightDecay: o?.weightDecay, optimizer: opt?.getClassName?.() ?? String(opt) });
          return opt;
        }
      }
      const model = keep(tinyModel(args.seed));
      const data = loaderOf(blobs(24, args.seed), 8);
      const r = await new Recording(model).trainModel(data, data, { epochs: 2, lr: args.lr, weightDecay: args.weightDecay, earlyStoppingPatience: Infinity, verbose: false });
      tf.dispose([...r.best, ...r.final]);
      return calls;
    }),

  /** createOptimizer's trajectory: from w0, one applyGradients per given gradient; the weights after each step. */
  optimizerSteps: (exp: Exports, args: { w0: number[]; grads: number[][]; lr: number; weightDecay: number }) =>
    withModels((keep) => {
      const Trainer = get(exp, 'Trainer');
      const trainer = new Trainer(keep(tinyModel(0)));
      const optimizer = trainer.createOptimizer({ lr: args.lr, weightDecay: args.weightDecay });
      const v = tf.variable(tf.tensor1d(args.w0), true);
      try {
        return args.grads.map((g) => {
          const grad = tf.tensor1d(g);
          optimizer.applyGradients({ [v.name]: grad });
          grad.dispose();
          return Array.from(v.dataSync());
        });
      } finally {
        v.dispose();
        optimizer.dispose();
      }
    }),

  /** trainer.accuracy on a fixed linear model (behind a Dropout layer, a no-op at inference) and the given data. */
  trainerAccuracy: (exp: Exports, args: { x: Float32Array; labels: Int32Array; kernel: Float32Array; bias: Float32Array; classes: number; batchSize: number }) =>
    withModels(async (keep) => {
      const Trainer = get(exp, 'Trainer');
      const model = keep(
        tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 2] }), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: args.classes })] }),
      );
      model.setWeights([tf.tensor2d(args.kernel, [8, args.classes]), tf.tensor1d(args.bias)]);
      const n = args.labels.length;
      const data = loaderOf({ n, height: 2, width: 2, channels: 2, images: args.x, labels: args.labels }, args.batchSize);
      const r = await new Trainer(model).accuracy(data);
      return { accuracy: r?.accuracy, loss: r?.loss };
    }),

  /**
   * trainModel with accuracy(val) overridden to return a scripted validation loss per epoch, recording the
   * model's weights at each call (the end of each epoch).
   */
  earlyStopping: (exp: Exports, args: { script: number[]; patience: number; seed: number }): Promise<EarlyStopProbe> =>
    withModels(async (keep) => {
      const Base = get(exp, 'Trainer');
      const train = loaderOf(blobs(24, args.seed), 8, args.seed);
      const val = loaderOf(blobs(12, args.seed + 1), 12);
      const snapshots: Float32Array[] = [];
      let calls = 0;
      class Scripted extends Base {
        override async accuracy(data: DataLoader) {
          if (data !== val) return super.accuracy(data);
          snapshots.push(flat(this.model.getWeights()));
          // After the script, NaN: a trainer that calls accuracy(val) more than once per epoch shows in valCalls.
          const loss = args.script[calls++] ?? NaN;
          return { accuracy: 50, loss };
        }
      }
      const model = keep(tinyModel(args.seed));
      const r = await new Scripted(model).trainModel(train, val, {
        epochs: args.script.length,
        lr: 0.05,
        weightDecay: 0.01,
        earlyStoppingPatience: args.patience,
        verbose: false,
      });
      const out: EarlyStopProbe = {
        valLosses: [...(r.valLosses ?? [])],
        trainLosses: [...(r.trainLosses ?? [])],
        bestEpoch: r.bestEpoch,
        stoppedEpoch: r.stoppedEpoch,
        valCalls: calls,
        snapshots,
        best: flat(r.best),
        final: flat(r.final),
      };
      tf.dispose([...r.best, ...r.final]);
      return out;
    }),

  // ---- D ------------------------------------------------------------------------------------------------
  /** createModel(type, opts): the model's parameter count and layer kinds, or the message it threw. */
  factory: (exp: Exports, args: { type: string; opts?: FullyConnectedOptions | ConvNetOptions }) =>
    withModels((keep) => {
      const createModel = get(exp, 'createModel');
      let model: tf.LayersModel;
      try {
        model = keep(asModel(createModel(args.type, args.opts), `createModel("${args.type}")`));
      } catch (e) {
        return { threw: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
      }
      return { params: params(model), kinds: layerTable(model).map((l) => l.className) };
    }),

  /** createDataPipeline on seeded random images; the statistics, the split and every batch of the requested loaders. */
  pipeline: async (exp: Exports, args: { dataset: 'mnist' | 'cifar10'; train: ImageSpec; test: ImageSpec; opts?: PipelineOptions; collect: ('train' | 'val' | 'test')[] }): Promise<PipelineProbe> => {
    const p = get(exp, 'createDataPipeline')(args.dataset, { train: randomImages(args.train), test: randomImages(args.test) }, args.opts);
    const loaders: PipelineProbe['loaders'] = {};
    for (const which of args.collect) {
      const xs: Float32Array[] = [];
      const ys: Int32Array[] = [];
      const batchSizes: number[] = [];
      let shape: number[] = [];
      await p[which].forEachAsync(({ xs: x, ys: y }) => {
        xs.push(x.dataSync() as Float32Array);
        ys.push(Int32Array.from(y.dataSync()));
        batchSizes.push(x.shape[0]);
        shape = x.shape.slice(1);
        tf.dispose([x, y]);
      });
      const all = new Float32Array(xs.reduce((n, a) => n + a.length, 0));
      let at = 0;
      for (const a of xs) {
        all.set(a, at);
        at += a.length;
      }
      loaders[which] = { batchSizes, xs: all, ys: Int32Array.from(ys.flatMap((a) => Array.from(a))), shape };
    }
    return { mean: Array.from(p.mean), std: Array.from(p.std), trainIndices: Int32Array.from(p.trainIndices), valIndices: Int32Array.from(p.valIndices), loaders };
  },

  // ---- F ------------------------------------------------------------------------------------------------
  /** Trainable and total parameters of createResNet18 for each freeze option. */
  resnetParams: (exp: Exports, args: { options: (ResNetBlock[] | null)[]; inputSize: number }) =>
    args.options.map((freezeBlocks) => {
      // One at a time (eleven million parameters each); an option that throws is reported, the others still run.
      let model: tf.LayersModel;
      try {
        model = asModel(get(exp, 'createResNet18')({ freezeBlocks, inputSize: args.inputSize }), 'createResNet18');
      } catch (e) {
        if (e instanceof Error && e.name === 'MissingExportError') throw e;
        return { freezeBlocks, error: describeError(e), total: 0, trainable: 0, layers: [] };
      }
      try {
        const c = countParameters(model);
        return { freezeBlocks, total: c.total, trainable: c.trainable, layers: c.layers.filter((l) => l.params > 0).map((l) => ({ path: l.path, params: l.params, trainable: l.trainable })) };
      } finally {
        model.dispose();
      }
    }),

  /** Output shapes of the ResNet for inputs of several sizes, and the outputs for `x` at its size and resized to inputSize (same weights). */
  resnetForward: (exp: Exports, args: { opts: ResNet18Options; inputs: number[][]; x: Float32Array; xShape: [number, number, number, number] }) =>
    withModels((keep) => {
      const model = keep(asModel(get(exp, 'createResNet18')(args.opts), 'createResNet18'));
      const size = args.opts.inputSize ?? 224;
      const { outputs } = modelProbe(model, args.inputs, false);
      const [direct, resized] = tf.tidy(() => {
        const x = tf.tensor4d(args.x, args.xShape);
        const big = tf.image.resizeBilinear(x, [size, size], false, true);
        return [(model.predict(x) as tf.Tensor).dataSync() as Float32Array, (model.predict(big) as tf.Tensor).dataSync() as Float32Array];
      });
      return { outputs, direct, resized };
    }),

  /** resizeImages on the given NHWC input. */
  resize: (exp: Exports, args: { input: Float32Array; shape: [number, number, number, number]; height: number; width: number }) => {
    const out = tf.tidy(() => get(exp, 'resizeImages')(tf.tensor4d(args.input, args.shape), args.height, args.width));
    try {
      return { shape: out.shape, values: out.dataSync() as Float32Array };
    } finally {
      out.dispose();
    }
  },

  /** One SGD step on the trainable weights (model.trainableWeights) of a frozen ResNet; how much each weight moved. */
  resnetStep: (exp: Exports, args: { freezeBlocks: ResNetBlock[]; inputSize: number; seed: number; batch: number }) =>
    withModels((keep) => {
      const model = keep(asModel(get(exp, 'createResNet18')({ freezeBlocks: args.freezeBlocks, inputSize: args.inputSize }), 'createResNet18'));
      const walked = walkLayers(model).flatMap((l) => l.weights);
      const before = walked.map((w) => w.variable.read().clone());
      const rng = makeRng(`csci5501-a2:resnet-step:${args.seed}`);
      const n = args.batch * args.inputSize * args.inputSize * 3;
      const xs = tf.tensor4d(Float32Array.from({ length: n }, () => rng.normal()), [args.batch, args.inputSize, args.inputSize, 3]);
      const ys = tf.oneHot(tf.tensor1d(Array.from({ length: args.batch }, (_, i) => i % 10), 'int32'), 10);
      const optimizer = tf.train.sgd(0.1);
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, false, variables);
      const changes: WeightChange[] = walked.map((w, i) =>
        tf.tidy(() => ({
          name: w.variable.originalName,
          isParameter: w.isParameter,
          trainable: w.trainable,
          maxChange: tf.max(tf.abs(tf.sub(w.variable.read(), before[i]))).dataSync()[0],
        })),
      );
      tf.dispose([...before, xs, ys]);
      optimizer.dispose();
      return changes;
    }),

  /**
   * Loading weights from a file: writes seeded values for every weight of the student's model as a tfjs weights
   * manifest in a scratch folder, builds the model again with weightsPath, and compares what it holds.
   */
  resnetWeightsFile: (exp: Exports, args: { seed: number; inputSize: number }) =>
    withModels((keep) => {
      const create = get(exp, 'createResNet18');
      const blank = keep(asModel(create({ inputSize: args.inputSize }), 'createResNet18'));
      const specs = blank.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[], dtype: 'float32' as const }));
      const rng = makeRng(`csci5501-a2:weights-file:${args.seed}`);
      const values = specs.map((s) => Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5));
      const dir = mkdtempSync(path.join(os.tmpdir(), 'csci5501-a2-weights-'));
      try {
        const bin = new Uint8Array(values.reduce((n, v) => n + v.byteLength, 0));
        let at = 0;
        for (const v of values) {
          bin.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
          at += v.byteLength;
        }
        writeFileSync(path.join(dir, 'weights.bin'), bin);
        const manifest = path.join(dir, 'model-weights.json');
        writeFileSync(manifest, JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: specs }] }));
        const loaded = keep(asModel(create({ inputSize: args.inputSize, weightsPath: manifest }), 'createResNet18({ weightsPath })'));
        const byName = new Map(loaded.weights.map((w) => [w.originalName, w]));
        const rows = specs.map((s, i) => {
          const w = byName.get(s.name);
          if (!w) return { name: s.name, maxDiff: NaN, found: false };
          const got = w.read().dataSync();
          let d = 0;
          for (let k = 0; k < got.length; k++) d = Math.max(d, Math.abs(got[k] - values[i][k]));
          return { name: s.name, maxDiff: got.length === values[i].length ? d : NaN, found: true };
        });
        return { weights: rows.length, rows: rows.filter((r) => !(r.maxDiff === 0)), file: 'model-weights.json + weights.bin' };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
} satisfies Record<string, Probe>;

function modelProbe(model: tf.LayersModel, inputs: number[][], withTable = true): ModelProbe {
  const outputs = inputs.map((input) => {
    try {
      const shape = tf.tidy(() => {
        const y = model.predict(tf.zeros(input));
        return (Array.isArray(y) ? y[0] : y).shape;
      });
      return { input, shape };
    } catch (e) {
      return { input, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  });
  return { layers: withTable ? layerTable(model) : [], params: withTable ? params(model) : { total: 0, trainable: 0, buffers: 0, layers: [] }, outputs };
}

/** "Error: message (at file.ts:12:5)": the message and the first frame outside node_modules and the harness. */
function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const frame = (e.stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(l.trim()))
    .find((m) => m && !m[1].includes('node_modules') && !m[1].includes('/harness/') && !m[1].includes('probes'));
  return `${e.name}: ${e.message}${frame ? ` (at ${path.basename(frame[1])}:${frame[2]})` : ''}`;
}

function denseWeights(model: tf.LayersModel): DenseWeights[] {
  return walkLayers(model)
    .filter(({ layer }) => layer.getClassName() === 'Dense')
    .map(({ layer, path: p }) => {
      const [kernel, bias] = layer.getWeights();
      return { layer: p, kernelShape: kernel.shape, kernel: kernel.dataSync() as Float32Array, bias: bias ? (bias.dataSync() as Float32Array) : null };
    });
}
