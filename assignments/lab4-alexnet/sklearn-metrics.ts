// What scikit-learn computes for the seed's evaluation (confusion_matrix, classification_report with
// output_dict and its text with `digits`, f1_score(average=None)), in plain float64 TypeScript, in the same
// order of operations as scikit-learn 1.2 / NumPy so figures agree to the bit with ../shared/golden/metrics.json.
// The grader's expectation: no tfjs, nothing shared with a submission.
import type { ClassificationReport, ClassScores } from './contract.ts';

/** confusion_matrix: cm[true][predicted]. */
export function confusionMatrixOf(labels: ArrayLike<number>, preds: ArrayLike<number>, numClasses: number): number[][] {
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) cm[labels[i]!]![preds[i]!]! += 1;
  return cm;
}

/** Rows divided by their sums; an empty row stays 0 (the contract's rule; NumPy would give nan). */
export function normalizedRows(cm: readonly (readonly number[])[]): number[][] {
  return cm.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s === 0 ? 0 : v / s));
  });
}

/**
 * numpy.add.reduce on a contiguous float64 vector: pairwise summation, 8 interleaved accumulators for blocks
 * up to 128 values (numpy/core/src/umath/loops_utils.h.src, pairwise_sum). Plain left-to-right addition of ten
 * per-class figures can differ from NumPy's in the last bit.
 */
export function numpySum(v: readonly number[]): number {
  const pairwise = (a: readonly number[], start: number, n: number): number => {
    if (n < 8) {
      let r = 0;
      for (let i = 0; i < n; i++) r += a[start + i]!;
      return r;
    }
    if (n <= 128) {
      const r = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => a[start + k]!);
      let i = 8;
      for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k]! += a[start + i + k]!;
      let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
      for (; i < n; i++) res += a[start + i]!;
      return res;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
  };
  return pairwise(v, 0, v.length);
}

/** scikit-learn's _prf_divide with zero_division="warn": 0 where the denominator is 0. */
const divide = (num: number, den: number) => (den === 0 ? 0 : num / den);

/** precision_recall_fscore_support(average=None) for classes 0..numClasses-1. */
export function perClassScores(labels: ArrayLike<number>, preds: ArrayLike<number>, numClasses: number): ClassScores[] {
  const tp = new Array<number>(numClasses).fill(0);
  const predicted = new Array<number>(numClasses).fill(0);
  const support = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    support[labels[i]!]! += 1;
    predicted[preds[i]!]! += 1;
    if (labels[i] === preds[i]) tp[labels[i]!]! += 1;
  }
  return tp.map((t, c) => {
    const precision = divide(t, predicted[c]!);
    const recall = divide(t, support[c]!);
    // f_score = (1 + beta2) * precision * recall / denom, denom = beta2 * precision + recall (0 -> 1).
    const denom = precision + recall;
    const f1 = (2 * precision * recall) / (denom === 0 ? 1 : denom);
    return { precision, recall, f1, support: support[c]! };
  });
}

/** classification_report(..., output_dict=True) as the contract's ClassificationReport. */
export function expectedReport(labels: ArrayLike<number>, preds: ArrayLike<number>, classNames: readonly string[]): ClassificationReport {
  const scores = perClassScores(labels, preds, classNames.length);
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i++) if (labels[i] === preds[i]) correct++;
  const field = (k: 'precision' | 'recall' | 'f1') => scores.map((s) => s[k]);
  const supports = scores.map((s) => s.support);
  const totalSupport = numpySum(supports);
  // np.average(v) = sum / count; np.average(v, weights=w) = sum(v * w) / sum(w).
  const macro = (k: 'precision' | 'recall' | 'f1') => numpySum(field(k)) / scores.length;
  const weighted = (k: 'precision' | 'recall' | 'f1') => (totalSupport === 0 ? 0 : numpySum(field(k).map((v, i) => v * supports[i]!)) / totalSupport);
  return {
    classes: scores.map((s, c) => ({ name: classNames[c]!, ...s })),
    accuracy: correct / n,
    macroAvg: { precision: macro('precision'), recall: macro('recall'), f1: macro('f1'), support: n },
    weightedAvg: { precision: weighted('precision'), recall: weighted('recall'), f1: weighted('f1'), support: n },
  };
}

/**
 * Python's format(x, f'.{digits}f') for x >= 0: the EXACT binary value of x rounded to `digits` decimals, ties
 * to even. Done on the exact decimal expansion (BigInt), not on toFixed, whose ties go up.
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x) || x < 0) return String(x);
  // x = mantissa * 2^exp exactly.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? frac : frac | (1n << 52n);
  const exp = (biased === 0 ? 1 : biased) - 1075;
  // value * 10^digits = mantissa * 2^exp * 10^digits = num / den.
  let num = mantissa * 10n ** BigInt(digits);
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  let q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  const s = q.toString().padStart(digits + 1, '0');
  return digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** classification_report's text (sklearn/metrics/_classification.py, labels not given, so an accuracy line). */
export function expectedReportText(report: ClassificationReport, digits: number): string {
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  const width = Math.max(...report.classes.map((c) => c.name.length), 'weighted avg'.length, digits);
  const right = (s: string, w: number) => s.padStart(w);
  // row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
  const row = (name: string, s: ClassScores) => `${right(name, width)} ${[s.precision, s.recall, s.f1].map((v) => ` ${right(pyFixed(v, digits), 9)}`).join('')} ${right(String(s.support), 9)}\n`;
  let out = `${right('', width)} ${headers.map((h) => ` ${right(h, 9)}`).join('')}\n\n`;
  for (const c of report.classes) out += row(c.name, c);
  out += '\n';
  // row_fmt_accuracy = "{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f}" + " {:>9}\n" with "", "".
  out += `${right('accuracy', width)} ${` ${right('', 9)}`.repeat(2)} ${right(pyFixed(report.accuracy, digits), 9)} ${right(String(report.macroAvg.support), 9)}\n`;
  out += row('macro avg', report.macroAvg);
  out += row('weighted avg', report.weightedAvg);
  return out;
}

/** f1_score(average=None) and its mean, as the seed computes macro F1 (f1.mean()). */
export function expectedF1(labels: ArrayLike<number>, preds: ArrayLike<number>, numClasses: number): { perClass: number[]; macro: number } {
  const perClass = perClassScores(labels, preds, numClasses).map((s) => s.f1);
  return { perClass, macro: numpySum(perClass) / numClasses };
}
