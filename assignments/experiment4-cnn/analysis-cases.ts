// Per-run inputs of exercise G: labels and predictions over a few classes (one class absent), and a confusion
// matrix with entries on both sides of the threshold.
import type { Rng } from 'dlgrade/kit';
import { confusionOf } from './analysis-maths.ts';

export interface AnalysisCase {
  labels: Int32Array;
  predictions: Int32Array;
  classes: number;
  confusion: number[][];
  threshold: number;
}

export interface AnalysisResult {
  perClass: number[] | string;
  confusion: number[][] | string;
  pairs: { trueClass: number; predictedClass: number; count: number }[] | string;
}

export function analysisCase(rng: Rng): AnalysisCase {
  const classes = 4 + rng.int(6);
  const absent = rng.int(classes);
  const n = 60 + rng.int(60);
  const labels = Int32Array.from({ length: n }, () => {
    const k = rng.int(classes - 1);
    return k >= absent ? k + 1 : k;
  });
  const predictions = Int32Array.from(labels, (y) => (rng.next() < 0.6 ? y : rng.int(classes)));
  const confusion = confusionOf(labels, predictions, classes).map((row) => row.map((v) => v * (1 + rng.int(20))));
  const threshold = 10 + rng.int(20);
  // An entry exactly at the threshold: "more than" excludes it.
  confusion[(absent + 1) % classes]![(absent + 2) % classes] = threshold;
  return { labels, predictions, classes, confusion, threshold };
}
