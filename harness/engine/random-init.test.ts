// tfjs's random initialisers on wasm through our loop (random-init.ts): bitwise tfjs's own values for every
// seed kind, distribution, shape and parameter; fdlibm's log bitwise V8's Math.log; the fallbacks.
import * as tf from '@tensorflow/tfjs';
import * as core from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from './backend.ts';
import type { BackendWasm } from './kernels/wasm-heap.ts';
import { simdKernels } from './wasm-simd/simd.ts';

// The exports object tfjs-layers reads (the patched functions live there).
const exportsOf = (core as unknown as { default: Record<string, (...args: unknown[]) => tf.Tensor> }).default;

beforeAll(async () => {
  await initEngine('wasm');
});

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

/** The op on cpu (tfjs's own JS: our path is wasm-only) and on wasm (ours), as bits. */
async function both(name: string, args: unknown[]): Promise<{ cpu: number[]; wasm: number[] }> {
  await tf.setBackend('cpu');
  const c = exportsOf[name]!(...args);
  const cpu = bits(c);
  c.dispose();
  await tf.setBackend('wasm');
  const w = exportsOf[name]!(...args);
  const wasm = bits(w);
  w.dispose();
  return { cpu, wasm };
}

describe('random initialisers on wasm', () => {
  it('fdlibm log is bitwise Math.log', () => {
    const simd = simdKernels(tf.backend() as BackendWasm)!;
    let x = 0.5;
    const xs = [Number.MIN_VALUE, 1e-310, 2 ** -1022, 1e-300, 0.1, 0.5, 0.999999, 1, 1 + 2 ** -52, 2, 3.5, 1e10, 1e300];
    for (let i = 0; i < 200_000; i++) {
      x = (x * 3.9 * (1 - x)) % 1; // a chaotic walk over (0, 1), where the polar method's s lies
      xs.push(x, x * 1e-5, 1 - x * 1e-9);
    }
    const bad = xs.filter((v) => !Object.is(simd.dlgrade_log(v), Math.log(v)));
    expect(bad.slice(0, 5)).toEqual([]);
    expect(simd.dlgrade_log(0)).toBe(-Infinity);
    expect(simd.dlgrade_log(-1)).toBeNaN();
  });

  it('is installed on the exports tfjs-layers reads', () => {
    for (const name of ['truncatedNormal', 'randomNormal', 'randomUniform']) expect(exportsOf[name]!.name, name).not.toMatch(/__op$/);
  });

  it.each([
    ['truncatedNormal', [[1003], 0, 1, 'float32', 42]],
    ['truncatedNormal', [[3, 3, 64, 128], 0, 0.05, undefined, 7]],
    ['truncatedNormal', [[17], 1.5, 3, 'float32', 'seed-string']],
    ['randomNormal', [[1001], -2, 0.5, 'float32', 9]],
    ['randomNormal', [[64, 10], 0, 1, undefined, 123456]],
    ['randomUniform', [[999], -0.1, 0.1, 'float32', 3]],
    ['randomUniform', [[8, 8], 0, 1, 'float32', 0]],
    ['randomUniform', [[5, 7], -3, 2, undefined, 'x']],
  ] as [string, unknown[]][])('%s%j: bitwise tfjs', async (name, args) => {
    const { cpu, wasm } = await both(name, args);
    expect(wasm.length).toBe(cpu.length);
    expect(wasm).toEqual(cpu);
  });

  it('layer initialisers give the same weights with a seed as before (glorotNormal, glorotUniform, heNormal)', async () => {
    const weights = async (backend: string) => {
      await tf.setBackend(backend);
      const m = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 16, kernelSize: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 20, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
          tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }),
        ],
      });
      const out = m.getWeights().map(bits);
      m.dispose();
      return out;
    };
    const cpu = await weights('cpu');
    const wasm = await weights('wasm');
    expect(wasm).toEqual(cpu);
  });

  it('leaves other dtypes and empty shapes to tfjs', async () => {
    await tf.setBackend('wasm');
    const ints = exportsOf.randomUniform!([10], 0, 100, 'int32', 5);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync()).every((v) => Number.isInteger(v) && v >= 0 && v < 100)).toBe(true);
    expect(exportsOf.truncatedNormal!([0, 3], 0, 1, 'float32', 1).shape).toEqual([0, 3]);
    expect(() => exportsOf.truncatedNormal!([2], 0, 1, 'bool', 1)).toThrow(/Unsupported data type/);
  });
});
