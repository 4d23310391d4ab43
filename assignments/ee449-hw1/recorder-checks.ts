// Parts 3-5: a submission's recorded curves against the grader's replay of the same training (same model,
// initial weights and batches; recorder.ts). Each curve is compared with tolerances that cover float rounding
// between the sandbox's engine and the grader's (measured: losses agree to ~3e-6, weights to ~4e-5 after 40
// Adam steps, accuracies exactly); when a curve differs, the grader recomputes what the usual mistakes would
// have recorded, from the per-step losses and counts of its replay, and names the one that matches.
import type { GraderRecord } from './recorder.ts';

export const LOSS_TOL = { abs: 1e-4, rel: 1e-4 };
export const WEIGHT_TOL = 2e-4;
/** Gradient norms span orders of magnitude: a fraction of the value. */
export const RELATIVE_TOL = 1e-3;

const fmt = (xs: readonly number[], digits = 4) => `[${xs.map((v) => (Number.isFinite(v) ? v.toFixed(digits) : String(v))).join(', ')}]`;

export function closeCurves(got: unknown, want: readonly number[], tol: (i: number) => number): boolean {
  return Array.isArray(got) && got.length === want.length && got.every((v, i) => typeof v === 'number' && Math.abs(v - want[i]) <= tol(i));
}

const lossTol = (want: readonly number[]) => (i: number) => LOSS_TOL.abs + LOSS_TOL.rel * Math.abs(want[i]);

/** What a recorder with a common mistake would have recorded, from the replay's per-step figures. */
function lossAlternatives(r: GraderRecord, every: number, stepsPerEpoch: number): [string, number[]][] {
  const at = (f: (s: number) => number) => Array.from({ length: Math.floor(r.steps / every) }, (_, k) => f((k + 1) * every));
  const mean = (from: number, to: number) => r.stepLosses.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
  return [
    ['the loss of the recording step alone (the seed averages the 10 steps since the previous record: running_loss / 10)', at((s) => r.stepLosses[s - 1])],
    ['the sum of the 10 losses, not their mean', at((s) => 10 * mean(s - every, s))],
    ['the running loss is never reset after a record (a mean since the start)', at((s) => mean(0, s))],
    ['the mean since the start of the epoch', at((s) => mean(Math.floor((s - 1) / stepsPerEpoch) * stepsPerEpoch, s))],
  ];
}

function accAlternatives(r: GraderRecord, every: number, stepsPerEpoch: number): [string, number[]][] {
  const at = (f: (s: number) => number) => Array.from({ length: Math.floor(r.steps / every) }, (_, k) => f((k + 1) * every));
  const acc = (from: number, to: number) => {
    let c = 0;
    let n = 0;
    for (let i = from; i < to; i++) {
      c += r.stepCorrect[i];
      n += r.stepSeen[i];
    }
    return (100 * c) / n;
  };
  const epochStart = (s: number) => Math.floor((s - 1) / stepsPerEpoch) * stepsPerEpoch;
  return [
    ['the counts are never reset: the seed sets correct = total = 0 at the start of every epoch', at((s) => acc(0, s))],
    ['only the last 10 batches are counted; the seed counts every batch of the epoch so far', at((s) => acc(s - every, s))],
    ['a fraction in [0, 1], not a percentage', at((s) => acc(epochStart(s), s) / 100)],
  ];
}

function diagnose(got: unknown, alternatives: [string, number[]][], tol: (want: readonly number[]) => (i: number) => number): string {
  const hit = alternatives.find(([, alt]) => closeCurves(got, alt, tol(alt)));
  return hit ? `: that is ${hit[0]}` : '';
}

function lengthProblem(name: string, got: unknown, want: number, steps: number): string | undefined {
  if (!Array.isArray(got)) return `${name} is ${got === undefined ? 'missing' : typeof got}, expected an array of ${want} numbers`;
  if (got.length === want) return undefined;
  return `${name} has ${got.length} entries, expected ${want} (${steps} steps, one record after every 10th step${got.length > want ? '' : '; a record once per epoch instead?'})`;
}

