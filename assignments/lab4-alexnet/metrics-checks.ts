// G and H: the confusion matrix, the classification report (figures and text), F1 scores, model size and the
// summary table, checked as functions on data: golden/metrics.json and label/prediction sets drawn from the run
// seed, against the grader's scikit-learn maths (sklearn-metrics.ts).
import { countParameters, GradingFailure, type Part, type Rng, type Submission } from 'dlgrade/kit';
import type { ClassificationReport, ClassScores, History, ModelRun, SummaryRow } from './contract.ts';
import golden from './golden.json' with { type: 'json' };
import { confusionMatrixOf, expectedF1, expectedReport, expectedReportText, normalizedRows } from './sklearn-metrics.ts';
import { trainCheckModel } from './tiny-models.ts';

const TOL = 1e-9;

export interface LabelSet {
  name: string;
  labels: number[];
  preds: number[];
  classNames: string[];
}

export const goldenSet = (): LabelSet => ({ name: 'golden metrics.json (300 samples, CIFAR-10 class names)', labels: golden.metrics.labels, preds: golden.metrics.preds, classNames: golden.metrics.class_names });

/**
 * `n` labels over `classes` classes (every class present), predictions right with probability `skill`;
 * `neverPredicted` classes are never predicted (scikit-learn's zero_division case).
 */
export function randomSet(rng: Rng, name: string, n: number, classes: number, o: { skill?: number; neverPredicted?: number[]; classNames?: string[] } = {}): LabelSet {
  const skill = o.skill ?? 0.6;
  const never = new Set(o.neverPredicted ?? []);
  const allowed = Array.from({ length: classes }, (_, c) => c).filter((c) => !never.has(c));
  const labels = Array.from({ length: n }, (_, i) => (i < classes ? i : rng.int(classes)));
  const preds = labels.map((y) => (rng.next() < skill && !never.has(y) ? y : allowed[rng.int(allowed.length)]!));
  return { name, labels, preds, classNames: o.classNames ?? Array.from({ length: classes }, (_, c) => `class_${c}`) };
}

/** Class 0 predicted 16 times and right once: precision 1/16 = 0.0625, printed 0.062 (ties to even). */
export function tieSet(rng: Rng): LabelSet {
  const classes = 4;
  const labels = [0, ...new Array<number>(15).fill(1)];
  const preds = new Array<number>(16).fill(0);
  for (let i = 0; i < 24; i++) {
    const y = 1 + rng.int(classes - 1);
    labels.push(y);
    preds.push(rng.next() < 0.7 ? y : 1 + rng.int(classes - 1));
  }
  return { name: 'a precision of exactly 1/16 (0.0625)', labels, preds, classNames: ['plane', 'car', 'bird', 'cat'] };
}

const transpose = (m: number[][]) => m[0]!.map((_, j) => m.map((row) => row[j]!));
const sameMatrix = (a: unknown, b: number[][], tol = 0) =>
  Array.isArray(a) && a.length === b.length && b.every((row, i) => Array.isArray(a[i]) && (a[i] as number[]).length === row.length && row.every((v, j) => Math.abs((a[i] as number[])[j]! - v) <= tol));

export function confusionPart(sub: Submission, s: LabelSet): Part {
  return {
    name: `confusion matrix, ${s.name}`,
    check: async () => {
      const k = s.classNames.length;
      const where = `confusionMatrix(labels, preds, ${k}) on ${s.name}`;
      const got = await sub.call<number[][]>('confusion', { labels: s.labels, preds: s.preds, numClasses: k }, { what: where });
      const want = confusionMatrixOf(s.labels, s.preds, k);
      if (sameMatrix(got, want)) return;
      if (sameMatrix(got, transpose(want))) throw new GradingFailure(`${where}: the matrix is transposed: cm[i][j] must count samples of TRUE class i PREDICTED as j (rows true, columns predicted, as sklearn's confusion_matrix); e.g. true ${0} predicted ${1}: expected ${want[0]![1]}, got ${got[0]![1]} (G.1)`);
      const e = want.findIndex((row, i) => !sameMatrix([got?.[i]], [row]));
      throw new GradingFailure(`${where}: row ${e} (true class ${e}) expected [${want[e]!.join(', ')}], got ${JSON.stringify(got?.[e])} (G.1: rows true, columns predicted, ${k}x${k})`);
    },
  };
}

