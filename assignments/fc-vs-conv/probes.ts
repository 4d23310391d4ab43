// Probes of fc-vs-conv: they run WHERE THE SUBMISSION RUNS (a sandboxed child when grading), call the
// student's exports and return data: models as exportModel data (rebuilt, counted, run and trained in the
// grader), the tiny classifier's loss and weights after the student's trainEpoch (replayed in the grader), the
// accuracy the student's testAccuracy reports (recomputed in the grader), the ITERATIONS claims as given. They
// give no verdicts and nothing they return is trusted: the suites under tests/ decide, in the grader.
import * as tf from '@tensorflow/tfjs';
import { buildModel, defineProbes, describeError, exportModel, loaderOf, withModels, type ModelData, type RawImages } from 'dlgrade/kit/probe';
import type { FcVsConv, SimpleMLPOptions } from './contract.ts';
import { seedConvNet, type SeedLayoutName } from './seed-layouts.ts';
import { makeOptimizer, tinyClassifier, tinyWeights, type OptimizerSpec } from './tiny-model.ts';

// ---------------------------------------------------------------------------------------------------------
// Probe results (the suites import these types)

/** What the student's function returned (any value: the suites check it) and the tiny model's weights after. */
export interface TinyRun {
  value: unknown;
  /** The tiny classifier's weights after the call (tinyWeights: kernel, gamma, beta, moving mean, moving variance, kernel, bias). */
  weights: Float32Array;
}

/** One ITERATIONS entry as the submission gave it; `model` when build() returned a model, else `error`. */
export interface IterationProbe {
  index: number;
  name: unknown;
  description: unknown;
  params: unknown;
  accuracy: unknown;
  model?: ModelData;
  error?: string;
}

/** A function's return value as data: a tensor becomes { tensorShape } (a common slip: returning the loss tensor). */
function returned(v: unknown): unknown {
  if (v instanceof tf.Tensor) return { tensorShape: [...v.shape] };
  return typeof v === 'object' && v !== null ? `(${v.constructor?.name ?? 'an object'})` : v;
}

/** At most this many iterations are read (and so measured). */
export const MAX_ITERATIONS = 4;

/** A field of a submission's object, read without letting a throwing getter or an odd type through. */
function field(o: unknown, key: string): unknown {
  try {
    const v = (o as Record<string, unknown> | null | undefined)?.[key];
    return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === undefined || v === null ? v : `(${typeof v})`;
  } catch (e) {
    return `(reading it threw ${describeError(e)})`;
  }
}

export const probes = defineProbes<FcVsConv>()({
  simpleMLP: (exp, args: { opts?: SimpleMLPOptions }) =>
    withModels((keep) => exportModel(keep(buildModel(`createSimpleMLP(${args.opts ? JSON.stringify(args.opts) : ''})`, () => exp.createSimpleMLP(args.opts))))),

  /** The student's trainEpoch on the tiny classifier: one epoch over `data` in order, with the given optimizer. */
  trainEpoch: (exp, args: { data: RawImages; batchSize: number; weights: Float32Array[]; optimizer: OptimizerSpec }) =>
    withModels(async (keep): Promise<TinyRun> => {
      const model = keep(tinyClassifier(args.weights));
      const optimizer = makeOptimizer(args.optimizer);
      try {
        const value = returned(await exp.trainEpoch(model, loaderOf(args.data, args.batchSize), optimizer));
        return { value, weights: tinyWeights(model) };
      } finally {
        optimizer.dispose();
      }
    }),

  /** The student's testAccuracy on the tiny classifier with the grader's weights, over `data` in order. */
  testAccuracy: (exp, args: { data: RawImages; batchSize: number; weights: Float32Array[] }) =>
    withModels(async (keep): Promise<TinyRun> => {
      const model = keep(tinyClassifier(args.weights));
      const value = returned(await exp.testAccuracy(model, loaderOf(args.data, args.batchSize)));
      return { value, weights: tinyWeights(model) };
    }),

  convNet: (exp, args: { numClasses?: number }) =>
    withModels((keep) => exportModel(keep(buildModel(`createConvNet(${args.numClasses ?? ''})`, () => exp.createConvNet(args.numClasses))))),

  block: (exp, args: { size: [number, number, number] }) =>
    withModels((keep) => exportModel(keep(buildModel(`createBottleneckResBlock(${args.size.join(', ')})`, () => exp.createBottleneckResBlock(...args.size))))),

  /** The seed's ConvNet `layout` assembled (harness code) around the student's createBottleneckResBlock. */
  seedConvNet: (exp, args: { layout: SeedLayoutName }) =>
    withModels((keep) => exportModel(keep(buildModel(`the seed's ${args.layout} ConvNet built with createBottleneckResBlock`, () => seedConvNet(exp.createBottleneckResBlock, args.layout))))),

  /** ITERATIONS as given, each build() exported (or its error), at most MAX_ITERATIONS. */
  iterations: (exp): { count: number; kind: string; entries: IterationProbe[] } => {
    const list: unknown = exp.ITERATIONS;
    if (!Array.isArray(list)) return { count: 0, kind: list === null ? 'null' : typeof list, entries: [] };
    const entries = list.slice(0, MAX_ITERATIONS).map((it: unknown, index): IterationProbe => {
      const entry: IterationProbe = { index, name: field(it, 'name'), description: field(it, 'description'), params: field(it, 'params'), accuracy: field(it, 'accuracy') };
      try {
        const build = (it as { build?: unknown } | null)?.build;
        if (typeof build !== 'function') return { ...entry, error: `build is ${build === null ? 'null' : typeof build}, not a function returning the model` };
        const model = buildModel(`ITERATIONS[${index}].build()`, () => (build as () => unknown).call(it));
        try {
          return { ...entry, model: exportModel(model) };
        } finally {
          model.dispose();
        }
      } catch (e) {
        return { ...entry, error: describeError(e) };
      }
    });
    return { count: list.length, kind: 'array', entries };
  },
});
