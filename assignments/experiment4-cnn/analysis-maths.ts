// Per-class accuracy, confusion matrix and the most confused pairs (exercise G), as the notebook computes them.

export function confusionOf(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predictions[i]] += 1;
  return m;
}

export function perClassOf(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: number): number[] {
  return confusionOf(labels, predictions, classes).map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? NaN : (100 * row[k]) / total;
  });
}

export function confusedPairsOf(confusion: readonly (readonly number[])[], threshold: number): { trueClass: number; predictedClass: number; count: number }[] {
  const out: { trueClass: number; predictedClass: number; count: number }[] = [];
  confusion.forEach((row, i) => row.forEach((count, j) => i !== j && count > threshold && out.push({ trueClass: i, predictedClass: j, count })));
  return out;
}