export function normalizePart(sub: Submission, s: LabelSet, emptyRow = false): Part {
  return {
    name: `row normalisation${emptyRow ? ' with a class without samples' : ''}`,
    check: async () => {
      const cm = confusionMatrixOf(s.labels, s.preds, s.classNames.length + (emptyRow ? 1 : 0));
      const where = `normalizeConfusionMatrix on the ${cm.length}x${cm.length} confusion matrix of ${s.name}${emptyRow ? ' (its last class has no sample)' : ''}`;
      const got = await sub.call<number[][]>('normalize', { cm }, { what: where });
      const want = normalizedRows(cm);
      if (sameMatrix(got, want, 1e-12)) return;
      const cols = transpose(cm).map((c) => c.reduce((a, b) => a + b, 0));
      const byColumn = cm.map((row) => row.map((v, j) => (cols[j] ? v / cols[j]! : 0)));
      const why = sameMatrix(got, byColumn, 1e-12) ? ': the columns were normalised; divide each ROW by its sum (the share of each true class predicted as each class)' : emptyRow && Array.isArray(got) && got.at(-1)?.some((v) => !Number.isFinite(v)) ? ': a row with no samples must stay 0 (not NaN)' : ' (G.1: cm / cm.sum(axis=1)[:, None])';
      throw new GradingFailure(`${where}: expected rows summing to 1, e.g. row 0 [${want[0]!.map((v) => v.toFixed(4)).join(', ')}], got ${JSON.stringify(got?.[0]?.map((v) => +v.toFixed(4)))}${why}`);
    },
  };
}

const KEYS = ['precision', 'recall', 'f1', 'support'] as const;
const sameScores = (a: ClassScores | undefined, b: ClassScores) => !!a && KEYS.every((k) => typeof a[k] === 'number' && Math.abs(a[k] - b[k]) <= TOL);
const fmtScores = (s: ClassScores | undefined) => (s ? `{ precision ${s.precision}, recall ${s.recall}, f1 ${s.f1}, support ${s.support} }` : 'nothing');

/** Two parts per set: the per-class figures (and accuracy), the macro and weighted averages. */
export function reportParts(sub: Submission, s: LabelSet): Part[] {
  const where = `classificationReport(labels, preds, classNames) on ${s.name}`;
  let answer: Promise<ClassificationReport> | undefined;
  const got = () => (answer ??= sub.call<ClassificationReport>('report', { labels: s.labels, preds: s.preds, classNames: s.classNames }, { what: where }));
  const want = expectedReport(s.labels, s.preds, s.classNames);
  return [
    {
      name: `per-class figures, ${s.name}`,
      check: async () => {
        const r = await got();
        const e = want.classes.findIndex((c, i) => !sameScores(r?.classes?.[i], c) || r.classes[i]!.name !== c.name);
        if (e >= 0) {
          const w = want.classes[e]!;
          const g = r?.classes?.[e];
          const zero = w.precision === 0 && g && Number.isNaN(g.precision) ? ': a class that is never predicted has precision 0/0, which scikit-learn reports as 0 (zero_division default)' : '';
          throw new GradingFailure(`${where}: class ${e} "${w.name}": expected ${fmtScores(w)}, got ${fmtScores(g)}${g && g.name !== w.name ? ` named "${g.name}"` : ''}${zero} (G.2: precision = tp / predicted, recall = tp / true, f1 = 2pr / (p + r))`);
        }
        if (!(Math.abs(r.accuracy - want.accuracy) <= TOL)) {
          throw new GradingFailure(`${where}: expected accuracy ${want.accuracy}, got ${r.accuracy}${Math.abs(r.accuracy - 100 * want.accuracy) <= 1e-6 ? ': the report writes accuracy as a fraction (0.613), not a percentage' : ''} (G.2)`);
        }
      },
    },
    {
      name: `macro and weighted averages, ${s.name}`,
      check: async () => {
        const r = await got();
        if (sameScores(r?.macroAvg, want.macroAvg) && sameScores(r?.weightedAvg, want.weightedAvg)) return;
        if (sameScores(r?.macroAvg, want.weightedAvg) && sameScores(r?.weightedAvg, want.macroAvg)) {
          throw new GradingFailure(`${where}: macroAvg and weightedAvg are swapped: macro is the plain mean over classes (${fmtScores(want.macroAvg)}), weighted the mean weighted by support (${fmtScores(want.weightedAvg)}) (G.2)`);
        }
        const [key, w, g] = sameScores(r?.macroAvg, want.macroAvg) ? (['weightedAvg', want.weightedAvg, r?.weightedAvg] as const) : (['macroAvg', want.macroAvg, r?.macroAvg] as const);
        throw new GradingFailure(`${where}: expected ${key} ${fmtScores(w)}, got ${fmtScores(g)} (G.2: macro = plain mean of the per-class figures, weighted = mean weighted by support; support = all samples)`);
      },
    },
  ];
}

