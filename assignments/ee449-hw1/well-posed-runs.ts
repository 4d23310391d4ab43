// The grader's replays of the recorder and gradient checks (parts 3-5), on set-ups where rounding cannot decide
// what is recorded. The student's code runs in the sandbox (products on the wasm GEMM), the replay in the
// grader (products on a native BLAS when there is one): their last bits differ, and on some drawn set-ups that
// decides a recorded figure. Measured on the reference over 515 run seeds: 4.recorder lost points on 8 (a ReLU
// or max-pool of the CNN at its kink at a recording step: the gradient norm 1.1-7.8x its tolerance away),
// 3.recorder.hidden on 3 (Adam moved one first-layer weight 1.2-3.4x the tolerance away); 3.recorder came to
// 0.5x and 4.gradnorm to 0.56x. So where a replay can be sensitive (Adam; ReLU or max-pooling) the checks use
// the first set-up from the drawn one (the seed stepped on) whose replays agree when they round differently
// (dlgrade/kit's firstWellPosed; for Adam also tfjs's own formula). Plain SGD on the sigmoid MLP is smooth
// (measured: within 5e-4 of every tolerance) and keeps its drawn set-up.
import { firstWellPosed, initLikeTorch, loaderOrder, nudged, spreadOf, steppedSeed, type RawImages, type Side, type WellPosed } from 'dlgrade/kit';
import type { HiddenActivation } from './architectures.ts';
import { recorderModel, type RecorderModelKind } from './harness-models.ts';
import { syntheticSplits, type ImageSplits, type SplitSizes } from './image-data.ts';
import { LOSS_TOL, RELATIVE_TOL, WEIGHT_TOL } from './recorder-checks.ts';
import { gradientNorms, recordTraining, type GraderRecord, type RecordBudget } from './recorder.ts';

export interface RecorderRun {
  kind: RecorderModelKind;
  /**
   * Sigmoid, for the replays to be robust: with ReLU and Adam, a unit whose input sits near 0 switches on in
   * one engine and off in the other from rounding alone, and the whole unit's weights part ways (measured: up
   * to 2e-3 apart after 40 steps, against 2e-5 with sigmoid). The recorder's rules do not depend on it.
   */
  activation: HiddenActivation;
  /** Initial weights, data and batch order (a per-run seed). */
  seed: number;
  sizes: SplitSizes;
}

export type ReplayBudget = Omit<RecordBudget, 'batchSize' | 'order'>;

/** The grader's own training of the run's model, as the contract says the student's must go. */
export function replay(run: RecorderRun, budget: ReplayBudget, data = syntheticSplits(run.seed, run.sizes)): GraderRecord {
  const model = recorderModel(run.kind, run.activation);
  try {
    initLikeTorch(model, run.seed);
    return recordTraining(model, data, { ...budget, batchSize: 50, order: (e) => loaderOrder(run.sizes.train, run.seed, e) });
  } finally {
    model.dispose();
  }
}

const nudgedImages = (x: RawImages, side: Side): RawImages => ({ ...x, images: nudged(x.images, side) });

/** How far two replays of one run are apart, in units of the recorder checks' tolerances (recorder-checks.ts). */
function recordSpread(a: GraderRecord, b: GraderRecord, sizes: SplitSizes): number {
  const loss = (w: number) => LOSS_TOL.abs + LOSS_TOL.rel * Math.abs(w);
  // Accuracies are allowed one image: count images.
  const images = (n: number) => () => 100 / n;
  return Math.max(
    spreadOf(a.lossCurve, b.lossCurve, loss),
    spreadOf(a.stepLossCurve, b.stepLossCurve, loss),
    spreadOf(a.stepCorrect, b.stepCorrect, () => 1),
    spreadOf(a.valAccCurve, b.valAccCurve, images(sizes.val)),
    spreadOf(a.epochValAcc, b.epochValAcc, images(sizes.val)),
    spreadOf([a.testAcc ?? 0], [b.testAcc ?? 0], images(sizes.test)),
    spreadOf(a.gradCurve, b.gradCurve, (w) => RELATIVE_TOL * Math.abs(w) + 1e-12),
    spreadOf(a.firstKernel.values, b.firstKernel.values, () => WEIGHT_TOL),
  );
}

/** The run the checks use from the drawn one, its images, and the replay they compare with. */
export function wellPosedRun(drawn: RecorderRun, budget: ReplayBudget): WellPosed<{ run: RecorderRun; data: ImageSplits }, GraderRecord> {
  const data = syntheticSplits(drawn.seed, drawn.sizes);
  if (!(budget.optimizer === 'adam' || drawn.kind === 'cnn' || drawn.activation === 'relu')) return { setup: { run: drawn, data }, want: replay(drawn, budget, data), tries: 1, spread: 0 };
  return firstWellPosed(
    (k) => {
      if (k === 0) return { run: drawn, data };
      const run = { ...drawn, seed: steppedSeed(drawn.seed, k) };
      return { run, data: syntheticSplits(run.seed, run.sizes) };
    },
    ({ run, data }, side) => replay(run, budget, side === 0 ? data : { train: nudgedImages(data.train, side), val: nudgedImages(data.val, side), test: nudgedImages(data.test, side) }),
    (a, b) => recordSpread(a, b, drawn.sizes),
    // tfjs's own Adam (eps before the bias correction) is a correct torch.optim.Adam too.
    { alternatives: budget.optimizer === 'adam' ? [({ run, data }) => replay(run, { ...budget, adam: 'tfjs' }, data)] : [] },
  );
}

/**
 * 4.gradnorm: the model's seed the check uses from the drawn one, and the grader's gradient norms for it (the
 * first layer's kernel within `tol` of its value, relative).
 */
export function wellPosedGradient(kind: RecorderModelKind, activation: HiddenActivation, drawnSeed: number, batch: RawImages, tol: number): WellPosed<number, ReturnType<typeof gradientNorms>> {
  return firstWellPosed(
    (k) => steppedSeed(drawnSeed, k),
    (seed, side) => {
      const model = recorderModel(kind, activation);
      try {
        initLikeTorch(model, seed);
        return gradientNorms(model, nudgedImages(batch, side));
      } finally {
        model.dispose();
      }
    },
    (a, b) => Math.abs(a.kernel - b.kernel) / (tol * b.kernel),
  );
}
