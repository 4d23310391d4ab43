// Cross-entropy with label smoothing and the MixUp criterion in float64 (exercise B): the grader's expected
// values, and the usual mistakes, to name them in feedback.

/** nn.CrossEntropyLoss(label_smoothing) per sample: (1 - eps) * nll + eps / K * sum_k(-log p_k). */
export function crossEntropyPerSample(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number, smoothing = 0, offTarget: 'torch' | 'k-1' = 'torch'): number[] {
  const n = labels.length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[i * classes + k]);
    let z = 0;
    for (let k = 0; k < classes; k++) z += Math.exp(logits[i * classes + k] - max);
    const logZ = Math.log(z) + max;
    let sumNll = 0;
    for (let k = 0; k < classes; k++) sumNll += logZ - logits[i * classes + k];
    const nll = logZ - logits[i * classes + labels[i]];
    if (offTarget === 'k-1') {
      // Keras-style: eps spread over the K - 1 wrong classes only.
      out.push((1 - smoothing) * nll + (smoothing / (classes - 1)) * (sumNll - nll));
    } else {
      out.push((1 - smoothing) * nll + (smoothing / classes) * sumNll);
    }
  }
  return out;
}

export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean cross-entropy with label smoothing. */
export function crossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number, smoothing = 0): number {
  return mean(crossEntropyPerSample(logits, labels, classes, smoothing));
}

/** mixup_criterion with a label-smoothed cross-entropy. */
export function mixupLoss(logits: ArrayLike<number>, yA: ArrayLike<number>, yB: ArrayLike<number>, lam: number, classes: number, smoothing = 0): number {
  return lam * crossEntropy(logits, yA, classes, smoothing) + (1 - lam) * crossEntropy(logits, yB, classes, smoothing);
}

/** Names what a wrong label-smoothed cross-entropy computed, from its value; null when nothing matches. */
export function nameLossMistake(got: number, logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number, smoothing: number): string | null {
  const close = (v: number) => Math.abs(got - v) <= 1e-5 * Math.max(1, Math.abs(v));
  const per = crossEntropyPerSample(logits, labels, classes, smoothing);
  if (smoothing > 0 && close(crossEntropy(logits, labels, classes, 0))) return 'that is the cross-entropy without label smoothing';
  if (smoothing > 0 && close(mean(crossEntropyPerSample(logits, labels, classes, smoothing, 'k-1')))) return 'eps is spread over the K - 1 wrong classes; PyTorch gives every class eps / K (the true one too): target = (1 - eps) * one_hot + eps / K';
  if (close(per.reduce((a, b) => a + b, 0))) return 'that is the sum over the batch; the loss is the mean';
  if (smoothing > 0 && close(crossEntropy(logits, labels, classes, 0) * (1 - smoothing))) return 'only the (1 - eps) * nll part is there: the eps / K * sum of -log p_k over all classes is missing';
  return null;
}
