import * as tf from '@tensorflow/tfjs';
import type { LrnParams } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// B.1 Local Response Normalization (AlexNet, 2012): each activation is divided by a power of the summed
// squares of its neighbours ACROSS CHANNELS, a form of lateral inhibition. PyTorch's nn.LocalResponseNorm:
//
//   b_c = a_c / (k + alpha / n * sum_{c' = c - floor(n/2)}^{c + floor((n-1)/2)} a_{c'}^2) ^ beta      (n = size)
//
// with zero padding at the first and last channels. Channels are the LAST axis here (NHWC).
// tf.localResponseNormalization differs (radius instead of size, alpha not divided by size, and no kernel on
// the WebAssembly backend): build it from tf operations.

/////////////////////////////////////////////////////////////////////////////
//                                 B.1                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
export function localResponseNorm(x: tf.Tensor4D, p: LrnParams): tf.Tensor4D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const channels = x.shape[3];
    const below = Math.floor(p.size / 2);
    const above = Math.floor((p.size - 1) / 2);
    // Square, pad the channel axis so every window has `size` entries, and add the shifted copies.
    const squares = tf.pad(tf.square(x), [
      [0, 0],
      [0, 0],
      [0, 0],
      [below, above],
    ]);
    let windowSum = tf.slice(squares, [0, 0, 0, 0], [-1, -1, -1, channels]);
    for (let shift = 1; shift < p.size; shift++) {
      windowSum = tf.add(windowSum, tf.slice(squares, [0, 0, 0, shift], [-1, -1, -1, channels]));
    }
    const scale = tf.pow(tf.add(tf.mul(windowSum, p.alpha / p.size), p.k), p.beta);
    return tf.div(x, scale) as tf.Tensor4D;
  });
  // END SOLUTION
  // STARTER: return todo(`B.1: localResponseNorm with size ${p.size}`);
}
