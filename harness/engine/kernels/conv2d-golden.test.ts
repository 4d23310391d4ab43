// The wasm forward conv2d (upstream's XNNPACK kernel, which our gradients rely on) against PyTorch's
// F.conv2d on golden/conv2d.json: NCHW input and [out, in, kh, kw] weights transposed to NHWC / HWIO.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { relErr, runOn, setUpBackends } from './backend-compare.ts';

const GOLDEN_DIR = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../../../shared/golden/', import.meta.url));

interface Conv2dGolden {
  input: number[][][][];
  weight: number[][][][];
  bias: number[];
  cases: { stride: number; padding: number; output: number[][][][]; output_shape: number[] }[];
}
const golden = JSON.parse(readFileSync(`${GOLDEN_DIR}/conv2d.json`, 'utf8')) as Conv2dGolden;

/** A nested 4-D array, permuted: out[i0][i1][i2][i3] = a[...] with axes reordered by perm (as tf.transpose). */
function permute4(a: number[][][][], perm: [number, number, number, number]): { values: Float32Array; shape: [number, number, number, number] } {
  const src = [a.length, a[0].length, a[0][0].length, a[0][0][0].length];
  const shape = perm.map((p) => src[p]) as [number, number, number, number];
  const values = new Float32Array(shape.reduce((x, y) => x * y));
  const idx = [0, 0, 0, 0];
  let o = 0;
  for (idx[0] = 0; idx[0] < shape[0]; idx[0]++) {
    for (idx[1] = 0; idx[1] < shape[1]; idx[1]++) {
      for (idx[2] = 0; idx[2] < shape[2]; idx[2]++) {
        for (idx[3] = 0; idx[3] < shape[3]; idx[3]++) {
          const s = [0, 0, 0, 0];
          for (let k = 0; k < 4; k++) s[perm[k]] = idx[k];
          values[o++] = a[s[0]][s[1]][s[2]][s[3]];
        }
      }
    }
  }
  return { values, shape };
}

beforeAll(setUpBackends);

describe('wasm forward conv2d matches PyTorch F.conv2d (golden/conv2d.json)', () => {
  const x = permute4(golden.input, [0, 2, 3, 1]); // NCHW -> NHWC
  const w = permute4(golden.weight, [2, 3, 1, 0]); // [out, in, kh, kw] -> [kh, kw, in, out]
  it.each(golden.cases.map((c) => [`stride ${c.stride} padding ${c.padding}`, c] as const))('%s', async (_n, c) => {
    const want = permute4(c.output, [0, 2, 3, 1]);
    const got = await runOn('wasm', () => {
      const pad: tf.backend_util.ExplicitPadding = [[0, 0], [c.padding, c.padding], [c.padding, c.padding], [0, 0]];
      const y = tf.conv2d(tf.tensor4d(x.values, x.shape), tf.tensor4d(w.values, w.shape), c.stride, pad);
      return tf.add(y, tf.tensor1d(golden.bias));
    });
    expect(got.shape, 'NHWC shape of PyTorch output_shape').toEqual([c.output_shape[0], c.output_shape[2], c.output_shape[3], c.output_shape[1]]);
    expect(relErr(got.values, want.values)).toBeLessThan(1e-5);
  });
  it('has the 4 cases (stride 1/2 x padding 0/1)', () => {
    expect(golden.cases.map((c) => `${c.stride}/${c.padding}`).sort()).toEqual(['1/0', '1/1', '2/0', '2/1']);
  });
});