export interface CurveCheck {
  name: string;
  got: unknown;
  want: number[];
  /** loss: 1e-4 absolute + 1e-4 relative; relative: 1e-3 of the value (gradient norms span orders of magnitude); accuracy: one image. */
  kind: 'loss' | 'relative' | 'accuracy';
  /** Images behind each accuracy figure (one image's worth of difference is tolerated). */
  images?: (i: number) => number;
  alternatives?: [string, number[]][];
}

/** Compares one recorded curve with the replay's; returns the problem, or undefined when it agrees. */
export function curveProblem(c: CurveCheck, steps: number): string | undefined {
  const len = lengthProblem(c.name, c.got, c.want.length, steps);
  if (len) return len;
  const tol =
    c.kind === 'loss' ? lossTol : c.kind === 'relative' ? (want: readonly number[]) => (i: number) => RELATIVE_TOL * Math.abs(want[i]) + 1e-12 : () => (i: number) => 100 / (c.images?.(i) ?? 100) + 1e-9;
  if (closeCurves(c.got, c.want, tol(c.want))) return undefined;
  const show = (xs: readonly number[]) => (c.kind === 'relative' ? `[${xs.map((v) => (Number.isFinite(v) ? v.toExponential(4) : String(v))).join(', ')}]` : fmt(xs, c.kind === 'loss' ? 4 : 2));
  return `${c.name}: expected ${show(c.want)}, got ${show(c.got as number[])}${diagnose(c.got, c.alternatives ?? [], tol)}`;
}

export function recordCurveChecks(got: Record<string, unknown>, r: GraderRecord, valImages: number, stepsPerEpoch: number): CurveCheck[] {
  const seenSoFar = (k: number) => {
    const s = (k + 1) * 10;
    const start = Math.floor((s - 1) / stepsPerEpoch) * stepsPerEpoch;
    return r.stepSeen.slice(start, s).reduce((a, b) => a + b, 0);
  };
  return [
    { name: 'lossCurve', got: got.lossCurve, want: r.lossCurve, kind: 'loss', alternatives: lossAlternatives(r, 10, stepsPerEpoch) },
    { name: 'trainAccCurve', got: got.trainAccCurve, want: r.trainAccCurve, kind: 'accuracy', images: seenSoFar, alternatives: accAlternatives(r, 10, stepsPerEpoch) },
    { name: 'valAccCurve', got: got.valAccCurve, want: r.valAccCurve, kind: 'accuracy', images: () => valImages },
  ];
}

/** The first layer's weights after training against the replay's. */
export function weightsProblem(got: unknown, r: GraderRecord): string | undefined {
  const w = got as { shape?: unknown; values?: unknown } | undefined;
  const shape = Array.isArray(w?.shape) ? (w.shape as unknown[]) : undefined;
  if (!shape || shape.join() !== r.firstKernel.shape.join()) {
    return `firstLayerWeights.shape is ${shape ? `[${shape.join(', ')}]` : 'missing'}, expected [${r.firstKernel.shape.join(', ')}] (the kernel of the first layer that has weights, as tfjs holds it: Dense [in, out], Conv2D [kh, kw, in, out])`;
  }
  const values = w!.values as ArrayLike<number> | undefined;
  if (!values || values.length !== r.firstKernel.values.length) return `firstLayerWeights.values has ${values?.length ?? 0} numbers, expected ${r.firstKernel.values.length}`;
  let d = 0;
  for (let i = 0; i < values.length; i++) d = Math.max(d, Math.abs(Number(values[i]) - r.firstKernel.values[i]));
  if (!(d <= WEIGHT_TOL)) return `firstLayerWeights differ from the replay's by up to ${d.toExponential(2)} (tolerance ${WEIGHT_TOL}): the training itself differs (the optimizer and its settings, one step per batch, every batch of every epoch)`;
  return undefined;
}
