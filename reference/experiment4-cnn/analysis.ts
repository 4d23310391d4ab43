// STARTER: import { todo } from './todo.ts';
import type { ConfusedPair } from '../../assignments/experiment4-cnn/contract.ts';

// G. Analysis (notebook sections 23-25): per-class accuracy, the confusion matrix, the most confused pairs.

export function perClassAccuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): number[] {
  // BEGIN SOLUTION
  const correct = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    total[labels[i]] += 1;
    if (predictions[i] === labels[i]) correct[labels[i]] += 1;
  }
  return correct.map((c, k) => (total[k] === 0 ? NaN : (100 * c) / total[k]));
  // END SOLUTION
  // STARTER: return todo('G.2: perClassAccuracy');
}

export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): number[][] {
  // BEGIN SOLUTION
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) confusion[labels[i]][predictions[i]] += 1;
  return confusion;
  // END SOLUTION
  // STARTER: return todo('G.3: confusionMatrix');
}

/** The notebook prints every pair i -> j (i != j) seen more than `threshold` times (50 there), row by row. */
export function mostConfusedPairs(confusion: number[][], threshold: number): ConfusedPair[] {
  // BEGIN SOLUTION
  const pairs: ConfusedPair[] = [];
  confusion.forEach((row, i) => row.forEach((count, j) => {
    if (i !== j && count > threshold) pairs.push({ trueClass: i, predictedClass: j, count });
  }));
  return pairs;
  // END SOLUTION
  // STARTER: return todo('G.4: mostConfusedPairs');
}
