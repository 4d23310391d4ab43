// trainClassifier as the kit exports it: the harness's training loop (train.ts), remembered. Training a
// rebuilt model in the grader is a pure function of the architecture, the data, the budget and the engine, and
// in a class most correct submissions share their architecture (fixtures too), so the result and the trained
// weights are kept on disk under a key of exactly those (layer names aside, which do not change the numbers)
// and a second identical training is a file read. DLGRADE_TRAIN_CACHE=0 turns it off; DLGRADE_TRAIN_CACHE=<dir>
// moves it (default: <tmp>/dlgrade-cache-<uid>/train; a folder other users could write is not used, see
// data/private-cache.ts). Timed for DLGRADE_TIMINGS.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '../data/dataset.ts';
import { defaultCacheRoot, privateCacheDir } from '../data/private-cache.ts';
import { engineInfo } from '../engine/backend.ts';
import { engineNumerics } from '../engine/numerics-version.ts';
import { testTimeLeftMs } from '../runner/context.ts';
import { timed } from './timings.ts';
import { trainClassifier as train, type TrainBudget, type TrainOptions, type TrainResult } from './train.ts';

export type { TrainBudget, TrainOptions, TrainResult };

/** Bumped when train.ts changes what it computes. */
const CACHE_VERSION = 2;
/** Larger models are trained every time (their weights would make the cache big). */
const MAX_CACHED_VALUES = 5_000_000;

function cacheDir(): string | undefined {
  const v = process.env.DLGRADE_TRAIN_CACHE;
  if (v === '0') return undefined;
  return privateCacheDir(v && v !== '1' ? v : path.join(defaultCacheRoot(), 'train'));
}

/** The topology without names (a student's layer names do not change the training). */
function canonical(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(canonical);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node as Record<string, unknown>).filter(([k]) => k !== 'name').map(([k, v]) => [k, canonical(v)]));
}

function fingerprint(ds: ImageDataset): string {
  return createHash('sha256').update(new Uint8Array(ds.images.buffer, ds.images.byteOffset, ds.images.byteLength)).update(new Uint8Array(ds.labels.buffer, ds.labels.byteOffset, ds.labels.byteLength)).digest('hex');
}

function keyOf(model: tf.LayersModel, trainSet: ImageDataset, test: ImageDataset, budget: TrainBudget, { maxMs: _, ...options }: TrainOptions): string {
  const topology = canonical(tf.LayersModel.prototype.toJSON.call(model, undefined, false));
  return createHash('sha256')
    .update(JSON.stringify({ v: CACHE_VERSION, engine: engineInfo().label, numerics: engineNumerics(), topology, budget, options, train: fingerprint(trainSet), test: fingerprint(test) }))
    .digest('hex');
}

interface Stored {
  epochLoss: number[];
  predictions: number[];
  path: TrainResult['path'];
  shapes: number[][];
}

/** What train.ts returns, and whether it came from the cache. */
export type CachedTrainResult = TrainResult & { cached?: boolean };

export function trainClassifier(model: tf.LayersModel, trainSet: ImageDataset, test: ImageDataset, budget: TrainBudget, given: TrainOptions = {}): CachedTrainResult {
  // Within a graded test, training stops (a GradingFailure) when the test's time runs out.
  const left = given.maxMs ?? testTimeLeftMs();
  const options: TrainOptions = left === undefined ? given : { ...given, maxMs: left };
  return timed('train', `${model.name} on ${trainSet.name}`, () => {
    const dir = cacheDir();
    const values = model.weights.reduce((n, w) => n + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0);
    if (!dir || values > MAX_CACHED_VALUES) return train(model, trainSet, test, budget, options);
    const key = keyOf(model, trainSet, test, budget, options);
    const meta = path.join(dir, `${key}.json`);
    const bin = path.join(dir, `${key}.bin`);
    if (existsSync(meta) && existsSync(bin)) {
      try {
        const t0 = performance.now();
        const stored = JSON.parse(readFileSync(meta, 'utf8')) as Stored;
        const raw = readFileSync(bin);
        const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
        let at = 0;
        tf.tidy(() =>
          model.setWeights(
            stored.shapes.map((shape) => {
              const size = shape.reduce((p, d) => p * d, 1);
              const t = tf.tensor(all.slice(at, at + size), shape);
              at += size;
              return t;
            }),
          ),
        );
        return { epochLoss: stored.epochLoss, predictions: Int32Array.from(stored.predictions), ms: performance.now() - t0, path: stored.path, cached: true };
      } catch {
        // unreadable or from another layout: train again and overwrite
      }
    }
    const result = train(model, trainSet, test, budget, options);
    try {
      const weights = model.getWeights();
      const stored: Stored = { epochLoss: result.epochLoss, predictions: Array.from(result.predictions), path: result.path, shapes: weights.map((w) => [...w.shape]) };
      const flat = new Float32Array(weights.reduce((n, w) => n + w.size, 0));
      let at = 0;
      for (const w of weights) {
        flat.set(w.dataSync() as Float32Array, at);
        at += w.size;
      }
      // Written under temporary names first: two workers training the same model never see half a file.
      const tmp = `.${process.pid}-${Date.now()}`;
      writeFileSync(bin + tmp, new Uint8Array(flat.buffer));
      writeFileSync(meta + tmp, JSON.stringify(stored));
      renameSync(bin + tmp, bin);
      renameSync(meta + tmp, meta);
    } catch {
      // a cache that cannot be written only costs time
    }
    return result;
  });
}
