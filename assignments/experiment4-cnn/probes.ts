// Probes of experiment4-cnn: they run WHERE THE SUBMISSION RUNS (a sandboxed child when grading), call its
// exports and return plain data. They give no verdicts: the suites decide in the grader, from models rebuilt
// there, replays of the training and their own float64 maths. What a probe builds itself (the small loop
// models, the trusted optimizer and schedule, loaders, random sources) is harness code, the same the grader
// replays with.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModel, defineProbes, describeError, exportModel, initLikeTorch, withModels, type ModelData } from 'dlgrade/kit/probe';
import { createRandom, type AutoAugmentOp, type CnnOptions, type Criterion, type DataLoader, type EpochOptions, type Experiment4Cnn, type FitOptions, type History, type LrScheduler, type Metrics, type OneCycleOptions, type Random, type ScheduledOptimizer, type Trainer, type Uint8Image } from './contract.ts';
import { arrayLoader, type ArrayImages } from './loaders.ts';
import { flatWeights, loopModel, setLoopWeights, type LoopModelSpec } from './loop-model.ts';
import { harnessCriterion, trustedOptimizer, type LoopSetup } from './replay.ts';
import type { ScheduleValue } from './one-cycle.ts';
import { TrustedSgd } from './trusted-sgd.ts';

/** A checkpoint folder's two files as bytes (the grader parses them itself). */
export interface CheckpointFiles {
  json: string;
  bin: Uint8Array;
}

function readCheckpoint(dir: string): CheckpointFiles | null {
  try {
    if (!readdirSync(dir).includes('model.json')) return null;
    return { json: readFileSync(path.join(dir, 'model.json'), 'utf8'), bin: new Uint8Array(readFileSync(path.join(dir, 'weights.bin'))) };
  } catch {
    return null;
  }
}

/** Runs `f` with a fresh scratch folder, removed afterwards. */
async function inScratch<R>(f: (dir: string) => Promise<R>): Promise<R> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'experiment4-cnn-'));
  try {
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Random that records which draws were asked for, in order ('beta', 'permutation', 'next', 'int'). */
function recordingRandom(seed: number, log: string[]): Random {
  const r = createRandom(seed);
  return {
    next: () => (log.push('next'), r.next()),
    int: (n) => (log.push('int'), r.int(n)),
    beta: (a, b) => (log.push('beta'), r.beta(a, b)),
    permutation: (n) => (log.push('permutation'), r.permutation(n)),
  };
}

const image = (i: Uint8Image): Uint8Image => ({ data: Uint8Array.from(i.data), height: i.height, width: i.width, channels: i.channels });

/** The submission's image, or the message it threw (one bad op must not hide the others). */
function tryImage<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.name === 'MissingExportError') throw e;
    return describeError(e);
  }
}

const globalNorm = (ts: tf.NamedTensorMap) => Math.sqrt(Object.values(ts).reduce((s, t) => s + tf.tidy(() => tf.sum(tf.square(t)).dataSync()[0]), 0));

export interface LoopEpoch extends Metrics {
  weights: Float32Array;
  /** 'S' per optimizer step and 's' per scheduler step, in call order. */
  events: string;
  /** The 2-norm of the gradients each optimizer step received. */
  stepNorms: number[];
}

export interface ScriptedFit {
  history: History;
  /** Weights when each evaluate(test) was called (the end of each epoch). */
  snapshots: Float32Array[];
  /** The checkpoint folder after each epoch (read when the next epoch starts, and after fit). */
  checkpoints: (CheckpointFiles | null)[];
  evaluateCalls: number;
  /** loadCheckpoint(dir) after fit, as model data, or what it threw. */
  loaded: ModelData | string;
}

export interface WiringEpoch {
  optimizer: string;
  lrBefore: number;
  beta1Before: number;
  lrAfter: number;
  mixupAlpha: unknown;
  maxGradNorm: unknown;
  hasRandom: boolean;
  batches: number;
  /** criterion(fixed logits, fixed labels). */
  criterionValue: number;
}

