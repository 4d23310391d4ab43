// Part 2 on the grader's side (hidden suites only: it computes the convolution, a solution of part 2, so it
// must not ship with the public grading files): the convolution my_conv2d must compute, computed two independent ways (float64
// loops here, and tfjs's conv2d with the layouts converted), the mistakes students make (a flipped kernel, i.e.
// a true convolution; the kernel's channel axes swapped), per-run random cases, and the fixed kernel bank the
// MNIST check and the report's output grid use.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from 'dlgrade/kit';
import type { Tensor4 } from './contract.ts';
import type { ConvAlternative, ConvCase } from './conv-checks.ts';
import { AXES_SWAPPED, FLIPPED } from './conv-checks.ts';
import { build4, shapeOf } from './tensor4.ts';

export { build4, maxDiff, shapeOf, type Shape4 } from './tensor4.ts';

export type ConvVariant = 'cross-correlation' | 'flipped' | 'kernel-axes-swapped';

/**
 * input [B][Cin][H][W] (*) kernel [Cout][Cin][Fh][Fw], valid, stride 1, float64. 'flipped' is the true
 * convolution (kernel rotated by 180 degrees); 'kernel-axes-swapped' reads kernel[c][o] (needs Cin = Cout).
 */
export function conv64(input: Tensor4, kernel: Tensor4, variant: ConvVariant = 'cross-correlation'): Tensor4 {
  const [B, C, H, W] = shapeOf(input);
  const [O, , Fh, Fw] = shapeOf(kernel);
  const k = (o: number, c: number, p: number, q: number) =>
    variant === 'flipped' ? kernel[o][c][Fh - 1 - p][Fw - 1 - q] : variant === 'kernel-axes-swapped' ? kernel[c][o][p][q] : kernel[o][c][p][q];
  return build4([B, O, H - Fh + 1, W - Fw + 1], (b, o, i, j) => {
    let s = 0;
    for (let c = 0; c < C; c++) for (let p = 0; p < Fh; p++) for (let q = 0; q < Fw; q++) s += input[b][c][i + p][j + q] * k(o, c, p, q);
    return s;
  });
}

/** tfjs's conv2d (NHWC, HWIO) on the same NCHW data, converted back to NCHW: the harness's own convolution. */
export function tfConv(input: Tensor4, kernel: Tensor4): Tensor4 {
  return tf.tidy(() => {
    const x = tf.transpose(tf.tensor4d(input), [0, 2, 3, 1]) as tf.Tensor4D;
    const k = tf.transpose(tf.tensor4d(kernel), [2, 3, 1, 0]) as tf.Tensor4D;
    return tf.transpose(tf.conv2d(x, k, 1, 'valid'), [0, 3, 1, 2]).arraySync() as Tensor4;
  });
}

/**
 * A per-run case of the given channel count: odd spatial sizes, a kernel that is not square, values either
 * small integers (exact in float32, so tfjs's result is exact too) or float64 normals.
 */
export function randomConvCase(rng: Rng, cin: number, values: 'integers' | 'normals'): ConvCase {
  const odd = (lo: number, hi: number) => lo + 2 * rng.int((hi - lo) / 2 + 1);
  const H = odd(5, 13);
  const W = odd(5, 13);
  let fh = 1 + rng.int(5);
  let fw = 1 + rng.int(5);
  if (fh === fw) fw = fw === 5 ? 2 : fw + 1;
  fh = Math.min(fh, H);
  fw = Math.min(fw, W);
  const B = 1 + rng.int(3);
  const cout = 1 + rng.int(4);
  const draw = () => (values === 'integers' ? rng.int(19) - 9 : rng.normal());
  return {
    name: `input [${B}, ${cin}, ${H}, ${W}], kernel [${cout}, ${cin}, ${fh}, ${fw}] (${values === 'integers' ? 'small integers' : 'float64 normals'})`,
    input: build4([B, cin, H, W], draw),
    kernel: build4([cout, cin, fh, fw], draw),
  };
}

/** Eight 5x5 kernels for the MNIST grid (the seed's kernel.npy is not public): edges, lines, a blob, a corner. */
export const KERNEL_BANK: { name: string; weights: number[][] }[] = (() => {
  const k = (f: (r: number, c: number) => number) => Array.from({ length: 5 }, (_, r) => Array.from({ length: 5 }, (_, c) => f(r - 2, c - 2)));
  return [
    { name: 'vertical edge', weights: k((_, c) => Math.sign(c) * (3 - Math.abs(c))) },
    { name: 'horizontal edge', weights: k((r) => Math.sign(r) * (3 - Math.abs(r))) },
    { name: 'falling diagonal', weights: k((r, c) => (r === c ? 2 : Math.abs(r - c) === 1 ? 0 : -0.5)) },
    { name: 'rising diagonal', weights: k((r, c) => (r === -c ? 2 : Math.abs(r + c) === 1 ? 0 : -0.5)) },
    { name: 'centre-surround', weights: k((r, c) => (Math.max(Math.abs(r), Math.abs(c)) <= 1 ? 16 / 9 : -1)) },
    { name: 'blur', weights: k(() => 1 / 25) },
    { name: 'vertical line', weights: k((_, c) => (c === 0 ? 4 : -1)) },
    { name: 'top-left corner', weights: k((r, c) => (r <= 0 && c <= 0 ? 1 : -9 / 16)) },
  ];
})();

/** KERNEL_BANK as a kernel [8][1][5][5]. */
export function kernelBank(): Tensor4 {
  return KERNEL_BANK.map((k) => [k.weights.map((row) => [...row])]);
}

/** The wrong answers the checks name, for a case (the kernel-axes swap only where the shapes allow it). */
export function convAlternatives(c: ConvCase): ConvAlternative[] {
  const [o, i] = shapeOf(c.kernel);
  return [[FLIPPED, conv64(c.input, c.kernel, 'flipped')], ...(o === i ? [[AXES_SWAPPED, conv64(c.input, c.kernel, 'kernel-axes-swapped')] as ConvAlternative] : [])];
}
