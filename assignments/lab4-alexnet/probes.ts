// Probes of lab4-alexnet: they run WHERE THE SUBMISSION RUNS (the sandbox when grading), call its exports and
// return plain data: models as exportModel data, function outputs, histories, weights after training. No
// verdicts: the suites decide in the grader, from models they rebuild and figures they recompute. The harness
// pieces handed to the submission (the small check models, the StepLR of E.3) are in tiny-models.ts.
import * as tf from '@tensorflow/tfjs';
import { AdaptiveAvgPool2d, LocalResponseNorm } from 'dlgrade/layers';
import { buildModel, defineProbes, exportModel, initLikeTorch, loaderOf, withModels, type ModelData, type RawImages } from 'dlgrade/kit/probe';
import type { AlexNetOptions, ClassificationReport, EpochResult, History, Lab4AlexNet, LrnParams, ModelOptions, ModelRun, OptimizerOptions, SummaryRow } from './contract.ts';
import { evalCheckModel, EVAL_IMAGE, GraderSgd, GraderStepLR, TRAIN_IMAGE, trainCheckModel } from './tiny-models.ts';

/** Calls `f` and counts how often the given layer classes compute meanwhile (a function that only wraps the ready-made layer). */
function countingLayerCalls<R>(classes: { prototype: { call: (...a: never[]) => unknown } }[], f: () => R): { result: R; layerCalls: number } {
  let layerCalls = 0;
  const saved = classes.map((c) => c.prototype.call);
  classes.forEach((c, i) => {
    c.prototype.call = function (this: unknown, ...a: never[]) {
      layerCalls++;
      return saved[i]!.apply(this, a);
    };
  });
  try {
    return { result: f(), layerCalls };
  } finally {
    classes.forEach((c, i) => (c.prototype.call = saved[i]!));
  }
}

/** A tensor's values and shape as plain data (the tensor is disposed); `what` names the function in the error otherwise. */
function plain(t: unknown, what: string): { values: Float32Array; shape: number[] } {
  if (!(t instanceof tf.Tensor)) throw new Error(`${what} returned ${describeValue(t)}, not a tf.Tensor`);
  try {
    return { values: Float32Array.from(t.dataSync()), shape: [...t.shape] };
  } finally {
    t.dispose();
  }
}

const allWeights = (m: tf.LayersModel) => m.weights.map((w) => Float32Array.from(w.read().dataSync()));

const describeValue = (v: unknown) => (v === null ? 'null' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'an object') : typeof v);

/** getOptimizerScheduler(opts), checked to hold an optimizer and a scheduler (so a wrong shape fails with a clear message). */
function optimizerAndScheduler(exp: Lab4AlexNet, opts: OptimizerOptions) {
  const r = exp.getOptimizerScheduler(opts);
  if (!(r?.optimizer instanceof tf.Optimizer)) throw new Error(`getOptimizerScheduler(...).optimizer is ${describeValue(r?.optimizer)}, not a tf.Optimizer`);
  if (typeof r.scheduler?.step !== 'function' || typeof r.scheduler?.getLastLr !== 'function') throw new Error(`getOptimizerScheduler(...).scheduler is ${describeValue(r?.scheduler)}, without step() and getLastLr()`);
  return r;
}

export interface SgdArgs {
  opts: OptimizerOptions;
  w0: number[][];
  grads: number[][][];
  /** Learning rate set on optimizer.learningRate before each step (null: leave it). */
  lrs: (number | null)[];
}

export interface TrainEpochArgs {
  classes: number;
  seed: number;
  data: RawImages;
  batchSize: number;
  sgd: { lr: number; momentum: number; weightDecay: number };
}

export interface TrainModelArgs extends TrainEpochArgs {
  test: RawImages;
  schedule: { stepSize: number; gamma: number; epochs: number };
}

export interface EvalArgs {
  classes: number;
  weights: Float32Array[];
  data: RawImages;
  batchSize: number;
}