/** The text of the grader's own report for a set: tests formatting alone, whatever the submission's figures. */
export function reportTextPart(sub: Submission, s: LabelSet, digits: number): Part {
  return {
    name: `text with digits=${digits}, ${s.name}`,
    check: async () => {
      const report = expectedReport(s.labels, s.preds, s.classNames);
      const where = `formatClassificationReport(report, ${digits}) for ${s.name}`;
      const got = await sub.call<string>('reportText', { report, digits }, { what: where });
      const want = digits === 3 && s.labels === golden.metrics.labels ? golden.metrics.classification_report_text_digits3 : expectedReportText(report, digits);
      if (got === want) return;
      if (typeof got !== 'string') throw new GradingFailure(`${where}: expected a string, got ${typeof got} (G.3)`);
      const gl = got.split('\n');
      const wl = want.split('\n');
      const e = wl.findIndex((l, i) => gl[i] !== l);
      const line = e < 0 ? wl.length : e;
      const tie = /0\.0625|0\.5625|0\.1875|0\.3125|0\.4375|0\.6875|0\.8125|0\.9375/.test(JSON.stringify(report)) && gl[line]?.replace(/\d\.\d+/g, '#') === wl[line]?.replace(/\d\.\d+/g, '#');
      throw new GradingFailure(
        `${where}: line ${line + 1} differs: expected ${JSON.stringify(wl[line] ?? '(end of text)')}, got ${JSON.stringify(gl[line] ?? '(end of text)')}${tie ? ": Python rounds the exact value half to even (0.0625 -> '0.062'); toFixed rounds such ties up" : ''} (G.3: the layout of classification_report, each line ending with "\\n"; golden/metrics.json holds an example)`,
      );
    },
  };
}

export function f1Part(sub: Submission, s: LabelSet): Part {
  return {
    name: `F1 scores, ${s.name}`,
    check: async () => {
      const k = s.classNames.length;
      const where = `f1Scores(labels, preds, ${k}) on ${s.name}`;
      const got = await sub.call<{ perClass: number[]; macro: number }>('f1', { labels: s.labels, preds: s.preds, numClasses: k }, { what: where });
      const want = expectedF1(s.labels, s.preds, k);
      const e = want.perClass.findIndex((v, i) => !(Math.abs((got?.perClass?.[i] ?? NaN) - v) <= TOL));
      if (e >= 0 || got.perClass.length !== k) throw new GradingFailure(`${where}: class ${e}: expected F1 ${want.perClass[e]}, got ${got?.perClass?.[e]} (H.1: f1_score(average=None): 2 * precision * recall / (precision + recall), 0 when both are 0)`);
      if (!(Math.abs(got.macro - want.macro) <= TOL)) throw new GradingFailure(`${where}: expected macro F1 ${want.macro} (the mean of the per-class F1), got ${got.macro} (H.1)`);
    },
  };
}

/** A plausible history for the summary table, drawn from `rng`. */
export function randomHistory(rng: Rng, epochs: number): History {
  const acc = (start: number) => {
    let a = start;
    return Array.from({ length: epochs }, () => (a = Math.min(99, Math.max(1, a + 8 * rng.normal() + 3))));
  };
  return { trainLoss: Array.from({ length: epochs }, () => 2 * rng.next()), trainAcc: acc(30), testLoss: Array.from({ length: epochs }, () => 2 * rng.next()), testAcc: acc(35), trainingTime: 100 + 900 * rng.next() };
}

