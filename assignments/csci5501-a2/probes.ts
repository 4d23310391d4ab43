// Probes of CSCI-5501 A2: they run WHERE THE SUBMISSION RUNS (a sandboxed child when grading), call the
// student's exports and return data: models as exportModel data (rebuilt and checked in the grader), the
// Trainer's recorded trajectory (replayed in the grader), a pipeline's batches, a resize's values. They give no
// verdicts and nothing they return is trusted: the suites under tests/ decide, in the grader.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { blobs, buildModel, collectLoader, defineProbes, describeError, exportModel, flatWeights, loaderOf, randomImages, withModels, writeWeightsManifest, type ImageSpec, type ModelData } from 'dlgrade/kit/probe';
import type { Csci5501A2, DataLoader, FullyConnectedOptions, ConvNetOptions, PipelineOptions, ResNet18Options, ResNetBlock, Trainer } from './contract.ts';
import { accuracyModel, tinyModel } from './tiny-models.ts';
import { weightFileValues } from './weights-file.ts';

// ---------------------------------------------------------------------------------------------------------
// Probe results (the suites import these types)

export interface TrainerRun {
  trainLosses: number[];
  valLosses: number[];
  bestEpoch: number;
  stoppedEpoch: number | null;
  /** Times trainModel called this.accuracy(val). */
  valCalls: number;
  /** The model's weights (getWeights order) at each accuracy(val) call, i.e. at the end of each epoch. */
  snapshots: Float32Array[];
  /** How many tensors `best` and `final` hold (getWeights has 6 for the tiny model; trainableWeights 5). */
  bestTensors: number;
  best: Float32Array;
  final: Float32Array;
  /** The model's weights when trainModel returned. */
  current: Float32Array;
}

export interface PipelineProbe {
  mean: number[];
  std: number[];
  trainIndices: Int32Array;
  valIndices: Int32Array;
  loaders: Partial<Record<'train' | 'val' | 'test', { batchSizes: number[]; xs: Float32Array; ys: Int32Array; shape: number[] }>>;
}

export type ResNetRow = { freezeBlocks: ResNetBlock[] | null; error?: string; model?: ModelData };

/** Scripted trainModel: accuracy(val) answers the script's loss for each epoch and records the weights. */
async function scriptedTraining(Base: Csci5501A2['Trainer'], args: { script: number[]; patience: number; seed: number; batchSize?: number; lr?: number; weightDecay?: number }, model: tf.LayersModel): Promise<TrainerRun> {
  // One full batch per epoch at a small rate: the training loss falls every epoch (checked for the fixed seed),
  // so a trainer that watches it instead of the validation loss never stops, whatever the script.
  const train = loaderOf(blobs(24, args.seed), args.batchSize ?? 24, args.seed);
  const val = loaderOf(blobs(12, args.seed + 1), 12);
  const snapshots: Float32Array[] = [];
  let calls = 0;
  class Scripted extends Base {
    override async accuracy(data: DataLoader) {
      if (data !== val) return super.accuracy(data);
      snapshots.push(flatWeights(this.model.getWeights()));
      // After the script, NaN: a trainer that calls accuracy(val) more than once per epoch shows in valCalls.
      const loss = args.script[calls++] ?? NaN;
      return { accuracy: 50, loss };
    }
  }
  const r = await new Scripted(model).trainModel(train, val, {
    epochs: args.script.length,
    lr: args.lr ?? 0.02,
    weightDecay: args.weightDecay ?? 0.01,
    earlyStoppingPatience: args.patience,
    verbose: false,
  });
  return trainerRun(r, model, snapshots, calls);
}

/** What trainModel returned, as data (its tensors disposed), with the recorded end-of-epoch weights. */
function trainerRun(r: Awaited<ReturnType<Trainer['trainModel']>>, model: tf.LayersModel, snapshots: Float32Array[], valCalls: number): TrainerRun {
  const out: TrainerRun = {
    trainLosses: [...(r.trainLosses ?? [])],
    valLosses: [...(r.valLosses ?? [])],
    bestEpoch: r.bestEpoch,
    stoppedEpoch: r.stoppedEpoch,
    valCalls,
    snapshots,
    bestTensors: r.best?.length ?? 0,
    best: flatWeights(r.best ?? []),
    final: flatWeights(r.final ?? []),
    current: flatWeights(model.getWeights()),
  };
  tf.dispose([...(r.best ?? []), ...(r.final ?? [])]);
  return out;
}