export const probes = defineProbes<Lab4AlexNet>()({
  // ---- A, B.3, C: models as data (rebuilt and checked in the grader) --------------------------------------
  baselineModel: (exp, args: { opts?: ModelOptions }) => withModels((keep) => exportModel(keep(buildModel('createBaselineNN', () => exp.createBaselineNN(args.opts))))),
  alexnetModel: (exp, args: { opts?: AlexNetOptions }) => withModels((keep) => exportModel(keep(buildModel('createAlexNet', () => exp.createAlexNet(args.opts))))),
  tinyvggModel: (exp, args: { opts?: ModelOptions }) => withModels((keep) => exportModel(keep(buildModel('createTinyVGG', () => exp.createTinyVGG(args.opts))))),

  // ---- B.1, B.2: functions on data ---------------------------------------------------------------------
  lrn: (exp, args: { x: Float32Array; shape: [number, number, number, number]; p: LrnParams }) => {
    const { result, layerCalls } = countingLayerCalls([LocalResponseNorm], () => tf.tidy(() => exp.localResponseNorm(tf.tensor4d(args.x, args.shape), args.p)));
    return { ...plain(result, 'localResponseNorm'), layerCalls };
  },
  pool: (exp, args: { x: Float32Array; shape: [number, number, number, number]; outputSize: [number, number] }) => {
    const { result, layerCalls } = countingLayerCalls([AdaptiveAvgPool2d], () => tf.tidy(() => exp.adaptiveAvgPool2d(tf.tensor4d(args.x, args.shape), args.outputSize)));
    return { ...plain(result, 'adaptiveAvgPool2d'), layerCalls };
  },

  // ---- D: optimizer and scheduler ----------------------------------------------------------------------
  /** getOptimizerScheduler(opts).optimizer applied to fresh variables: the weights after every step. */
  sgdSteps: (exp, args: SgdArgs) => {
    const { optimizer } = optimizerAndScheduler(exp, args.opts);
    const vars = args.w0.map((w) => tf.variable(tf.tensor1d(w)));
    try {
      const steps = args.grads.map((g, t) => {
        const lr = args.lrs[t];
        if (lr !== null && lr !== undefined) optimizer.learningRate = lr;
        tf.tidy(() => optimizer.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor1d(g[i]!)]))));
        return vars.map((v) => Array.from(v.dataSync()));
      });
      return { steps, optimizer: optimizer.getClassName(), learningRate: optimizer.learningRate, momentum: optimizer.momentum, weightDecay: optimizer.weightDecay };
    } finally {
      tf.dispose(vars);
      optimizer.dispose();
    }
  },
  /** The learning rate during each of `epochs` epochs (read before the epoch) and getLastLr() after each step(). */
  stepLr: (exp, args: { opts: OptimizerOptions; epochs: number }) => {
    const { optimizer, scheduler } = optimizerAndScheduler(exp, args.opts);
    try {
      const lrs: number[] = [];
      const lastLrs: number[] = [];
      for (let e = 0; e < args.epochs; e++) {
        lrs.push(optimizer.learningRate);
        scheduler.step();
        lastLrs.push(scheduler.getLastLr());
      }
      return { lrs, lastLrs, scheduler: scheduler instanceof GraderStepLR ? 'the grader’s GraderStepLR' : (scheduler?.constructor?.name ?? typeof scheduler) };
    } finally {
      optimizer.dispose();
    }
  },

  // ---- E: training and evaluation functions --------------------------------------------------------------
  /** trainOneEpoch on the harness's check model (seeded weights) with the harness's PyTorch SGD. */
  trainOneEpoch: (exp, args: TrainEpochArgs) =>
    withModels(async (keep) => {
      const model = keep(trainCheckModel(args.classes, args.seed));
      const optimizer = new GraderSgd(args.sgd.lr, args.sgd.momentum, args.sgd.weightDecay);
      try {
        const r: EpochResult = await exp.trainOneEpoch(model, loaderOf(args.data, args.batchSize), optimizer);
        return { loss: r?.loss, accuracy: r?.accuracy, weights: allWeights(model) };
      } finally {
        optimizer.dispose();
      }
    }),
  /** evaluate twice on the fixed evaluation model: both answers, and whether the model's weights moved. */
  evaluate: (exp, args: EvalArgs) =>
    withModels(async (keep) => {
      const model = keep(evalCheckModel(args.classes, args.weights));
      const before = allWeights(model);
      const first: EpochResult = await exp.evaluate(model, loaderOf(args.data, args.batchSize));
      const second: EpochResult = await exp.evaluate(model, loaderOf(args.data, args.batchSize));
      const after = allWeights(model);
      const moved = after.some((w, i) => w.some((v, j) => v !== before[i]![j]));
      return { first: { loss: first?.loss, accuracy: first?.accuracy }, second: { loss: second?.loss, accuracy: second?.accuracy }, moved };
    }),
  /** trainModel on the check model with the harness's SGD and StepLR; the history, the final weights, when step() ran. */
  trainModel: (exp, args: TrainModelArgs) =>
    withModels(async (keep) => {
      const model = keep(trainCheckModel(args.classes, args.seed));
      const optimizer = new GraderSgd(args.sgd.lr, args.sgd.momentum, args.sgd.weightDecay);
      const scheduler = new GraderStepLR(optimizer, args.schedule.stepSize, args.schedule.gamma);
      const t0 = performance.now();
      try {
        const h: History = await exp.trainModel(model, loaderOf(args.data, args.batchSize), loaderOf(args.test, args.batchSize), optimizer, scheduler, args.schedule.epochs, 'check model', { verbose: false });
        const wallSeconds = (performance.now() - t0) / 1000;
        return { history: plainHistory(h), weights: allWeights(model), schedulerCalls: [...scheduler.calls], wallSeconds };
      } finally {
        optimizer.dispose();
      }
    }),
  predictions: (exp, args: EvalArgs) =>
    withModels(async (keep) => {
      const model = keep(evalCheckModel(args.classes, args.weights));
      const r = await exp.getPredictions(model, loaderOf(args.data, args.batchSize));
      return { preds: Array.from(r?.preds ?? []), labels: Array.from(r?.labels ?? []) };
    }),

  // ---- G, H: metrics on data -------------------------------------------------------------------------------
  confusion: (exp, args: { labels: number[]; preds: number[]; numClasses: number }) => exp.confusionMatrix(args.labels, args.preds, args.numClasses),
  normalize: (exp, args: { cm: number[][] }) => exp.normalizeConfusionMatrix(args.cm),
  report: (exp, args: { labels: number[]; preds: number[]; classNames: string[] }): ClassificationReport => structuredClone(exp.classificationReport(args.labels, args.preds, args.classNames)),
  reportText: (exp, args: { report: ClassificationReport; digits?: number }) => exp.formatClassificationReport(args.report, args.digits),
  f1: (exp, args: { labels: number[]; preds: number[]; numClasses: number }) => structuredClone(exp.f1Scores(args.labels, args.preds, args.numClasses)),
  /** modelSizeMb of the harness's check models (one with part of its layers frozen). */
  modelSize: (exp, args: { classes: number; seed: number; freeze: string[] }) =>
    withModels((keep) => {
      const model = keep(trainCheckModel(args.classes, args.seed));
      for (const l of model.layers) if (args.freeze.includes(l.name)) l.trainable = false;
      return exp.modelSizeMb(model);
    }),
  summary: (exp, args: { runs: ModelRun[] }): SummaryRow[] => structuredClone(exp.summarizeResults(args.runs)),

  // ---- F: the student's own loop, optimizer and scheduler, end to end ---------------------------------------
  /** trainModel with getOptimizerScheduler on createBaselineNN (initialised like PyTorch from `seed`); the trained model as data. */
  trainLoop: (exp, args: { train: RawImages; val: RawImages; batchSize: number; epochs: number; opts: OptimizerOptions; numClasses: number; seed: number }) =>
    withModels(async (keep) => {
      const model = keep(buildModel('createBaselineNN', () => exp.createBaselineNN({ numClasses: args.numClasses })));
      initLikeTorch(model, args.seed);
      const { optimizer, scheduler } = optimizerAndScheduler(exp, args.opts);
      try {
        const h = await exp.trainModel(model, loaderOf(args.train, args.batchSize, args.seed), loaderOf(args.val, 256), optimizer, scheduler, args.epochs, 'BaselineNN', { verbose: false });
        const data: ModelData = exportModel(model, { weights: true });
        return { model: data, history: plainHistory(h) };
      } finally {
        optimizer.dispose();
      }
    }),
});

function plainHistory(h: History | undefined): History {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(Number) : []);
  return { trainLoss: list(h?.trainLoss), trainAcc: list(h?.trainAcc), testLoss: list(h?.testLoss), testAcc: list(h?.testAcc), trainingTime: Number(h?.trainingTime) };
}

export { EVAL_IMAGE, TRAIN_IMAGE };
