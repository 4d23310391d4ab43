// ReLU's gradient on wasm (one SIMD pass) against tfjs's own composition mul(dy, cast(step(x))): bitwise,
// NaN, infinities and signed zeros included; and tf.grad of relu through the replaced gradient against cpu.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setUpBackends } from './backend-compare.ts';
import { fusedReluGrad } from './relu-grad.ts';

beforeAll(async () => {
  await setUpBackends();
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('ReLU gradient on wasm', () => {
  it('is bitwise mul(dy, cast(step(x))) for every kind of value', async () => {
    await tf.setBackend('wasm');
    const special = [0, -0, 1e-30, -1e-30, 3, -3, Infinity, -Infinity, NaN];
    const xs: number[] = [];
    const dys: number[] = [];
    for (const a of special) for (const b of [...special, 0.5, -0.5]) {
      xs.push(a);
      dys.push(b);
    }
    // A length that is not a multiple of 4 exercises the scalar tail too.
    xs.push(2, -2, 5);
    dys.push(-1, -1, Infinity);
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(dys);
    const fused = fusedReluGrad(x, dy)!;
    expect(fused).toBeDefined();
    const composed = tf.mul(dy, tf.cast(tf.step(x), 'float32'));
    expect(bits(fused.dataSync() as Float32Array)).toEqual(bits(composed.dataSync() as Float32Array));
  });

  it("tf.grad of relu agrees with cpu's", async () => {
    const x = Array.from({ length: 1001 }, (_, i) => Math.sin(i * 1.7) * 3);
    const dy = Array.from({ length: 1001 }, (_, i) => Math.cos(i * 0.3));
    const run = () => Array.from(tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor1d(x), tf.tensor1d(dy)).dataSync());
    await tf.setBackend('wasm');
    const wasm = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    expect(wasm).toEqual(cpu);
  });
});