export function expectedSummary(runs: readonly ModelRun[]): SummaryRow[] {
  return runs.map((r) => ({
    model: r.name,
    parameters: r.parameters,
    bestTrainAcc: Math.max(...r.history.trainAcc),
    bestTestAcc: Math.max(...r.history.testAcc),
    finalTestAcc: r.history.testAcc.at(-1)!,
    trainingTime: r.history.trainingTime,
    overfittingGap: r.history.trainAcc.at(-1)! - r.history.testAcc.at(-1)!,
  }));
}

export function summaryParts(sub: Submission, runs: ModelRun[]): Part[] {
  const where = `summarizeResults on ${runs.length} runs (${runs.map((r) => r.name).join(', ')})`;
  let answer: Promise<SummaryRow[]> | undefined;
  const got = () => (answer ??= sub.call<SummaryRow[]>('summary', { runs }, { what: where }));
  const want = expectedSummary(runs);
  const field = (keys: (keyof SummaryRow)[], hint: (k: keyof SummaryRow, w: SummaryRow, g: SummaryRow | undefined) => string) => async () => {
    const rows = await got();
    if (!Array.isArray(rows) || rows.length !== want.length) throw new GradingFailure(`${where}: expected ${want.length} rows (one per run, in order), got ${Array.isArray(rows) ? rows.length : typeof rows} (H.3)`);
    for (let i = 0; i < want.length; i++) {
      for (const k of keys) {
        const w = want[i]![k];
        const g = rows[i]?.[k];
        if (typeof w === 'number' ? !(Math.abs((g as number) - w) <= 1e-9) : g !== w) throw new GradingFailure(`${where}: row ${i} (${want[i]!.model}) ${k}: expected ${w}, got ${g}${hint(k, want[i]!, rows[i])} (H.3)`);
      }
    }
  };
  return [
    {
      name: 'best and final accuracies',
      check: field(['model', 'parameters', 'bestTrainAcc', 'bestTestAcc', 'finalTestAcc'], (k, w, g) => (k === 'finalTestAcc' && g?.finalTestAcc === w.bestTestAcc ? ': the final accuracy is the last epoch\'s, not the best' : '')),
    },
    {
      name: 'training time and overfitting gap',
      check: field(['trainingTime', 'overfittingGap'], (k, w, g) => (k === 'overfittingGap' && g && Math.abs(g.overfittingGap + w.overfittingGap) <= 1e-9 ? ': the gap is final train accuracy minus final test accuracy (negative when the test accuracy is higher)' : '')),
    },
  ];
}

/** modelSizeMb on the harness's check model, all trainable or with `freeze` layers frozen. */
export function sizePart(sub: Submission, classes: number, seed: number, freeze: string[]): Part {
  return {
    name: freeze.length ? `with ${freeze.join(', ')} frozen` : 'all layers trainable',
    check: async () => {
      const model = trainCheckModel(classes, seed);
      try {
        for (const l of model.layers) if (freeze.includes(l.name)) l.trainable = false;
        const c = countParameters(model);
        const want = (c.trainable * 4) / 1024 ** 2;
        const where = `modelSizeMb on a Conv2D-BatchNorm-Dense model with ${c.trainable} trainable parameters${freeze.length ? ` (${freeze.join(', ')} frozen: ${c.total - c.trainable} more that do not train)` : ''}`;
        const got = await sub.call<number>('modelSize', { classes, seed, freeze }, { what: where });
        if (typeof got === 'number' && Math.abs(got - want) <= 1e-12) return;
        const as = (n: number) => typeof got === 'number' && Math.abs(got - (n * 4) / 1024 ** 2) <= 1e-12;
        const why = as(c.total + c.buffers) || as(c.trainable + c.buffers)
          ? ": that counts BatchNorm's moving statistics (tfjs countParams()); PyTorch's count_parameters counts trainable parameters only"
          : as(c.total)
            ? ': that counts frozen parameters too; count_parameters counts only those with requires_grad (model.trainableWeights)'
            : typeof got === 'number' && Math.abs(got - c.trainable * 4) <= 1e-9
              ? ': that is bytes; divide by 1024 ** 2'
              : ' (H.2: trainable parameters * 4 bytes / 1024 ** 2)';
        throw new GradingFailure(`${where}: expected ${want} MB, got ${got}${why}`);
      } finally {
        model.dispose();
      }
    },
  };
}
