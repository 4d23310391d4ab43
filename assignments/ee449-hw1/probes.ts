// Probes of EE449 HW1: they run WHERE THE SUBMISSION RUNS (a sandboxed child when grading), call the student's
// exports on the inputs the grader sends and return data: outputs and weights of the from-scratch MLP, conv2d
// outputs, models as exportModel data (rebuilt and checked in the grader), the curves the student's recorders
// record on harness models and the grader's images (replayed in the grader). They give no verdicts, and
// nothing they return is trusted: the suites under tests/ decide, in the grader.
import * as tf from '@tensorflow/tfjs';
import { buildModel, defineProbes, describeError, exportModel, initLikeTorch, loaderOf, withModels, type RawImages } from 'dlgrade/kit/probe';
import type { HiddenActivation } from './architectures.ts';
import { recorderModel, type RecorderModelKind } from './harness-models.ts';
import type { ActivationName, ArchName, Ee449Hw1, ImageData, LrSchedule, Matrix, PlateauOptions, RecordOptions, Tensor4, XorOptions } from './contract.ts';

export interface MlpWeightsData {
  W1: Matrix;
  b1: Matrix;
  W2: Matrix;
  b2: Matrix;
}

/** A value or the error the student's code threw computing it (per item, so one failure does not hide the rest). */
export type Outcome<T> = { value: T } | { error: string };

function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof Error && e.name === 'MissingExportError') throw e;
    return { error: describeError(e) };
  }
}

/** Plain copies: the grader's matrices must not be shared with (and mutated by) the student's object. */
const copy = (m: Matrix): Matrix => m.map((r) => [...r]);
/** What the student's object holds, as plain numbers (whatever array type it uses). */
const plain = (m: unknown): Matrix => (Array.isArray(m) ? m.map((r) => (r && typeof (r as ArrayLike<number>).length === 'number' ? Array.from(r as ArrayLike<number>, Number) : [])) : []);

type MlpInstance = InstanceType<Ee449Hw1['MLP']>;

function mlpWith(exp: Ee449Hw1, act: ActivationName, w: MlpWeightsData): MlpInstance {
  const m = new exp.MLP(w.W1.length, w.W1[0].length, w.W2[0].length, act);
  m.weightsInputHidden = copy(w.W1);
  m.biasHidden = copy(w.b1);
  m.weightsHiddenOutput = copy(w.W2);
  m.biasOutput = copy(w.b2);
  return m;
}

const weightsOf = (m: MlpInstance): MlpWeightsData => ({ W1: plain(m.weightsInputHidden), b1: plain(m.biasHidden), W2: plain(m.weightsHiddenOutput), b2: plain(m.biasOutput) });

/** A harness model (harness-models.ts) with PyTorch-style weights from `seed`. */
function harnessModel(kind: RecorderModelKind, activation: HiddenActivation, seed: number): tf.LayersModel {
  const m = recorderModel(kind, activation);
  initLikeTorch(m, seed);
  return m;
}

function imageData(d: { train: RawImages; val: RawImages; test: RawImages }, shuffleSeed: number): ImageData {
  return { train: loaderOf(d.train, 50, shuffleSeed), val: loaderOf(d.val, 50), test: loaderOf(d.test, 50) };
}

/** A schedule the grader scripts: it returns the given learning rates and records what it was told. */
class ScriptedSchedule implements LrSchedule {
  readonly told: number[] = [];
  private next = 0;
  constructor(private readonly lrs: number[]) {}
  get lr(): number {
    return this.lrs[Math.min(this.next, this.lrs.length - 1)];
  }
  step(valAcc: number): number {
    this.told.push(valAcc);
    this.next++;
    return this.lr;
  }
}