export const probes = defineProbes<Csci5501A2>()({
  // ---- A, B, D: models leave as data ----------------------------------------------------------------------
  fcModel: (exp, args: { opts: FullyConnectedOptions }) =>
    withModels((keep) => exportModel(keep(buildModel(`createFullyConnectedClassifier(${JSON.stringify(args.opts)})`, () => exp.createFullyConnectedClassifier(args.opts))))),

  convnetModel: (exp, args: { opts?: ConvNetOptions }) =>
    withModels((keep) => exportModel(keep(buildModel(`createConvNet(${JSON.stringify(args.opts ?? {})})`, () => exp.createConvNet(args.opts))))),

  /** createModel(type, opts) as data, or the message it threw. */
  factory: (exp, args: { type: string; opts?: FullyConnectedOptions | ConvNetOptions }) =>
    withModels((keep) => {
      let model: tf.LayersModel;
      try {
        model = keep(buildModel(`createModel("${args.type}")`, () => exp.createModel(args.type, args.opts)));
      } catch (e) {
        if (e instanceof Error && e.name === 'MissingExportError') throw e;
        return { threw: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
      }
      return { model: exportModel(model) };
    }),

  shapeTable: (exp) => JSON.parse(JSON.stringify((exp.SHAPE_TABLE as unknown) ?? null)) as unknown,

  // ---- C: the student's Trainer on harness models and data ---------------------------------------------
  /** trainModel with patience Infinity on blobs: the recorded trajectory, which the grader replays. */
  trainerRun: (exp, args: { seed: number; n: number; batchSize: number; epochs: number; lr: number; weightDecay: number }) =>
    withModels(async (keep) => {
      const model = keep(tinyModel(args.seed));
      const train = loaderOf(blobs(args.n, args.seed), args.batchSize, args.seed);
      const val = loaderOf(blobs(args.n / 2, args.seed + 1), args.batchSize);
      const snapshots: Float32Array[] = [];
      class Recording extends exp.Trainer {
        override async accuracy(data: DataLoader) {
          if (data === val) snapshots.push(flatWeights(this.model.getWeights()));
          return super.accuracy(data);
        }
      }
      const r = await new Recording(model).trainModel(train, val, { epochs: args.epochs, lr: args.lr, weightDecay: args.weightDecay, earlyStoppingPatience: Infinity, verbose: false });
      return trainerRun(r, model, snapshots, snapshots.length);
    }),

  /** Which optimizer trainModel builds, through createOptimizer (recorded by a subclass). */
  trainerOptimizer: (exp, args: { seed: number; lr: number; weightDecay: number }) =>
    withModels(async (keep) => {
      const calls: { lr: number; weightDecay: number; optimizer: string }[] = [];
      class Recording extends exp.Trainer {
        override createOptimizer(o: { lr: number; weightDecay: number }): tf.Optimizer {
          const opt = super.createOptimizer(o);
          calls.push({ lr: o?.lr, weightDecay: o?.weightDecay, optimizer: opt?.getClassName?.() ?? String(opt) });
          return opt;
        }
      }
      const data = loaderOf(blobs(24, args.seed), 8);
      const r = await new Recording(keep(tinyModel(args.seed))).trainModel(data, data, { epochs: 2, lr: args.lr, weightDecay: args.weightDecay, earlyStoppingPatience: Infinity, verbose: false });
      tf.dispose([...(r.best ?? []), ...(r.final ?? [])]);
      return calls;
    }),

  /** createOptimizer's trajectory: from w0, one applyGradients per given gradient; the weights after each step. */
  optimizerSteps: (exp, args: { w0: number[]; grads: number[][]; lr: number; weightDecay: number }) =>
    withModels((keep) => {
      const optimizer = new exp.Trainer(keep(tinyModel(0))).createOptimizer({ lr: args.lr, weightDecay: args.weightDecay });
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

  /** trainer.accuracy on the fixed model of tiny-models.ts and the given data. */
  trainerAccuracy: (exp, args: { x: Float32Array; labels: Int32Array; kernel: Float32Array; bias: Float32Array; bnMean: Float32Array; bnVariance: Float32Array; classes: number; batchSize: number }) =>
    withModels(async (keep) => {
      const model = keep(accuracyModel(args.kernel, args.bias, args.classes, { mean: args.bnMean, variance: args.bnVariance }));
      const data = loaderOf({ n: args.labels.length, height: 2, width: 2, channels: 2, images: args.x, labels: args.labels }, args.batchSize);
      const r = await new exp.Trainer(model).accuracy(data);
      return { accuracy: r?.accuracy, loss: r?.loss };
    }),

  /** trainModel with accuracy(val) answering a scripted validation loss per epoch. */
  earlyStopping: (exp, args: { script: number[]; patience: number; seed: number }) =>
    withModels(async (keep) => scriptedTraining(exp.Trainer, args, keep(tinyModel(args.seed)))),

  // ---- D ------------------------------------------------------------------------------------------------
  /** createDataPipeline on seeded random images; the statistics, the split and every batch of the requested loaders. */
  pipeline: async (exp, args: { dataset: 'mnist' | 'cifar10'; train: ImageSpec; test: ImageSpec; opts?: PipelineOptions; collect: ('train' | 'val' | 'test')[] }): Promise<PipelineProbe> => {
    const p = exp.createDataPipeline(args.dataset, { train: randomImages(args.train), test: randomImages(args.test) }, args.opts);
    const loaders: PipelineProbe['loaders'] = {};
    for (const which of args.collect) loaders[which] = await collectLoader(p[which]);
    return { mean: Array.from(p.mean), std: Array.from(p.std), trainIndices: Int32Array.from(p.trainIndices), valIndices: Int32Array.from(p.valIndices), loaders };
  },

  // ---- F ------------------------------------------------------------------------------------------------
  /** createResNet18 for each freeze option, as data (architecture and trainable flags); an option that throws says so. */
  resnetModels: (exp, args: { options: (ResNetBlock[] | null)[]; inputSize: number }): ResNetRow[] =>
    args.options.map((freezeBlocks) => {
      // One at a time (eleven million parameters each); an option that throws is reported, the others still run.
      let model: tf.LayersModel;
      try {
        model = buildModel('createResNet18', () => exp.createResNet18({ freezeBlocks, inputSize: args.inputSize }));
      } catch (e) {
        if (e instanceof Error && e.name === 'MissingExportError') throw e;
        return { freezeBlocks, error: describeError(e) };
      }
      try {
        return { freezeBlocks, model: exportModel(model) };
      } finally {
        model.dispose();
      }
    }),

  resnetModel: (exp, args: { opts: ResNet18Options }) =>
    withModels((keep) => exportModel(keep(buildModel(`createResNet18(${JSON.stringify(args.opts)})`, () => exp.createResNet18(args.opts))))),

  /** resizeImages on the given NHWC input. */
  resize: (exp, args: { input: Float32Array; shape: [number, number, number, number]; height: number; width: number }) => {
    const out = tf.tidy(() => exp.resizeImages(tf.tensor4d(args.input, args.shape), args.height, args.width));
    try {
      return { shape: out.shape, values: out.dataSync() as Float32Array };
    } finally {
      out.dispose();
    }
  },

  /**
   * Loading weights from a file: writes values drawn from `seed` for every weight of the student's model as a
   * tfjs weights manifest in a scratch folder, builds the model again with weightsPath, and returns it with
   * its weights; the grader draws the same values and compares.
   */
  resnetWeightsFile: (exp, args: { seed: number; inputSize: number }) =>
    withModels((keep) => {
      const blank = keep(buildModel('createResNet18', () => exp.createResNet18({ inputSize: args.inputSize })));
      const specs = blank.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[] }));
      const dir = mkdtempSync(path.join(os.tmpdir(), 'csci5501-a2-weights-'));
      try {
        const manifest = writeWeightsManifest(dir, specs, weightFileValues(specs, args.seed));
        const loaded = keep(buildModel('createResNet18({ weightsPath })', () => exp.createResNet18({ inputSize: args.inputSize, weightsPath: manifest })));
        return exportModel(loaded, { weights: true });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
});

export type { Trainer };
