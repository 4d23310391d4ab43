// Inputs of exercise B's checks: the golden batch (losses.json) and per-run batches, with the expected values in
// float64 and the mistakes they name.
import { GradingFailure, type Rng } from 'dlgrade/kit';
import { crossEntropy, mixupLoss, nameLossMistake } from './loss-maths.ts';

export interface LossCase {
  name: string;
  logits: Float32Array;
  n: number;
  classes: number;
  labels: Int32Array;
}

export function randomLossCase(rng: Rng, name: string): LossCase {
  const n = 2 + rng.int(9);
  const classes = 2 + rng.int(11);
  const logits = Float32Array.from({ length: n * classes }, () => 3 * rng.normal());
  const labels = Int32Array.from({ length: n }, () => rng.int(classes));
  return { name, logits, n, classes, labels };
}

/** crossEntropyLoss for each smoothing (the first also through its gradient) against float64 maths. */
export async function checkCrossEntropy(call: <R>(probe: string, args: unknown) => Promise<R>, c: LossCase, smoothings: number[]): Promise<void> {
  const got = await call<{ values: number[]; grad: Float32Array; plain: number }>('crossEntropy', { ...c, smoothings });
  const where = `crossEntropyLoss on ${c.name} (${c.n} samples, ${c.classes} classes)`;
  const problems: string[] = [];
  const plain = crossEntropy(c.logits, c.labels, c.classes, 0);
  if (!(Math.abs(got.plain - plain) <= 1e-5 * Math.max(1, plain))) problems.push(`without labelSmoothing (default 0): expected ${plain}, got ${got.plain}`);
  smoothings.forEach((eps, i) => {
    const want = crossEntropy(c.logits, c.labels, c.classes, eps);
    const v = got.values[i];
    if (Math.abs(v - want) <= 1e-5 * Math.max(1, want)) return;
    const why = nameLossMistake(v, c.logits, c.labels, c.classes, eps);
    problems.push(`labelSmoothing ${eps}: expected ${want}, got ${v}${why ? `: ${why}` : ''}`);
  });
  // d loss / d logits = ((softmax - target) / n), target = (1 - eps) one_hot + eps / K.
  const eps = smoothings[0];
  const grad = new Float64Array(c.n * c.classes);
  for (let i = 0; i < c.n; i++) {
    const row = Array.from(c.logits.subarray(i * c.classes, (i + 1) * c.classes));
    const m = Math.max(...row);
    const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
    row.forEach((v, k) => (grad[i * c.classes + k] = (Math.exp(v - m) / z - ((k === c.labels[i] ? 1 - eps : 0) + eps / c.classes)) / c.n));
  }
  const gd = Math.max(...Array.from(grad, (g, j) => Math.abs(g - (got.grad[j] ?? NaN))));
  if (!(gd <= 1e-5)) problems.push(`its gradient with respect to the logits (labelSmoothing ${eps}) differs from (softmax - target) / n by up to ${gd} (build the loss from tf ops so tf.grad sees it)`);
  if (problems.length) throw new GradingFailure(`${where}:\n- ${problems.join('\n- ')}\n(B.1: target = (1 - eps) * one_hot + eps / classes, mean over the batch)`);
}

/** mixupCriterion with a trusted criterion: lam * c(logits, yA) + (1 - lam) * c(logits, yB). */
export async function checkMixupCriterion(call: <R>(probe: string, args: unknown) => Promise<R>, c: LossCase, yB: Int32Array, lam: number, smoothing: number): Promise<void> {
  const got = await call<number>('mixupCriterion', { logits: c.logits, n: c.n, classes: c.classes, yA: c.labels, yB, lam, smoothing });
  const want = mixupLoss(c.logits, c.labels, yB, lam, c.classes, smoothing);
  if (Math.abs(got - want) <= 1e-5 * Math.max(1, want)) return;
  const a = crossEntropy(c.logits, c.labels, c.classes, smoothing);
  const b = crossEntropy(c.logits, yB, c.classes, smoothing);
  const close = (v: number) => Math.abs(got - v) <= 1e-5 * Math.max(1, v);
  const why = close((1 - lam) * a + lam * b) ? ': lam and 1 - lam are swapped (lam weighs yA)' : close(a) ? ': only the yA term' : close(lam * a + lam * b) ? ': the yB term must be weighted by 1 - lam' : '';
  throw new GradingFailure(`mixupCriterion(criterion, logits, yA, yB, lam ${lam}) on ${c.name} (label smoothing ${smoothing}): expected ${want}, got ${got}${why} (B.2: lam * criterion(logits, yA) + (1 - lam) * criterion(logits, yB))`);
}
