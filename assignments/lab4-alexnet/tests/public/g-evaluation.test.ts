// G. Confusion matrix, classification report and its text, on golden/metrics.json and on label/prediction sets
// drawn from the run seed, against the grader's scikit-learn maths.
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { confusionPart, goldenSet, normalizePart, randomSet, reportParts, reportTextPart } from '../../metrics-checks.ts';

const sub = useSubmission();

test('G.confusion: confusion matrix (rows true, columns predicted) on golden/metrics.json and other sets; row normalisation', async () => {
  const s = randomSet(runRng('lab4-alexnet:confusion'), '150 samples of 7 classes', 150, 7);
  await gradeParts([confusionPart(sub, goldenSet()), confusionPart(sub, s), normalizePart(sub, s)]);
});

test('G.report: per-class precision, recall, F1, support, accuracy, macro and weighted averages (golden/metrics.json and another set)', async () => {
  const s = randomSet(runRng('lab4-alexnet:report'), '200 samples of 6 classes', 200, 6, { skill: 0.5 });
  await gradeParts([...reportParts(sub, goldenSet()), ...reportParts(sub, s)]);
});

test("G.report.text: the report's text exactly as scikit-learn prints it (digits=3, digits=2, a long class name)", async () => {
  const rng = runRng('lab4-alexnet:report-text');
  const long = randomSet(rng, '90 samples of 5 classes, one name longer than "weighted avg"', 90, 5, { classNames: ['cat', 'dog', 'automobile', 'a very long class name', 'ship'] });
  await gradeParts([reportTextPart(sub, goldenSet(), 3), reportTextPart(sub, randomSet(rng, '120 samples of 8 classes', 120, 8), 2), reportTextPart(sub, long, 3)]);
});
