import * as tf from '@tensorflow/tfjs';
// STARTER: import { todo } from './todo.ts';

// D.2 torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0): one norm over all gradients together;
// when it exceeds maxNorm every gradient is scaled by maxNorm / (norm + 1e-6), so the direction is kept.

export function clipGradNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; totalNorm: number } {
  // BEGIN SOLUTION
  const names = Object.keys(grads);
  const totalNorm = tf.tidy(() => Math.sqrt(names.reduce((s, n) => s + tf.sum(tf.square(grads[n])).dataSync()[0], 0)));
  const coef = Math.min(1, maxNorm / (totalNorm + 1e-6));
  const clipped: tf.NamedTensorMap = {};
  for (const n of names) clipped[n] = tf.mul(grads[n], coef);
  return { grads: clipped, totalNorm };
  // END SOLUTION
  // STARTER: return todo('D.2: clipGradNorm');
}
