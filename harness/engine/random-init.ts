import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { freeScratch, scratch } from './kernels/gemm.ts';
import { simdKernels } from './wasm-simd/simd.ts';

// tfjs's random tensors (tf.randomUniform, tf.randomNormal, tf.truncatedNormal) as one wasm loop each
// (kernels.c random_fill_f32) instead of a JS object call per value: the initialisers of every layer use
// them (Conv2D and Dense default to glorotNormal: truncatedNormal; glorotUniform: randomUniform), and building
// a ResNet-18 draws 11M values, ~0.25 s in tfjs's JS (six of them in F.trainable). Same distributions and
// the same values: seedrandom's alea stream seeded the same way, the same polar method and truncation, the
// same double arithmetic in the same order, fdlibm's log as V8's Math.log; bitwise tfjs's output (tested),
// so a seed gives what it gave before. Float32 on wasm with our SIMD module only; anything else (other
// dtypes, other backends, empty shapes) goes to tfjs's own op. Installed by initEngine('wasm') on
// tfjs-core's exports, which tfjs-layers reads at each call, before a submission can load.

type RandomUniform = (shape: number[], minval?: number, maxval?: number, dtype?: tf.DataType, seed?: number | string) => tf.Tensor;
type RandomNormal = (shape: number[], mean?: number, stdDev?: number, dtype?: 'float32' | 'int32', seed?: number) => tf.Tensor;

/** seedrandom's Mash, as alea seeds itself with it (tfjs-core bundles seedrandom 2.4.3). */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
}

/** alea's initial state (s0, s1, s2, c) for a seed string. */
export function aleaState(seed: string): [number, number, number, number] {
  const m = mash();
  let s0 = m(' ');
  let s1 = m(' ');
  let s2 = m(' ');
  s0 -= m(seed);
  if (s0 < 0) s0 += 1;
  s1 -= m(seed);
  if (s1 < 0) s1 += 1;
  s2 -= m(seed);
  if (s2 < 0) s2 += 1;
  return [s0, s1, s2, 1];
}

const KIND = { uniform: 0, normal: 1, truncated: 2 } as const;

/** A float32 tensor filled on the wasm heap, or undefined where the fast path does not apply. */
function fill(shape: number[], kind: number, a: number, b: number, seed: string): tf.Tensor | undefined {
  if (tf.getBackend() !== 'wasm' || !shape.every((d) => Number.isInteger(d) && d >= 0)) return undefined;
  const n = shape.reduce((p, d) => p * d, 1);
  const backend = tf.backend() as BackendWasm;
  const simd = simdKernels(backend);
  if (!simd || n === 0) return undefined;
  const info = backend.makeOutput(shape, 'float32');
  const offset = (backend.dataIdMap.get(info.dataId) as { memoryOffset: number }).memoryOffset;
  const state = scratch(backend, 8, 'alea state');
  try {
    // The heap as it is now (scratch may have grown it).
    new Float64Array((backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer, state, 4).set(aleaState(seed));
    simd.random_fill_f32(offset, n, kind, a, b, state);
  } finally {
    freeScratch(backend, state);
  }
  return (tf.engine() as unknown as { makeTensorFromTensorInfo(i: tf.TensorInfo): tf.Tensor }).makeTensorFromTensorInfo(info);
}

/** The patched functions, over tfjs's originals (fallbacks). */
function fastRandom(original: { randomUniform: RandomUniform; randomNormal: RandomNormal; truncatedNormal: RandomNormal }) {
  return {
    randomUniform: ((shape, minval = 0, maxval = 1, dtype = 'float32', seed) => {
      // tfjs: a missing seed draws one from Math.random; a number is used as its string.
      const s = seed == null ? String(Math.random()) : String(seed);
      return (dtype === 'float32' ? fill(shape, KIND.uniform, minval, maxval - minval, s) : undefined) ?? original.randomUniform(shape, minval, maxval, dtype, seed);
    }) as RandomUniform,
    randomNormal: ((shape, mean = 0, stdDev = 1, dtype, seed) => {
      // tfjs's MPRandGauss: any falsy seed (0 included) draws one from Math.random.
      const s = String(seed ? seed : Math.random());
      return (dtype === undefined || dtype === 'float32' ? fill(shape, KIND.normal, mean, stdDev, s) : undefined) ?? original.randomNormal(shape, mean, stdDev, dtype, seed);
    }) as RandomNormal,
    truncatedNormal: ((shape, mean = 0, stdDev = 1, dtype, seed) => {
      const s = String(seed ? seed : Math.random());
      return (dtype === undefined || dtype === 'float32' ? fill(shape, KIND.truncated, mean, stdDev, s) : undefined) ?? original.truncatedNormal(shape, mean, stdDev, dtype, seed);
    }) as RandomNormal,
  };
}

let installed = false;

/**
 * Replaces randomUniform, randomNormal and truncatedNormal on tfjs-core's exports (the object tfjs-layers and
 * the @tensorflow/tfjs package read them from); idempotent. False when those exports cannot be written.
 */
export async function installFastRandom(): Promise<boolean> {
  if (installed) return true;
  const ns = (await import('@tensorflow/tfjs-core')) as unknown as { default?: Record<string, unknown> };
  const core = ns.default;
  if (!core || typeof core.truncatedNormal !== 'function' || Object.isFrozen(core)) return false;
  const fast = fastRandom({
    randomUniform: core.randomUniform as RandomUniform,
    randomNormal: core.randomNormal as RandomNormal,
    truncatedNormal: core.truncatedNormal as RandomNormal,
  });
  for (const [name, f] of Object.entries(fast)) core[name] = f;
  installed = true;
  return true;
}
