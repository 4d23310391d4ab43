import * as tf from '@tensorflow/tfjs';
import type { Mixed, Random } from '../../assignments/experiment4-cnn/contract.ts';
// STARTER: import { todo } from './todo.ts';

// D.1 MixUp (notebook section 17, mixup_data): blend each image with another image of the batch,
// lam ~ Beta(alpha, alpha), and keep both labels (the criterion weighs them by lam and 1 - lam).
// The draws come from `random`, in the order contract.ts fixes: the grader replays them.

/** The notebook's mixup_alpha. */
export const MIXUP_ALPHA = 0.4;

export function mixupData(x: tf.Tensor4D, y: tf.Tensor1D, alpha: number, random: Random): Mixed {
  // BEGIN SOLUTION
  const lam = alpha > 0 ? random.beta(alpha, alpha) : 1;
  const index = random.permutation(x.shape[0]);
  return tf.tidy(() => {
    const order = tf.tensor1d(index, 'int32');
    const mixed = tf.add(tf.mul(x, lam), tf.mul(tf.gather(x, order), 1 - lam)) as tf.Tensor4D;
    return { x: mixed, yA: tf.clone(y), yB: tf.gather(y, order) as tf.Tensor1D, lam };
  });
  // END SOLUTION
  // STARTER: return todo('D.1: mixupData');
}