/** The record's arrays as plain numbers (whatever the submission returned them as). */
function plainRecord(r: unknown): Record<string, unknown> {
  if (!r || typeof r !== 'object') return { returned: r === null ? 'null' : typeof r };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r as Record<string, unknown>)) {
    if (Array.isArray(v) || ArrayBuffer.isView(v)) out[k] = Array.from(v as ArrayLike<number>, Number);
    else if (v && typeof v === 'object') out[k] = plainRecord(v);
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

export const probes = defineProbes<Ee449Hw1>()({
  // ---- 1: the MLP from scratch -------------------------------------------------------------------------
  /** Each activation function and derivative at the points xs. */
  activations: (exp, args: { xs: number[] }) => {
    const names = ['sigmoid', 'sigmoidDerivative', 'tanh', 'tanhDerivative', 'relu', 'reluDerivative'] as const;
    return Object.fromEntries(names.map((n) => [n, attempt(() => args.xs.map((x) => Number(exp[n](x))))]));
  },

  /** forward(x) with the given weights, and meanSquaredError(output, y). */
  mlpForward: (exp, args: { act: ActivationName; w: MlpWeightsData; x: Matrix; y: Matrix }) => {
    const output = attempt(() => plain(mlpWith(exp, args.act, args.w).forward(copy(args.x))));
    const loss = 'value' in output ? attempt(() => Number(exp.meanSquaredError(output.value, copy(args.y)))) : output;
    return { output, loss };
  },

  /** The constructor: shapes, and the weights drawn from the randn it is given (1, 2, 3, ... in order). */
  mlpInit: (exp, args: { sizes: [number, number, number]; act: ActivationName }) => {
    let k = 0;
    const m = new exp.MLP(args.sizes[0], args.sizes[1], args.sizes[2], args.act, () => ++k);
    return weightsOf(m);
  },

  /** One forward + backward(x, y, lr) from the given weights; the weights after it. */
  mlpStep: (exp, args: { act: ActivationName; w: MlpWeightsData; x: Matrix; y: Matrix; lr: number }) => {
    const m = mlpWith(exp, args.act, args.w);
    m.forward(copy(args.x));
    m.backward(copy(args.x), copy(args.y), args.lr);
    return weightsOf(m);
  },

  /** forward(x) for each of the given weight sets (the grader's finite differences). */
  mlpForwardMany: (exp, args: { act: ActivationName; ws: MlpWeightsData[]; x: Matrix }) => args.ws.map((w) => plain(mlpWith(exp, args.act, w).forward(copy(args.x)))),

  /** The seed's part1_2.py loop on the grader's data: forward, backward, `epochs` times; the weights, and the loss every `every` epochs. */
  xorTrain: (exp, args: { runs: { act: ActivationName; w: MlpWeightsData }[]; x: Matrix; y: Matrix; lr: number; epochs: number; every: number }) =>
    args.runs.map((run) =>
      attempt(() => {
        const m = mlpWith(exp, run.act, run.w);
        const losses: number[] = [];
        for (let e = 0; e < args.epochs; e++) {
          const out = m.forward(args.x);
          if (e % args.every === 0) losses.push(Number(exp.meanSquaredError(out, args.y)));
          m.backward(args.x, args.y, args.lr);
        }
        return { weights: weightsOf(m), losses };
      }),
    ),

  /** createXorDataset for each option set, as plain numbers. */
  xorData: (exp, args: { opts: (XorOptions | undefined)[] }) =>
    args.opts.map((o) =>
      attempt(() => {
        const d = exp.createXorDataset(o);
        return { xTrain: plain(d.xTrain), yTrain: plain(d.yTrain), xVal: plain(d.xVal), yVal: plain(d.yVal) };
      }),
    ),

  // ---- 2: conv2d from scratch -----------------------------------------------------------------------------
  convOutputSize: (exp, args: { cases: [number, number, number, number][] }) => args.cases.map(([n, f, p, s]) => attempt(() => Number(exp.convOutputSize(n, f, p, s)))),

  /** myConv2d on each case. */
  conv2d: (exp, args: { cases: { input: Tensor4; kernel: Tensor4 }[] }) => args.cases.map((c) => attempt(() => exp.myConv2d(c.input, c.kernel))),

  // ---- 3, 4: models leave as data ------------------------------------------------------------------------
  model: (exp, args: { arch: ArchName; activation?: HiddenActivation }) =>
    withModels((keep) => exportModel(keep(buildModel(`createModel('${args.arch}'${args.activation ? `, '${args.activation}'` : ''})`, () => exp.createModel(args.arch, args.activation))))),

  // ---- 3, 5: the student's recorder on a harness model and the grader's images ---------------------------
  trainAndRecord: (exp, args: { kind: RecorderModelKind; activation: HiddenActivation; seed: number; data: { train: RawImages; val: RawImages; test: RawImages }; opts: RecordOptions }) =>
    withModels(async (keep) => plainRecord(await exp.trainAndRecord(keep(harnessModel(args.kind, args.activation, args.seed)), imageData(args.data, args.seed), args.opts))),

  // ---- 4 ------------------------------------------------------------------------------------------------
  gradNorm: (exp, args: { kind: RecorderModelKind; activation: HiddenActivation; seed: number; batch: RawImages }) =>
    withModels((keep) => {
      const model = keep(harnessModel(args.kind, args.activation, args.seed));
      const { images, labels, n, height, width, channels } = args.batch;
      const xs = tf.tensor4d(images, [n, height, width, channels]);
      const ys = tf.tensor1d(labels, 'int32');
      try {
        return Number(exp.firstLayerGradientNorm(model, xs, ys));
      } finally {
        tf.dispose([xs, ys]);
      }
    }),

  trainAndRecordGradients: (exp, args: { kind: RecorderModelKind; activation: HiddenActivation; seed: number; train: RawImages; lr: number; epochs: number }) =>
    withModels(async (keep) => plainRecord(await exp.trainAndRecordGradients(keep(harnessModel(args.kind, args.activation, args.seed)), loaderOf(args.train, 50, args.seed), { lr: args.lr, epochs: args.epochs }))),

  // ---- 5 ------------------------------------------------------------------------------------------------
  /** PlateauSchedule on each scripted sequence: what step() returns, and its lr before the first step. */
  plateau: (exp, args: { cases: { opts?: PlateauOptions; accs: number[] }[] }) =>
    args.cases.map((c) =>
      attempt(() => {
        const s = c.opts ? new exp.PlateauSchedule(c.opts) : new exp.PlateauSchedule();
        const initial = Number(s.lr);
        return { initial, lrs: c.accs.map((a) => Number(s.step(a))) };
      }),
    ),

  /** trainScheduled with a schedule the grader scripts (its learning rates), on a harness model. */
  trainScheduled: (exp, args: { kind: RecorderModelKind; activation: HiddenActivation; seed: number; data: { train: RawImages; val: RawImages; test: RawImages }; epochs: number; lrs: number[] }) =>
    withModels(async (keep) => {
      const schedule = new ScriptedSchedule(args.lrs);
      const record = plainRecord(await exp.trainScheduled(keep(harnessModel(args.kind, args.activation, args.seed)), imageData(args.data, args.seed), { epochs: args.epochs, schedule }));
      return { record, told: schedule.told };
    }),
});
