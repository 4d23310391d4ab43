// Tile on wasm (ours) against the cpu backend, for every dtype the harness uses.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../seed.ts';
import { onBoth, setUpBackends } from './backend-compare.ts';

beforeAll(setUpBackends);

const cases: [number[], number[]][] = [
  [[1, 1, 1, 12], [64, 32, 32, 1]], // BatchNorm gradient's tile of 1/sqrt(var + eps)
  [[5], [3]],
  [[2, 3], [1, 1]],
  [[2, 3], [4, 1]],
  [[2, 3], [1, 4]],
  [[3, 1, 2], [2, 5, 3]],
  [[2, 2, 2, 2, 3], [1, 2, 1, 3, 2]],
  [[17, 1], [1, 40]], // long runs of tiny blocks
  [[1, 33], [20, 1]], // blocks longer than the small-block threshold
  [[2, 0, 3], [2, 2, 2]], // empty
  [[], []], // scalar
];

describe('Tile on wasm matches the cpu backend', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it.each(cases.map(([s, r]) => [`[${s}] x reps [${r}], ${dtype}`, s, r] as const))('%s', async (_n, shape, reps) => {
      const rng = makeRng(`tile-${shape}-${reps}-${dtype}`);
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, () => (dtype === 'bool' ? rng.int(2) : dtype === 'int32' ? rng.int(1000) - 500 : rng.normal()));
      const r = await onBoth(() => tf.tile(tf.tensor(values, shape, dtype), reps));
      expect(r.wasmShape).toEqual(r.cpuShape);
      expect(Array.from(r.wasm)).toEqual(Array.from(r.cpu));
    });
  }
  it('BatchNorm gradients (which tile) match the cpu backend', async () => {
    const rng = makeRng('bn-grad');
    const x = Array.from({ length: 4 * 6 * 6 * 5 }, () => rng.normal());
    const g = await onBoth(() => tf.grad((t: tf.Tensor) => {
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return tf.sum(tf.square(tf.batchNorm(t, mean, variance, tf.fill([5], 0.1), tf.fill([5], 1.5), 1e-5)).mul(tf.linspace(0, 1, t.size).reshape(t.shape)));
    })(tf.tensor4d(x, [4, 6, 6, 5])));
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < g.cpu.length; i++) {
      diff = Math.max(diff, Math.abs(g.wasm[i] - g.cpu[i]));
      scale = Math.max(scale, Math.abs(g.cpu[i]));
    }
    expect(diff / scale).toBeLessThan(1e-5);
  });
});
