// Identity on wasm shares data: clones read the same values, outlive their source, and cost no copy.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setUpBackends } from './backend-compare.ts';

beforeAll(async () => {
  await setUpBackends();
});

describe('Identity on wasm', () => {
  it('a clone shares the data and survives disposing its source', () => {
    const buffers = tf.engine().backend.numDataIds();
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId); // the same buffer, not a copy
    expect(tf.engine().backend.numDataIds() - buffers).toBe(1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });

  it('strings and int32 clone too', () => {
    expect(tf.clone(tf.tensor1d(['a', 'bc'])).dataSync()).toEqual(['a', 'bc']);
    expect(Array.from(tf.clone(tf.tensor1d([7, -8], 'int32')).dataSync())).toEqual([7, -8]);
  });

  it('a variable keeps its value after the gradient tape cloned it and the step reassigned it', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(w, w)), [w]);
    const old = tf.clone(w);
    w.assign(tf.sub(w, tf.mul(grads[w.name], 0.5)));
    expect(Array.from(w.dataSync())).toEqual([0, 0]);
    expect(Array.from(old.dataSync())).toEqual([1, 2]);
  });
});

describe('Cast on wasm', () => {
  it('to the same dtype shares the data; to another dtype converts as upstream does', () => {
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const y = tf.cast(x, 'float32');
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2.25, 3]);
    expect(Array.from(tf.cast(y, 'int32').dataSync())).toEqual([1, -2, 3]);
    expect(Array.from(tf.cast(tf.tensor1d([0, 2, -1], 'int32'), 'bool').dataSync())).toEqual([0, 1, 1]);
    y.dispose();
  });
});