export const probes = defineProbes<Experiment4Cnn>()({
  // ---- A ------------------------------------------------------------------------------------------------
  cnn: (exp, args: { opts?: CnnOptions }) => withModels((keep) => exportModel(keep(buildModel('createCnn', () => exp.createCnn(args.opts))))),

  // ---- T ------------------------------------------------------------------------------------------------
  convOutputSize: (exp, args: { cases: [number, number, number, number][] }) => args.cases.map(([n, f, p, s]) => exp.convOutputSize(n, f, p, s)),

  // ---- B ------------------------------------------------------------------------------------------------
  /** crossEntropyLoss for each smoothing, and its gradient with respect to the logits for the first. */
  crossEntropy: (exp, args: { logits: Float32Array; n: number; classes: number; labels: Int32Array; smoothings: number[] }) =>
    tf.tidy(() => {
      const logits = tf.tensor2d(args.logits, [args.n, args.classes]);
      const labels = tf.tensor1d(args.labels, 'int32');
      const values = args.smoothings.map((eps) => exp.crossEntropyLoss(logits, labels, eps).dataSync()[0]);
      const grad = tf.grad((l: tf.Tensor) => exp.crossEntropyLoss(l as tf.Tensor2D, labels, args.smoothings[0]))(logits);
      return { values, grad: grad.dataSync() as Float32Array, plain: exp.crossEntropyLoss(logits, labels).dataSync()[0] };
    }),

  /** mixupCriterion with a trusted criterion (cross-entropy with the given smoothing). */
  mixupCriterion: (exp, args: { logits: Float32Array; n: number; classes: number; yA: Int32Array; yB: Int32Array; lam: number; smoothing: number }) =>
    tf.tidy(() => {
      const logits = tf.tensor2d(args.logits, [args.n, args.classes]);
      return exp.mixupCriterion(harnessCriterion(args.smoothing), logits, tf.tensor1d(args.yA, 'int32'), tf.tensor1d(args.yB, 'int32'), args.lam).dataSync()[0];
    }),

  // ---- C ------------------------------------------------------------------------------------------------
  /** AdamW from w0, one applyGradients per gradient, learningRate and beta1 set before each step. */
  adamw: (exp, args: { w0: number[]; grads: number[][]; steps: ScheduleValue[]; weightDecay: number }) => {
    const optimizer = new exp.AdamW({ lr: args.steps[0].lr, weightDecay: args.weightDecay });
    const v = tf.variable(tf.tensor1d(args.w0), true);
    try {
      return args.grads.map((g, i) => {
        optimizer.learningRate = args.steps[i].lr;
        optimizer.beta1 = args.steps[i].beta1;
        tf.tidy(() => optimizer.applyGradients({ [v.name]: tf.tensor1d(g) }));
        return Array.from(v.dataSync());
      });
    } finally {
      v.dispose();
      optimizer.dispose();
    }
  },

  /** OneCycleLR on a plain { learningRate, beta1 } object: the values at each sample step, and past the end. */
  oneCycle: (exp, args: { opts: OneCycleOptions; samples: number[]; total: number }) => {
    const target: ScheduledOptimizer = { learningRate: NaN, beta1: NaN };
    const scheduler = new exp.OneCycleLR(target, args.opts);
    const values: ScheduleValue[] = [];
    let step = 0;
    for (const s of args.samples) {
      while (step < s) {
        scheduler.step();
        step++;
      }
      values.push({ lr: target.learningRate, beta1: target.beta1 });
    }
    while (step < args.total) {
      scheduler.step();
      step++;
    }
    let beyond = 'no error';
    try {
      scheduler.step();
    } catch (e) {
      beyond = describeError(e);
    }
    return { values, beyond };
  },

  // ---- D ------------------------------------------------------------------------------------------------
  mixup: (exp, args: { x: Float32Array; shape: [number, number, number, number]; y: Int32Array; alpha: number; seed: number }) => {
    const draws: string[] = [];
    const out = tf.tidy(() => {
      const m = exp.mixupData(tf.tensor4d(args.x, args.shape), tf.tensor1d(args.y, 'int32'), args.alpha, recordingRandom(args.seed, draws));
      return { x: m.x.dataSync() as Float32Array, shape: m.x.shape, yA: Int32Array.from(m.yA.dataSync()), yB: Int32Array.from(m.yB.dataSync()), lam: m.lam };
    });
    return { ...out, draws };
  },

  clip: (exp, args: { grads: { name: string; shape: number[]; values: Float32Array }[]; maxNorm: number }) =>
    tf.tidy(() => {
      const input: tf.NamedTensorMap = Object.fromEntries(args.grads.map((g) => [g.name, tf.tensor(g.values, g.shape)]));
      const r = exp.clipGradNorm(input, args.maxNorm);
      const grads: Record<string, Float32Array> = {};
      for (const [k, t] of Object.entries(r.grads ?? {})) grads[k] = t.dataSync() as Float32Array;
      return { totalNorm: r.totalNorm, grads };
    }),

  // ---- E ------------------------------------------------------------------------------------------------
  autoAugmentOps: (exp, args: { image: Uint8Image; cases: { op: AutoAugmentOp; magnitude: number }[] }) =>
    args.cases.map((c) => tryImage(() => exp.applyAutoAugmentOp(image(args.image), c.op, c.magnitude).data)),

  autoAugment: (exp, args: { images: Uint8Image[]; seeds: number[] }) =>
    args.images.map((img, i) => {
      const draws: string[] = [];
      const out = tryImage(() => exp.autoAugment(image(img), recordingRandom(args.seeds[i], draws)).data);
      return { out, draws };
    }),

  transforms: (exp, args: { images: Uint8Image[]; seeds: number[] }) => ({
    train: args.images.map((img, i) => tryImage(() => Float32Array.from(exp.trainTransform(image(img), createRandom(args.seeds[i]))))),
    test: args.images.map((img) => tryImage(() => Float32Array.from(exp.testTransform(image(img))))),
  }),

  // ---- F ------------------------------------------------------------------------------------------------
  /**
   * trainOneEpoch `epochs` times on the loop model with trusted pieces (criterion, stateless SGD, OneCycleLR,
   * the contract's random source); after each epoch its metrics, the weights, and what the optimizer and the
   * scheduler were asked to do.
   */
  trainEpochs: (exp, args: { setup: LoopSetup }) =>
    withModels(async (keep) => {
      const s = args.setup;
      const model = keep(loopModel(s.spec));
      setLoopWeights(model, s.initialWeights);
      const loader = arrayLoader(s.data, s.batchSize);
      const { optimizer, scheduler } = trustedOptimizer(s, loader.length);
      let events = '';
      let stepNorms: number[] = [];
      const recOptimizer = Object.assign(Object.create(optimizer) as TrustedSgd, {
        applyGradients(g: tf.NamedTensorMap) {
          events += 'S';
          stepNorms.push(globalNorm(g));
          optimizer.applyGradients(g);
        },
      });
      // learningRate and beta1 live on `optimizer`; the recording object reads them through its prototype.
      const recScheduler: LrScheduler = { step: () => ((events += 's'), scheduler.step()) };
      const trainer = new exp.Trainer(model);
      const random = createRandom(s.seed);
      const out: LoopEpoch[] = [];
      for (let e = 0; e < s.epochs; e++) {
        events = '';
        stepNorms = [];
        const m = await trainer.trainOneEpoch(loader, harnessCriterion(s.labelSmoothing), recOptimizer, recScheduler, { mixupAlpha: s.mixupAlpha, maxGradNorm: s.maxGradNorm, random });
        out.push({ loss: m?.loss, accuracy: m?.accuracy, weights: flatWeights(model), events, stepNorms });
      }
      return out;
    }),

  /** evaluate() on the evaluation model (dropout, BatchNorm running statistics set) with the given weights. */
  evaluate: (exp, args: { spec: LoopModelSpec; weights: Float32Array[]; data: ArrayImages; batchSize: number }) =>
    withModels(async (keep) => {
      const model = keep(loopModel(args.spec));
      setLoopWeights(model, args.weights);
      const r = await new exp.Trainer(model).evaluate(arrayLoader(args.data, args.batchSize));
      return { loss: r?.loss, accuracy: r?.accuracy };
    }),

  /** fit() with evaluate(test) scripted to return the given accuracies; the checkpoint folder after every epoch. */
  fitScripted: (exp, args: { spec: LoopModelSpec; weights: Float32Array[]; train: ArrayImages; test: ArrayImages; batchSize: number; script: number[]; seed: number }) =>
    withModels((keep) =>
      inScratch(async (dir) => {
        const Base = exp.Trainer;
        const checkpointDir = path.join(dir, 'best');
        const train = arrayLoader(args.train, args.batchSize);
        const test = arrayLoader(args.test, args.batchSize);
        const snapshots: Float32Array[] = [];
        const checkpoints: (CheckpointFiles | null)[] = [];
        let evaluateCalls = 0;
        let epochs = 0;
        class Scripted extends Base {
          override async trainOneEpoch(loader: DataLoader, criterion: Criterion, optimizer: tf.Optimizer & ScheduledOptimizer, scheduler: LrScheduler, opts: EpochOptions): Promise<Metrics> {
            if (epochs++ > 0) checkpoints.push(readCheckpoint(checkpointDir));
            return super.trainOneEpoch(loader, criterion, optimizer, scheduler, opts);
          }
          override async evaluate(loader: DataLoader): Promise<Metrics> {
            if (loader !== test) return super.evaluate(loader);
            snapshots.push(flatWeights(this.model));
            // Past the script: NaN, so a loop that evaluates more than once per epoch shows.
            return { loss: 1, accuracy: args.script[evaluateCalls++] ?? NaN };
          }
        }
        const model = keep(loopModel(args.spec));
        setLoopWeights(model, args.weights);
        const opts: FitOptions = { epochs: args.script.length, seed: args.seed, checkpointDir, verbose: false, lr: 0.01 };
        const history = await new Scripted(model).fit(train, test, opts);
        checkpoints.push(readCheckpoint(checkpointDir));
        let loaded: ModelData | string;
        try {
          const back = await exp.loadCheckpoint(checkpointDir);
          loaded = exportModel(keep(buildModel('loadCheckpoint', () => back)), { weights: true });
        } catch (e) {
          if (e instanceof Error && e.name === 'MissingExportError') throw e;
          loaded = describeError(e);
        }
        return { history, snapshots, checkpoints, evaluateCalls, loaded } satisfies ScriptedFit;
      }),
    ),

  /** What fit() hands trainOneEpoch each epoch: its optimizer and schedule (learning rate, beta1), options, criterion. */
  fitWiring: (exp, args: { spec: LoopModelSpec; weights: Float32Array[]; train: ArrayImages; test: ArrayImages; batchSize: number; epochs: number; lr: number; seed: number; logits: Float32Array; labels: Int32Array }) =>
    withModels(async (keep) => {
      const Base = exp.Trainer;
      const records: WiringEpoch[] = [];
      class Watching extends Base {
        override async trainOneEpoch(loader: DataLoader, criterion: Criterion, optimizer: tf.Optimizer & ScheduledOptimizer, scheduler: LrScheduler, opts: EpochOptions): Promise<Metrics> {
          const rec: WiringEpoch = {
            optimizer: optimizer?.getClassName?.() ?? String(optimizer),
            lrBefore: optimizer?.learningRate,
            beta1Before: optimizer?.beta1,
            lrAfter: NaN,
            mixupAlpha: opts?.mixupAlpha,
            maxGradNorm: opts?.maxGradNorm,
            hasRandom: typeof opts?.random?.beta === 'function',
            batches: loader.length,
            criterionValue: tf.tidy(() => criterion(tf.tensor2d(args.logits, [args.labels.length, args.logits.length / args.labels.length]), tf.tensor1d(args.labels, 'int32')).dataSync()[0]),
          };
          const r = await super.trainOneEpoch(loader, criterion, optimizer, scheduler, opts);
          rec.lrAfter = optimizer?.learningRate;
          records.push(rec);
          return r;
        }
      }
      const model = keep(loopModel(args.spec));
      setLoopWeights(model, args.weights);
      await new Watching(model).fit(arrayLoader(args.train, args.batchSize, args.seed), arrayLoader(args.test, 64), { epochs: args.epochs, lr: args.lr, seed: args.seed, verbose: false });
      return records;
    }),

  /**
   * The convergence budget: createCnn at the test's widths, initialised like PyTorch from the seed, trained by
   * the submission's fit on the given images; its final weights and the best checkpoint's files.
   */
  convergence: (exp, args: { widths: number[]; train: ArrayImages; test: ArrayImages; epochs: number; batchSize: number; lr: number; seed: number }) =>
    withModels((keep) =>
      inScratch(async (dir) => {
        const model = keep(buildModel('createCnn', () => exp.createCnn({ channels: args.widths, inputShape: args.train.shape })));
        initLikeTorch(model, args.seed);
        const checkpointDir = path.join(dir, 'best');
        const t0 = Date.now();
        const cpu0 = process.cpuUsage();
        const history = await new exp.Trainer(model).fit(arrayLoader(args.train, args.batchSize, args.seed), arrayLoader(args.test, 250), { epochs: args.epochs, lr: args.lr, seed: args.seed, checkpointDir, verbose: false });
        const cpu = process.cpuUsage(cpu0);
        return { history, ms: Date.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, final: exportModel(model, { weights: true }), checkpoint: readCheckpoint(checkpointDir) };
      }),
    ),

  // ---- G ------------------------------------------------------------------------------------------------
  analysis: (exp, args: { labels: Int32Array; predictions: Int32Array; classes: number; confusion: number[][]; threshold: number }) => ({
    perClass: tryImage(() => exp.perClassAccuracy(args.labels, args.predictions, args.classes)),
    confusion: tryImage(() => exp.confusionMatrix(args.labels, args.predictions, args.classes)),
    pairs: tryImage(() => exp.mostConfusedPairs(args.confusion, args.threshold)),
  }),
});
