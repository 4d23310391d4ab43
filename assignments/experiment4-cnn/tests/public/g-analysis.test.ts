// G. Per-class accuracy and the confusion matrix, on per-run labels and predictions.
import { test } from 'vitest';
import { GradingFailure, runRng, useSubmission } from 'dlgrade/kit';
import { confusionOf, perClassOf } from '../../analysis-maths.ts';
import { analysisCase, type AnalysisResult } from '../../analysis-cases.ts';

const sub = useSubmission();

test('G.per-class: perClassAccuracy gives 100 * correct / total per class', async () => {
  const c = analysisCase(runRng('G.per-class'));
  const got = await sub.call<AnalysisResult>('analysis', c);
  const want = perClassOf(c.labels, c.predictions, c.classes);
  const ok = Array.isArray(got.perClass) && got.perClass.length === want.length && want.every((w, k) => (Number.isNaN(w) ? Number.isNaN((got.perClass as number[])[k]!) : Math.abs((got.perClass as number[])[k]! - w) <= 1e-9));
  if (!ok) throw new GradingFailure(`perClassAccuracy(labels, predictions, ${c.classes}) on ${c.labels.length} per-run samples: expected [${want.map((v) => v.toFixed(2)).join(', ')}], got ${typeof got.perClass === 'string' ? `an error: ${got.perClass}` : `[${(got.perClass as number[]).map((v) => (typeof v === 'number' ? v.toFixed(2) : String(v))).join(', ')}]`} (G.2: percent; NaN for a class with no sample)`);
});

test('G.confusion: confusionMatrix[true][predicted] counts', async () => {
  const c = analysisCase(runRng('G.confusion'));
  const got = await sub.call<AnalysisResult>('analysis', c);
  const want = confusionOf(c.labels, c.predictions, c.classes);
  if (JSON.stringify(got.confusion) === JSON.stringify(want)) return;
  const transposed = JSON.stringify(want[0]!.map((_, j) => want.map((row) => row[j]))) === JSON.stringify(got.confusion);
  throw new GradingFailure(`confusionMatrix(labels, predictions, ${c.classes}) on per-run samples: expected ${JSON.stringify(want)}, got ${typeof got.confusion === 'string' ? `an error: ${got.confusion}` : JSON.stringify(got.confusion)}${transposed ? ' (transposed: rows are the true classes, columns the predictions)' : ''} (G.3)`);
});
