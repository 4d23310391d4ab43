// The one-pass updates written into the parameter's own memory (wasm): the same numbers as the allocating
// kernel path, bitwise, and never while another tensor shares the memory (snapshots keep their values).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../backend.ts';
import { TorchAdam } from './torch-adam.ts';
import { TorchSgd } from './torch-sgd.ts';

beforeAll(async () => {
  await initEngine('wasm');
});

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

interface Run {
  after: number[];
  /** Steps 2 and 3 wrote into step 1's memory (SGD's first step with momentum creates its buffer). */
  inPlace: boolean;
  /** Each snapshot's values when taken and at the end. */
  snapshots: { taken: number[]; end: number[] }[];
}

/** Three steps on a 1,003-element parameter (a SIMD body and a scalar tail); with `snapshots`, a clone before each step. */
function run(make: () => tf.Optimizer, snapshots: boolean): Run {
  // Its own memory: a variable shares its initial tensor's, so that one is disposed (as tfjs-layers does).
  const v0 = tf.tidy(() => tf.sin(tf.range(0, 1003).mul(0.37)));
  const w = tf.variable(v0, true, `w_${Math.random().toString(36).slice(2)}`);
  v0.dispose();
  const opt = make();
  const held: { t: tf.Tensor; taken: number[] }[] = [];
  let afterFirst: object | undefined;
  for (let s = 1; s <= 3; s++) {
    if (snapshots) {
      const t = tf.clone(w);
      held.push({ t, taken: bits(t) });
    }
    tf.tidy(() => opt.applyGradients({ [w.name]: tf.cos(tf.range(0, 1003).mul(0.11 * s)) }));
    if (s === 1) afterFirst = w.dataId;
  }
  const out: Run = { after: bits(w), inPlace: w.dataId === afterFirst, snapshots: held.map((h) => ({ taken: h.taken, end: bits(h.t) })) };
  opt.dispose();
  tf.dispose([w, ...held.map((h) => h.t)]);
  return out;
}

describe('in-place parameter updates on wasm', () => {
  for (const [name, make] of [
    ['Adam', () => new TorchAdam({ learningRate: 0.01, weightDecay: 0.01 })],
    ['AdamW', () => new TorchAdam({ learningRate: 0.01, weightDecay: 0.1, decoupled: true })],
    ['SGD with momentum', () => new TorchSgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true })],
    ['SGD', () => new TorchSgd({ learningRate: 0.1 })],
  ] as const) {
    it(`${name}: updates in place, bitwise like the allocating path, never under a snapshot`, () => {
      const alone = run(make, false);
      const shared = run(make, true);
      expect(alone.inPlace).toBe(true);
      expect(shared.inPlace).toBe(false); // a clone shared the memory at every step: new tensors, as before
      expect(alone.after).toEqual(shared.after);
      for (const s of shared.snapshots) expect(s.end).toEqual(s.taken);
    });
  }
});
