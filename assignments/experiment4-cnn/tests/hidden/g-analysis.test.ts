// G (hidden): the most confused pairs above a threshold, as the notebook lists them.
import { test } from 'vitest';
import { GradingFailure, runRng, useSubmission } from 'dlgrade/kit';
import { analysisCase, type AnalysisResult } from '../../analysis-cases.ts';
import { confusedPairsOf } from '../../analysis-maths.ts';

const sub = useSubmission();

test('G.pairs: mostConfusedPairs lists every i != j with a count above the threshold, row by row', async () => {
  const c = analysisCase(runRng('G.pairs'));
  const got = await sub.call<AnalysisResult>('analysis', c);
  const want = confusedPairsOf(c.confusion, c.threshold);
  if (JSON.stringify(got.pairs) === JSON.stringify(want)) return;
  const withTies = confusedPairsOf(c.confusion, c.threshold - 1e-9);
  const why = JSON.stringify(got.pairs) === JSON.stringify(withTies) ? ' (a count equal to the threshold is not "more than")' : Array.isArray(got.pairs) && got.pairs.length === want.length ? ' (the notebook lists them row by row: true class, then predicted class)' : '';
  throw new GradingFailure(`mostConfusedPairs(confusion ${c.classes}x${c.classes}, threshold ${c.threshold}): expected ${JSON.stringify(want)}, got ${typeof got.pairs === 'string' ? `an error: ${got.pairs}` : JSON.stringify(got.pairs)}${why} (G.4)`);
});
