// The SIMD pool on tfjs's threaded wasm backend (its own file: useThreadedWasm must run before the wasm
// backend is first initialised in the process, and vitest gives each file its own process).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { initEngine } from '../backend.ts';
import { useThreadedWasm } from '../wasm-threads.ts';
import { simdPool, type SimdPool } from './simd-pool.ts';

interface OffsetBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

function offsetOf(backend: BackendWasm, t: tf.Tensor): number {
  const d = (backend as unknown as OffsetBackend).dataIdMap.get(t.dataId);
  if (!d) throw new Error('tensor not on the wasm backend');
  return d.memoryOffset;
}

let pool: SimdPool | undefined;
afterAll(() => pool?.close());

describe('simdPool on the threaded wasm backend', () => {
  it('is one pool per backend, runs kernels on tensors in place, and is absent for one thread', async () => {
    expect(useThreadedWasm(2).threads).toBe(2);
    const info = await initEngine('wasm');
    expect(info.threads, info.label).toBe(2);
    const backend = tf.backend() as BackendWasm;
    pool = simdPool(backend, 2);
    expect(pool).toBeDefined();
    expect(simdPool(backend, 2)).toBe(pool);
    expect(simdPool(backend, 1)).toBeUndefined();

    // Two transposes, one per thread, written straight into tensors' heap memory.
    const a = tf.randomNormal([45, 70], 0, 1, 'float32', 1);
    const b = tf.randomNormal([66, 31], 0, 1, 'float32', 2);
    const at = tf.zeros([70, 45]).add(0); // fresh buffers (tf.zeros may share a cached one)
    const bt = tf.zeros([31, 66]).add(0);
    pool!.run('transpose2d', [
      [offsetOf(backend, a), offsetOf(backend, at), 45, 70],
      [offsetOf(backend, b), offsetOf(backend, bt), 66, 31],
    ]);
    expect(at.dataSync()).toEqual(tf.transpose(a).dataSync());
    expect(bt.dataSync()).toEqual(tf.transpose(b).dataSync());
  });
});
