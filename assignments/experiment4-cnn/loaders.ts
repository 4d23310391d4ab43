// DataLoaders (contract.ts) over plain arrays, built the same way where the submission runs (probes) and in
// the grader (replays), so both see the same batches: dataset order, or a seeded order per pass.
import * as tf from '@tensorflow/tfjs';
import { createRandom, type DataLoader } from './contract.ts';

export interface ArrayImages {
  /** NHWC float32, n * h * w * c values. */
  x: Float32Array;
  y: Int32Array;
  shape: [number, number, number];
}

/** Batches of `batchSize` (the last one smaller); order 0..n-1, or a new seeded permutation each pass. */
export function arrayLoader(data: ArrayImages, batchSize: number, shuffleSeed?: number): DataLoader {
  const n = data.y.length;
  const per = data.shape[0] * data.shape[1] * data.shape[2];
  let pass = 0;
  return {
    length: Math.ceil(n / batchSize),
    *batches() {
      const order = shuffleSeed === undefined ? Int32Array.from({ length: n }, (_, i) => i) : createRandom(shuffleSeed * 7919 + pass).permutation(n);
      pass += 1;
      for (let start = 0; start < n; start += batchSize) {
        const ids = order.subarray(start, Math.min(n, start + batchSize));
        const xs = new Float32Array(ids.length * per);
        const ys = new Int32Array(ids.length);
        ids.forEach((j, k) => {
          xs.set(data.x.subarray(j * per, (j + 1) * per), k * per);
          ys[k] = data.y[j];
        });
        yield { xs: tf.tensor4d(xs, [ids.length, ...data.shape]), ys: tf.tensor1d(ys, 'int32') };
      }
    },
  };
}
