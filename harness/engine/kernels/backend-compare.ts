// Test helper: run the same computation on the cpu backend (tfjs's reference kernels) and on wasm (with our
// kernels installed), and compare. Inputs are plain arrays so no tensor crosses backends.
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../backend.ts';
import type { Rng } from '../seed.ts';

export type Side = 'cpu' | 'wasm';

/** Installs our kernels and the wasm backend once (initEngine), then leaves wasm selected. */
export async function setUpBackends(): Promise<void> {
  await initEngine('wasm');
}

/** Runs f on the given backend inside tf.tidy and returns a copy of its result. */
export async function runOn(side: Side, f: () => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  if (!(await tf.setBackend(side))) throw new Error(`backend ${side} failed to initialise`);
  const out = tf.tidy(f);
  const values = Float32Array.from(out.dataSync());
  const shape = out.shape.slice();
  out.dispose();
  await tf.setBackend('wasm');
  return { values, shape };
}

/** Same computation on cpu (reference) and wasm. */
export async function onBoth(f: () => tf.Tensor): Promise<{ cpu: Float32Array; wasm: Float32Array; cpuShape: number[]; wasmShape: number[] }> {
  const c = await runOn('cpu', f);
  const w = await runOn('wasm', f);
  return { cpu: c.values, wasm: w.values, cpuShape: c.shape, wasmShape: w.shape };
}

/** max |got - want| / max |want| (0 when both are all zeros); NaN anywhere counts as infinitely wrong. */
export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) throw new Error(`length mismatch: got ${got.length} values, want ${want.length}`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    const d = Math.abs(got[i] - want[i]);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
  }
  return diff === 0 ? 0 : diff / scale;
}

export function normals(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}
