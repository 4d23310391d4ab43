import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/backend.ts';
import { makeDataset } from './dataset.ts';
import { DataError } from './errors.ts';
import { BatchLoader } from './loader.ts';

// 10 images of 2x2x1 whose pixels all equal the image index / 10, labels index % 3: a batch's content
// tells which images it holds.
const ds = makeDataset({
  name: 'ten',
  height: 2,
  width: 2,
  channels: 1,
  images: Float32Array.from({ length: 40 }, (_, i) => Math.floor(i / 4) / 10),
  labels: Int32Array.from({ length: 10 }, (_, i) => i % 3),
  classNames: ['a', 'b', 'c'],
});

beforeAll(async () => {
  await initEngine('cpu');
});

function epochIndices(l: BatchLoader, e?: number): number[][] {
  const out: number[][] = [];
  for (const b of l.epoch(e)) out.push(Array.from(b.indices));
  return out;
}

describe('BatchLoader', () => {
  it('without shuffle: dataset order, a smaller last batch unless dropLast', () => {
    const l = new BatchLoader(ds, { batchSize: 4 });
    expect(l.length).toBe(3);
    expect(epochIndices(l)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const d = new BatchLoader(ds, { batchSize: 4, dropLast: true });
    expect(d.length).toBe(2);
    expect(epochIndices(d).flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('yields xs [b,h,w,c] float32 and ys int32 matching the images held', () => {
    const l = new BatchLoader(ds, { batchSize: 4, shuffle: true, seed: 1 });
    for (const { xs, ys, indices } of l.epoch()) {
      expect(xs.shape).toEqual([indices.length, 2, 2, 1]);
      expect(xs.dtype).toBe('float32');
      expect(ys.dtype).toBe('int32');
      const x = xs.dataSync();
      const y = ys.dataSync();
      indices.forEach((j, i) => {
        expect(x[i * 4 + 3]).toBeCloseTo(j / 10, 6);
        expect(y[i]).toBe(j % 3);
      });
    }
  });

  it('shuffles into a new order each epoch, the same orders for the same seed, covering every image', () => {
    const a = new BatchLoader(ds, { batchSize: 3, shuffle: true, seed: 42 });
    const b = new BatchLoader(ds, { batchSize: 3, shuffle: true, seed: 42 });
    const c = new BatchLoader(ds, { batchSize: 3, shuffle: true, seed: 43 });
    const a0 = epochIndices(a);
    const a1 = epochIndices(a);
    expect(a0.flat().sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a1.flat()).not.toEqual(a0.flat());
    expect(epochIndices(b)).toEqual(a0);
    expect(epochIndices(b)).toEqual(a1);
    expect(epochIndices(c).flat()).not.toEqual(a0.flat());
    // epoch e depends only on (seed, e): a fresh loader asked for epoch 1 directly gives a1
    expect(epochIndices(new BatchLoader(ds, { batchSize: 3, shuffle: true, seed: 42 }), 1)).toEqual(a1);
  });

  it('normalises after augmenting, with one-hot labels on request', () => {
    const l = new BatchLoader(ds, { batchSize: 10, normalize: { mean: [0.5], std: [0.25] }, labels: 'onehot' });
    for (const { xs, ys } of l.epoch()) {
      expect(xs.dataSync()[4 * 9]).toBeCloseTo((0.9 - 0.5) / 0.25, 5);
      expect(ys.shape).toEqual([10, 3]);
      expect(Array.from(ys.dataSync().slice(3 * 4, 3 * 5))).toEqual([0, 1, 0]);
    }
    // hflip: 1 flips every image; with constant images only the values' order could change, so use a ramp.
    const ramp = makeDataset({ name: 'ramp', height: 1, width: 3, channels: 1, images: Float32Array.from([0.1, 0.2, 0.3]), labels: Int32Array.from([0]), classNames: ['a'] });
    const f = new BatchLoader(ramp, { batchSize: 1, augment: { hflip: 1 }, normalize: { mean: [0.1], std: [0.1] }, seed: 0 });
    for (const { xs } of f.epoch()) Array.from(xs.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([2, 1, 0][i], 5));
  });

  it('frees its tensors: a full epoch, an early break and a throw leave no tensor behind', () => {
    const l = new BatchLoader(ds, { batchSize: 3, shuffle: true, seed: 2, labels: 'onehot', augment: { hflip: 0.5 } });
    const before = tf.memory().numTensors;
    for (let e = 0; e < 5; e++) for (const { xs } of l.epoch()) xs.sum().dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const { step } of l.epoch()) if (step === 1) break;
    expect(tf.memory().numTensors).toBe(before);
    expect(() => {
      for (const _ of l.epoch()) throw new Error('training step failed');
    }).toThrow('training step failed');
    expect(tf.memory().numTensors).toBe(before);
    // autoDispose false hands each batch to the caller
    const own = new BatchLoader(ds, { batchSize: 5, autoDispose: false });
    const kept = [...own.epoch()];
    expect(tf.memory().numTensors).toBe(before + 4);
    kept.forEach((b) => {
      b.xs.dispose();
      b.ys.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('explains bad settings', () => {
    expect(() => new BatchLoader(ds, { batchSize: 0 })).toThrow(DataError);
    expect(() => new BatchLoader(ds, { batchSize: 0 })).toThrow('batch loader over ten: batchSize must be a whole number >= 1, got 0');
    expect(() => new BatchLoader(ds, { batchSize: 11, dropLast: true })).toThrow('yields no batch at all');
    expect(() => new BatchLoader(ds, { batchSize: 2, shuffle: true })).toThrow('need a seed');
  });
});
