import type { ClassificationReport, ClassScores } from '../../assignments/lab4-alexnet/contract.ts';
// STARTER: import { todo } from './todo.ts';

// G. Comprehensive evaluation: the confusion matrix shows which classes each model confuses with each other;
// the classification report gives per-class precision, recall and F1.
// Precision: of all samples predicted as class X, what fraction is X? Recall: of all samples of class X, what
// fraction did we find? F1: their harmonic mean.

/////////////////////////////////////////////////////////////////////////////
//                                 G.1                                     //
//                       COMPLETE THESE FUNCTIONS.                         //
/////////////////////////////////////////////////////////////////////////////
/** confusion_matrix(labels, preds): rows are the true classes, columns the predicted ones. */
export function confusionMatrix(labels: readonly number[], preds: readonly number[], numClasses: number): number[][] {
  // BEGIN SOLUTION
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  labels.forEach((truth, i) => (cm[truth][preds[i]] += 1));
  return cm;
  // END SOLUTION
  // STARTER: return todo(`G.1: confusionMatrix of ${labels.length} samples, ${numClasses} classes`);
}

/** cm / cm.sum(axis=1)[:, np.newaxis]; a row without samples stays 0. */
export function normalizeConfusionMatrix(cm: readonly (readonly number[])[]): number[][] {
  // BEGIN SOLUTION
  return cm.map((row) => {
    const sum = row.reduce((s, v) => s + v, 0);
    return row.map((v) => (sum === 0 ? 0 : v / sum));
  });
  // END SOLUTION
  // STARTER: return todo('G.1: normalizeConfusionMatrix');
}

/** Per-class true positives, predicted counts and true counts. */
function counts(labels: readonly number[], preds: readonly number[], numClasses: number) {
  const tp = new Array<number>(numClasses).fill(0);
  const predicted = new Array<number>(numClasses).fill(0);
  const support = new Array<number>(numClasses).fill(0);
  labels.forEach((truth, i) => {
    support[truth] += 1;
    predicted[preds[i]] += 1;
    if (preds[i] === truth) tp[truth] += 1;
  });
  return { tp, predicted, support };
}

/** 0/0 -> 0, scikit-learn's default zero_division. */
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
/** F1 as scikit-learn computes it: 2 * p * r / (p + r), 0 when both are 0. */
const f1Of = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/////////////////////////////////////////////////////////////////////////////
//                                 G.2                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
/** classification_report(labels, preds, target_names=classNames, output_dict=True). */
export function classificationReport(labels: readonly number[], preds: readonly number[], classNames: readonly string[]): ClassificationReport {
  // BEGIN SOLUTION
  const n = classNames.length;
  const { tp, predicted, support } = counts(labels, preds, n);
  const classes = classNames.map((name, c) => {
    const precision = ratio(tp[c], predicted[c]);
    const recall = ratio(tp[c], support[c]);
    return { name, precision, recall, f1: f1Of(precision, recall), support: support[c] };
  });
  const total = labels.length;
  const average = (key: 'precision' | 'recall' | 'f1', weighted: boolean) =>
    classes.reduce((s, c) => s + c[key] * (weighted ? c.support : 1), 0) / (weighted ? total : n);
  const avg = (weighted: boolean): ClassScores => ({
    precision: average('precision', weighted),
    recall: average('recall', weighted),
    f1: average('f1', weighted),
    support: total,
  });
  const correct = tp.reduce((s, v) => s + v, 0);
  return { classes, accuracy: correct / total, macroAvg: avg(false), weightedAvg: avg(true) };
  // END SOLUTION
  // STARTER: return todo(`G.2: classificationReport of ${labels.length} samples`);
}

/////////////////////////////////////////////////////////////////////////////
//                                 H.1                                     //
//                       COMPLETE THIS FUNCTION.                           //
/////////////////////////////////////////////////////////////////////////////
/** f1_score(labels, preds, average=None) and its mean (macro F1). */
export function f1Scores(labels: readonly number[], preds: readonly number[], numClasses: number): { perClass: number[]; macro: number } {
  // BEGIN SOLUTION
  const { tp, predicted, support } = counts(labels, preds, numClasses);
  const perClass = tp.map((t, c) => f1Of(ratio(t, predicted[c]), ratio(t, support[c])));
  return { perClass, macro: perClass.reduce((s, v) => s + v, 0) / numClasses };
  // END SOLUTION
  // STARTER: return todo('H.1: f1Scores');
}
