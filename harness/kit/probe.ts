// `dlgrade/kit/probe`: what an assignment's probes.ts uses. Probes run WHERE THE SUBMISSION RUNS (the sandbox
// when grading): they call its exports and return plain data, never verdicts; models leave as exportModel data.
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Probe } from '../runner/submission.ts';
import { makeRng } from '../engine/seed.ts';
import type { RawImages } from './raw-images.ts';
import './layers.ts';

export { exportModel, type ModelData, type WeightData } from './model-data.ts';
export { blobs, batchSizes, randomImages, uniformValues, type ImageSpec } from './inputs.ts';
export type { RawImages } from './raw-images.ts';
export { initLikeTorch } from '../engine/torch-init.ts';
export { TorchAdam } from '../engine/optimizers/torch-adam.ts';
export { TorchSgd } from '../engine/optimizers/torch-sgd.ts';
export { makeRng } from '../engine/seed.ts';
export type { Probe } from '../runner/submission.ts';

/**
 * Types a probe table against a contract: `exp` is the submission's exports as the contract says (reading a
 * missing export still fails the call with 'missing-export', naming it).
 */
export function defineProbes<C>() {
  return <P extends Record<string, (exp: C, args: never) => unknown>>(probes: P): P & Record<string, Probe> => probes as P & Record<string, Probe>;
}

/** Runs `build` (the submission's code) and checks it returned a tf.LayersModel; the message names `what`. */
export function buildModel(what: string, build: () => unknown): tf.LayersModel {
  const value = build();
  if (!(value instanceof tf.LayersModel)) {
    const kind = value === null ? 'null' : typeof value === 'object' ? ((value as object).constructor?.name ?? 'an object') : typeof value;
    throw new Error(`${what} returned ${kind}, not a tf.LayersModel (tf.sequential() or tf.model())`);
  }
  return value;
}

/** Runs `f` and disposes every model it registers with keep(), even when it throws. */
export async function withModels<R>(f: (keep: <M extends tf.LayersModel>(m: M) => M) => Promise<R> | R): Promise<R> {
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

/** All the given tensors' values, concatenated (a model's weights as one array). */
export function flatWeights(ts: readonly tf.Tensor[]): Float32Array {
  const out = new Float32Array(ts.reduce((n, t) => n + t.size, 0));
  let at = 0;
  for (const t of ts) {
    out.set(t.dataSync(), at);
    at += t.size;
  }
  return out;
}

/** Every batch of a DataLoader-like dataset ({ xs, ys } batches), as data: sizes, values, labels, item shape. */
export async function collectLoader(loader: tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>): Promise<{ batchSizes: number[]; xs: Float32Array; ys: Int32Array; shape: number[] }> {
  const xs: Float32Array[] = [];
  const ys: number[] = [];
  const batchSizes: number[] = [];
  let shape: number[] = [];
  // Read inside the callback: a loader may dispose its batches once the callback returns.
  await loader.forEachAsync(({ xs: x, ys: y }) => {
    xs.push(Float32Array.from(x.dataSync()));
    ys.push(...y.dataSync());
    batchSizes.push(x.shape[0]!);
    shape = x.shape.slice(1);
    tf.dispose([x, y]);
  });
  const all = new Float32Array(xs.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of xs) {
    all.set(a, at);
    at += a.length;
  }
  return { batchSizes, xs: all, ys: Int32Array.from(ys), shape };
}

/**
 * Writes `values` (one array per spec, float32) as a tfjs weights manifest (model-weights.json + weights.bin)
 * in `dir`; returns the manifest's path. For exercises that load weights from a file.
 */
export function writeWeightsManifest(dir: string, specs: { name: string; shape: number[] }[], values: Float32Array[]): string {
  const bin = new Float32Array(values.reduce((n, v) => n + v.length, 0));
  let at = 0;
  for (const v of values) {
    bin.set(v, at);
    at += v.length;
  }
  writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(bin.buffer));
  const manifest = path.join(dir, 'model-weights.json');
  writeFileSync(manifest, JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: specs.map((s) => ({ ...s, dtype: 'float32' })) }] }));
  return manifest;
}

/**
 * What contracts call a DataLoader: a tf.data.Dataset of { xs [B,H,W,C] float32, ys [B] int32 } batches over
 * raw images, reshuffled every epoch (every iteration) from `shuffleSeed` when given.
 */
export function loaderOf(raw: RawImages, batchSize: number, shuffleSeed?: number | string): tf.data.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor1D }> {
  const per = raw.height * raw.width * raw.channels;
  let epoch = 0;
  return tf.data.generator(function* () {
    const order = Int32Array.from({ length: raw.n }, (_, i) => i);
    if (shuffleSeed !== undefined) shuffleInPlace(order, `loader:${shuffleSeed}:${epoch++}`);
    for (let s = 0; s < raw.n; s += batchSize) {
      const ids = order.subarray(s, Math.min(raw.n, s + batchSize));
      const xs = new Float32Array(ids.length * per);
      const ys = new Int32Array(ids.length);
      ids.forEach((j, b) => {
        xs.set(raw.images.subarray(j * per, (j + 1) * per), b * per);
        ys[b] = raw.labels[j]!;
      });
      yield { xs: tf.tensor4d(xs, [ids.length, raw.height, raw.width, raw.channels]), ys: tf.tensor1d(ys, 'int32') };
    }
  });
}

/** The order loaderOf(raw, _, seed) visits in its epoch `epoch` (0-based), so the grader can replay it. */
export function loaderOrder(n: number, shuffleSeed: number | string, epoch: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, `loader:${shuffleSeed}:${epoch}`);
  return order;
}

function shuffleInPlace(order: Int32Array, seed: string): void {
  const rng = makeRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
}

/** "Error: message (at file.ts:12)": the message and the first frame outside node_modules and the harness. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const frame = (e.stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(l.trim()))
    .find((m) => m && !m[1]!.includes('node_modules') && !m[1]!.includes('/harness/') && !m[1]!.includes('probes'));
  return `${e.name}: ${e.message}${frame ? ` (at ${path.basename(frame[1]!)}:${frame[2]})` : ''}`;
}
