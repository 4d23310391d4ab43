// The grader's training cache: the same architecture (whatever its layer names), data and budget give back
// the stored result and weights, identical to training; anything else trains; DLGRADE_TRAIN_CACHE=0 never caches.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { syntheticImages } from '../data/synthetic.ts';
import { initEngine } from '../engine/backend.ts';
import { trainClassifier } from './train-cache.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-train-cache-'));
beforeAll(async () => {
  await initEngine('cpu');
  process.env.DLGRADE_TRAIN_CACHE = dir;
});
afterAll(() => {
  delete process.env.DLGRADE_TRAIN_CACHE;
  rmSync(dir, { recursive: true, force: true });
});

const net = (prefix: string) => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [32, 32, 3], name: `${prefix}_flat` }), tf.layers.dense({ units: 12, activation: 'relu', name: `${prefix}_h` }), tf.layers.dense({ units: 10, name: `${prefix}_out` })] });
const train = syntheticImages({ n: 64, seed: 3 });
const held = syntheticImages({ n: 32, seed: 4 });
const budget = { epochs: 2, batchSize: 16, lr: 1e-3, seed: 9 };

test('a second identical training comes from the cache with the same result and weights, whatever the layer names', () => {
  const a = net('a');
  const first = trainClassifier(a, train, held, budget);
  expect(first.cached).toBeUndefined();
  const b = net('b');
  const second = trainClassifier(b, train, held, budget);
  expect(second.cached).toBe(true);
  expect([second.epochLoss, Array.from(second.predictions)]).toEqual([first.epochLoss, Array.from(first.predictions)]);
  const flat = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
  expect(flat(b)).toEqual(flat(a));
  a.dispose();
  b.dispose();
});

test('another budget or architecture trains; DLGRADE_TRAIN_CACHE=0 never caches', () => {
  const m = net('c');
  expect(trainClassifier(m, train, held, { ...budget, lr: 2e-3 }).cached).toBeUndefined();
  const wider = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [32, 32, 3] }), tf.layers.dense({ units: 13, activation: 'relu' }), tf.layers.dense({ units: 10 })] });
  expect(trainClassifier(wider, train, held, budget).cached).toBeUndefined();
  process.env.DLGRADE_TRAIN_CACHE = '0';
  try {
    expect(trainClassifier(net('d'), train, held, budget).cached).toBeUndefined();
  } finally {
    process.env.DLGRADE_TRAIN_CACHE = dir;
  }
  m.dispose();
  wider.dispose();
});
