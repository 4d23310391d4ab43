import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initEngine } from '../engine/backend.ts';
import { classCounts, concat, head, makeDataset, subset, toTensors } from './dataset.ts';
import { DataError } from './errors.ts';

const base = { name: 'd', height: 1, width: 2, channels: 1, classNames: ['a', 'b'] };
const ds = makeDataset({ ...base, images: Float32Array.from([0, 1, 2, 3, 4, 5]), labels: Int32Array.from([0, 1, 1]) });

describe('dataset', () => {
  it('checks sizes and labels when built', () => {
    expect(() => makeDataset({ ...base, images: new Float32Array(5), labels: new Int32Array(3) })).toThrow(DataError);
    expect(() => makeDataset({ ...base, images: new Float32Array(5), labels: new Int32Array(3) })).toThrow('d: 3 labels need 6 pixel values (1x2x1 each), got 5');
    expect(() => makeDataset({ ...base, images: new Float32Array(2), labels: Int32Array.from([2]) })).toThrow('label of image 0 is 2, expected 0..1');
    expect(() => makeDataset({ ...base, width: 0, images: new Float32Array(0), labels: new Int32Array(0) })).toThrow('width must be a positive integer');
  });

  it('subset, head, concat and classCounts keep images and labels together', () => {
    const s = subset(ds, [2, 0]);
    expect(Array.from(s.images)).toEqual([4, 5, 0, 1]);
    expect(Array.from(s.labels)).toEqual([1, 0]);
    expect(() => subset(ds, [3])).toThrow('subset index 3 is out of range 0..2');
    expect(head(ds, 2).n).toBe(2);
    const c = concat([ds, s], 'both');
    expect(c.n).toBe(5);
    expect(Array.from(c.images.subarray(6))).toEqual([4, 5, 0, 1]);
    expect(classCounts(c)).toEqual([2, 3]);
    const other = makeDataset({ ...base, width: 1, images: new Float32Array(1), labels: new Int32Array(1) });
    expect(() => concat([ds, other], 'mixed')).toThrow('has 1x1x1 images');
  });

  it('toTensors gives [n,h,w,c] float32 and [n] int32', async () => {
    await initEngine('cpu');
    const { xs, ys } = toTensors(ds);
    expect(xs.shape).toEqual([3, 1, 2, 1]);
    expect(Array.from(await xs.data())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ys.dtype).toBe('int32');
    tf.dispose([xs, ys]);
  });
});
