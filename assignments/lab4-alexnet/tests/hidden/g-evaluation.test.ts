// G (hidden): scikit-learn's zero_division case (a class never predicted), a rounding tie in the text, and a
// class without samples in the normalised confusion matrix.
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { normalizePart, randomSet, reportParts, reportTextPart, tieSet } from '../../metrics-checks.ts';

const sub = useSubmission();

test('G.report.hidden: a class never predicted (zero_division), a rounding tie, a class without samples in the normalised matrix', async () => {
  const rng = runRng('lab4-alexnet:report-hidden');
  const never = randomSet(rng, '140 samples of 10 classes, class 9 never predicted', 140, 10, { neverPredicted: [9], classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] });
  await gradeParts([...reportParts(sub, never), reportTextPart(sub, never, 3), reportTextPart(sub, tieSet(rng), 3), normalizePart(sub, randomSet(rng, '60 samples of 4 classes', 60, 4), true)]);
});
