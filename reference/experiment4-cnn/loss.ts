import * as tf from '@tensorflow/tfjs';
import type { Criterion } from '../../assignments/experiment4-cnn/contract.ts';
// STARTER: import { todo } from './todo.ts';

// B. Loss (notebook section 14): nn.CrossEntropyLoss(label_smoothing=0.04).
// Hard target [0, 0, 0, 1, 0, ...] -> soft target [0.004, 0.004, 0.004, 0.964, 0.004, ...]: every class gets
// eps / classes, the true class 1 - eps on top.

/** The notebook's LABEL_SMOOTHING. */
export const LABEL_SMOOTHING = 0.04;

export function crossEntropyLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, labelSmoothing = 0): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const target = tf.add(tf.mul(tf.oneHot(tf.cast(labels, 'int32'), classes), 1 - labelSmoothing), labelSmoothing / classes);
    const logProbs = tf.logSoftmax(logits);
    return tf.mean(tf.neg(tf.sum(tf.mul(target, logProbs), 1))) as tf.Scalar;
  });
  // END SOLUTION
  // STARTER: return todo('B.1: crossEntropyLoss');
}

// B.2 (section 17) mixup_criterion: lam * criterion(pred, y_a) + (1 - lam) * criterion(pred, y_b).
export function mixupCriterion(criterion: Criterion, logits: tf.Tensor2D, yA: tf.Tensor1D, yB: tf.Tensor1D, lam: number): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => tf.add(tf.mul(criterion(logits, yA), lam), tf.mul(criterion(logits, yB), 1 - lam)) as tf.Scalar);
  // END SOLUTION
  // STARTER: return todo('B.2: mixupCriterion');
}
