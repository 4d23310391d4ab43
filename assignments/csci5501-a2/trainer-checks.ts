// The Trainer checks (exercise C), shared by the public and hidden suites. The student's Trainer runs in the
// sandbox on harness models and data built from seeds; everything it reports is checked against what the
// grader computes itself: the training is replayed here with the harness's AdamW (the weights after every
// epoch and the mean batch loss must agree), accuracy() against float64 maths, early stopping against the
// rule on sequences drawn from the run seed.
import * as tf from '@tensorflow/tfjs';
import { accuracyAndLoss, adamTrajectory, batchSizes, blobs, expectClose, expectedEarlyStop, gradeParts, GradingFailure, linear, note, runRng, timed, trajectoryDistance, type Rng, type Submission } from 'dlgrade/kit';
import { matchingSnapshot } from './checks.ts';
import golden from './golden.json' with { type: 'json' };
import type { TrainerRun } from './probes.ts';
import { tinyModel } from './tiny-models.ts';
import { near, replay, wellPosedRun, type RunArgs } from './trainer-replay.ts';

export type { RunArgs };

// ---- the training loop (C.1), replayed (trainer-replay.ts) ------------------------------------------------

/** Names and sizes of the tiny model's weights, in getWeights() order (how a snapshot is laid out). */
function weightLayout(seed: number): { name: string; size: number }[] {
  const m = tinyModel(seed);
  try {
    return m.weights.map((w) => ({ name: w.originalName, size: w.shape.reduce<number>((p, d) => p * (d ?? 0), 1) }));
  } finally {
    m.dispose();
  }
}

const nearNum = (a: number, b: number) => Math.abs(a - b) <= 1e-4 + 1e-3 * Math.abs(b);
const list = (xs: readonly number[]) => `[${xs.map((x) => (Number.isFinite(x) ? x.toFixed(4) : String(x))).join(', ')}]`;

/** C.train.loss: trainModel's weights after each epoch and its training losses are the replay's. */
export async function checkTrainingRun(sub: Submission, drawn: RunArgs): Promise<TrainerRun> {
  // A set-up where two correct AdamW implementations land together (trainer-replay.ts), drawn before the call.
  const { args: a, want } = timed('replay', 'C.1 trainModel', () => wellPosedRun(drawn));
  const where = `trainModel(train, val, { epochs: ${a.epochs}, lr: ${a.lr}, weightDecay: ${a.weightDecay}, earlyStoppingPatience: Infinity }) on a tiny model (Dense -> BatchNorm -> ReLU -> Dense) and ${a.n} samples in batches of ${a.batchSize}`;
  const r = await sub.call<TrainerRun>('trainerRun', a, { what: where });
  if (r.trainLosses.length !== a.epochs) throw new GradingFailure(`${where}: expected ${a.epochs} training losses (one per epoch), got ${r.trainLosses.length} (C.1: push the epoch's mean batch loss once per epoch)`);
  if (r.valCalls !== a.epochs) throw new GradingFailure(`${where}: expected this.accuracy(val) once per epoch (${a.epochs} calls), got ${r.valCalls} (contract.ts, Trainer rule 3)`);
  const first = r.snapshots.findIndex((s, e) => !near(s, want.snapshots[e]!));
  if (first >= 0) {
    const snap = r.snapshots[first]!;
    const inference = timed('replay', 'C.1 trainModel (inference mode)', () => replay(a, false, 'torch'));
    // Which tensors differ: only BatchNorm's moving statistics means they changed outside the training steps.
    const layout = weightLayout(a.seed);
    let at = 0;
    const differing = layout.filter((w) => {
      const slice = (x: Float32Array) => x.subarray(at, at + w.size);
      const d = !near(slice(snap), slice(want.snapshots[first]!));
      at += w.size;
      return d;
    });
    const why = near(snap, want.initial)
      ? "the model's weights did not change: each batch needs an optimizer step (optimizer.minimize(() => loss, true, variables()))"
      : near(snap, inference.snapshots[first]!)
        ? 'these are the weights of training in inference mode: the forward pass for training must be this.model.apply(xs, { training: true }) (model.predict keeps BatchNorm on its moving statistics and dropout off)'
        : differing.length && differing.every((w) => /moving_(mean|variance)/.test(w.name))
          ? "only BatchNorm's moving statistics differ, so they changed outside the training steps: this.accuracy(val) ran the model in training mode (C.2: evaluate with this.model.predict)"
          : 'forward in training mode, the mean softmax cross-entropy of the logits against ys, one step of the optimizer createOptimizer built, for every batch of one pass over `train`';
    throw new GradingFailure(`${where}: after epoch ${first + 1} the model's weights differ from the grader's own replay of the same training (same initial weights, batches and AdamW): ${why} (C.1)`);
  }
  for (let e = 0; e < a.epochs; e++) {
    const got = r.trainLosses[e]!;
    const b = want.batchLosses[e]!;
    if (nearNum(got, want.epochLoss[e]!)) continue;
    const sizes = batchSizes(a.n, a.batchSize);
    const alt: [number, string][] = [
      [b.reduce((x, y) => x + y, 0), 'the sum of the batch losses; divide by the number of batches'],
      [b.at(-1)!, "the last batch's loss only; average every batch of the epoch"],
      [b.reduce((x, y, i) => x + y * sizes[i]!, 0) / a.n, 'the mean over samples; the contract asks for the mean of the batch losses'],
    ];
    const hint = alt.find(([v]) => nearNum(got, v))?.[1] ?? 'the mean of the epoch\'s batch losses, each the loss optimizer.minimize returned';
    throw new GradingFailure(`${where}: expected the training loss of epoch ${e + 1} to be ${want.epochLoss[e]!.toFixed(6)} (the mean of its batch losses ${list(b)}), got ${got}: that is ${hint} (C.1)`);
  }
  note(`training loss ${want.epochLoss[0]!.toFixed(4)} -> ${want.epochLoss.at(-1)!.toFixed(4)} over ${a.epochs} epochs, agreeing with the grader's replay`);
  if (!near(r.final, r.current)) throw new GradingFailure(`${where}: \`final\` is not the model's weights at the end of training (C.3: final = model.getWeights() copied after the last epoch)`);
  return r;
}

// ---- AdamW -------------------------------------------------------------------------------------------------

export async function checkOptimizer(sub: Submission, used: { lr: number; weightDecay: number }, rng: Rng): Promise<void> {
  const g = golden.optimizer;
  // PyTorch's own trajectory, and one drawn for this run (checked against the float64 AdamW here).
  const w0 = Array.from({ length: 5 }, () => rng.normal());
  const drawn = { w0, grads: Array.from({ length: 4 }, () => w0.map(() => rng.normal())), lr: 0.001 + rng.next() * 0.05, weightDecay: 0.01 + rng.next() * 0.2 };
  const cases = [
    { name: `golden ${g.key}`, w0: g.w0, grads: g.grads, lr: g.lr, weightDecay: g.weightDecay, want: g.trajectory },
    { name: 'this run\'s values', ...drawn, want: adamTrajectory(drawn.w0, drawn.grads, drawn.lr, { decoupled: drawn.weightDecay }) },
  ];
  await gradeParts([
    {
      name: 'AdamW steps',
      check: async () => {
        for (const c of cases) {
          const got = await sub.call<number[][]>('optimizerSteps', { w0: c.w0, grads: c.grads, lr: c.lr, weightDecay: c.weightDecay });
          const where = `Trainer.createOptimizer({ lr: ${c.lr}, weightDecay: ${c.weightDecay} }), ${c.grads.length} steps (${c.name})`;
          if (trajectoryDistance(got, c.want) <= 2e-6) continue;
          const plainAdam = trajectoryDistance(got, adamTrajectory(c.w0, c.grads, c.lr));
          const l2Adam = trajectoryDistance(got, adamTrajectory(c.w0, c.grads, c.lr, { l2: c.weightDecay }));
          const why =
            plainAdam <= 2e-6
              ? 'these are Adam steps without weight decay: AdamW also multiplies each weight by (1 - lr * weightDecay) every step'
              : l2Adam <= 2e-6
                ? "these are Adam steps with L2 decay added to the gradient (tf.train.adam + L2): AdamW's decay is decoupled, applied to the weight itself"
                : 'AdamW is Adam (betas 0.9, 0.999, eps 1e-8) after multiplying each weight by (1 - lr * weightDecay)';
          expectClose(got.flat(), c.want.flat(), { abs: 2e-6 }, `${where} (${why}; C, contract.ts createOptimizer)`);
        }
      },
    },
    {
      name: 'trainModel builds its optimizer with createOptimizer',
      check: async () => {
        const calls = await sub.call<{ lr: number; weightDecay: number; optimizer: string }[]>('trainerOptimizer', { seed: 1, ...used });
        const where = `trainModel(train, val, { epochs: 2, lr: ${used.lr}, weightDecay: ${used.weightDecay} })`;
        if (calls.length !== 1) {
          throw new GradingFailure(`${where}: expected exactly one call this.createOptimizer({ lr, weightDecay }) before the first epoch, got ${calls.length} (contract.ts, Trainer rule 1)`);
        }
        const c = calls[0]!;
        if (c.lr !== used.lr || c.weightDecay !== used.weightDecay) {
          throw new GradingFailure(`${where}: expected createOptimizer({ lr: ${used.lr}, weightDecay: ${used.weightDecay} }), got { lr: ${c.lr}, weightDecay: ${c.weightDecay} } (pass the options through)`);
        }
      },
    },
  ]);
}

// ---- accuracy() (C.2) ----------------------------------------------------------------------------------

export interface AccuracyCase {
  n: number;
  batchSize: number;
  classes: number;
}

/** Logits of the accuracy model: Dense then BatchNorm, with moving statistics (inference) or each batch's (training). */
function bnLogits(z: Float64Array, n: number, classes: number, batch: number, bn: { mean: Float32Array; variance: Float32Array } | 'batch'): Float64Array {
  const out = new Float64Array(z.length);
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(n, s + batch) - s;
    for (let k = 0; k < classes; k++) {
      let mean: number;
      let variance: number;
      if (bn === 'batch') {
        mean = 0;
        for (let i = s; i < s + m; i++) mean += z[i * classes + k]!;
        mean /= m;
        variance = 0;
        for (let i = s; i < s + m; i++) variance += (z[i * classes + k]! - mean) ** 2;
        variance /= m;
      } else {
        mean = bn.mean[k]!;
        variance = bn.variance[k]!;
      }
      for (let i = s; i < s + m; i++) out[i * classes + k] = (z[i * classes + k]! - mean) / Math.sqrt(variance + 1e-5);
    }
  }
  return out;
}

export async function checkAccuracy(sub: Submission, cases: AccuracyCase[], rng: Rng): Promise<void> {
  await gradeParts(
    cases.map((c) => ({
      name: `${c.n} samples in batches of ${c.batchSize}, ${c.classes} classes`,
      check: async () => {
        const x = Float32Array.from({ length: c.n * 8 }, () => 4 * rng.next() - 2);
        const labels = Int32Array.from({ length: c.n }, () => rng.int(c.classes));
        const kernel = Float32Array.from({ length: 8 * c.classes }, () => 2 * rng.next() - 1);
        const bias = Float32Array.from({ length: c.classes }, () => rng.next() - 0.5);
        const bn = { mean: Float32Array.from({ length: c.classes }, () => rng.next() - 0.5), variance: Float32Array.from({ length: c.classes }, () => 0.5 + rng.next()) };
        const got = await sub.call<{ accuracy: number; loss: number }>('trainerAccuracy', { x, labels, kernel, bias, bnMean: bn.mean, bnVariance: bn.variance, classes: c.classes, batchSize: c.batchSize });
        const z = linear(x, c.n, kernel, bias, c.classes);
        const logits = bnLogits(z, c.n, c.classes, c.batchSize, bn);
        const want = accuracyAndLoss(logits, labels, c.classes);
        const where = `trainer.accuracy(data) with ${c.n} samples in batches of ${c.batchSize} (last batch ${batchSizes(c.n, c.batchSize).at(-1)}) on a fixed model (Dense -> BatchNorm with known moving statistics)`;
        if (typeof got?.accuracy !== 'number' || typeof got?.loss !== 'number') {
          throw new GradingFailure(`${where}: expected { accuracy, loss } numbers, got ${JSON.stringify(got)} (C.2)`);
        }
        // Training mode shows: BatchNorm normalises each batch with its own statistics instead of the moving ones.
        const trainingMode = accuracyAndLoss(bnLogits(z, c.n, c.classes, c.batchSize, 'batch'), labels, c.classes);
        const inTraining = Math.abs(got.accuracy - trainingMode.accuracy) < 1e-6 && nearNum(got.loss, trainingMode.loss) && !nearNum(want.loss, trainingMode.loss);
        const trainingHint = ': these are the figures of the model in training mode (BatchNorm normalised each batch with its own statistics): evaluate with this.model.predict(xs) (or apply with training false)';
        if (Math.abs(got.accuracy - want.accuracy) > 1e-6) {
          const hint = inTraining
            ? trainingHint
            : Math.abs(got.accuracy * 100 - want.accuracy) < 1e-6
              ? ': accuracy must be a percentage (100 * correct / total), not a fraction'
              : ' (C.2: the model in inference mode, argmax of the logits against the labels, 100 * correct / total)';
          throw new GradingFailure(`${where}: expected accuracy ${want.accuracy}%, got ${got.accuracy}${hint}`);
        }
        if (!nearNum(got.loss, want.loss)) {
          // Name the usual mistakes by recomputing them.
          const sizes = batchSizes(c.n, c.batchSize);
          let at = 0;
          const batchMeans = sizes.map((b) => {
            const l = accuracyAndLoss(logits.subarray(at * c.classes, (at + b) * c.classes), labels.subarray(at, at + b), c.classes).loss;
            at += b;
            return l;
          });
          const meanOfMeans = batchMeans.reduce((s, l) => s + l, 0) / batchMeans.length;
          const hint = inTraining
            ? trainingHint
            : nearNum(got.loss, meanOfMeans)
              ? ': that is the mean of the batch means; the smaller last batch must weigh less: sum the per-sample losses and divide by the number of samples'
              : nearNum(got.loss, want.loss * c.n)
                ? ': that is the summed loss; divide by the number of samples'
                : ' (C.2: the model in inference mode — model.predict — and the cross-entropy of every sample, summed, divided by the number of samples)';
          throw new GradingFailure(`${where}: expected mean loss ${want.loss.toFixed(6)}, got ${got.loss}${hint}`);
        }
      },
    })),
  );
}

// ---- early stopping (C.3) ------------------------------------------------------------------------------

/**
 * A validation-loss sequence drawn from the run seed: an improvement, then a stall of each given length (in
 * the given order), with ties (a loss equal to the best) and small rises inside the stalls, and improvements
 * to fill `length`. The longest stall decides which patience values stop, whatever the numbers.
 */
export function scriptedLosses(rng: Rng, stalls: number[], length: number): number[] {
  const out: number[] = [];
  let best = 1 + Math.round(rng.next() * 50) / 100;
  const improve = () => {
    best = Math.round((best - 0.02 - rng.next() * 0.06) * 1000) / 1000;
    out.push(best);
  };
  improve();
  for (const stall of stalls) {
    for (let i = 0; i < stall; i++) out.push(rng.next() < 0.35 ? best : Math.round((best + 0.005 + rng.next() * 0.08) * 1000) / 1000);
    improve();
  }
  while (out.length < length) improve();
  const script = out.slice(0, length);
  // The last epoch is never the best: a trainer that ends up with the last epoch's weights as `best`, or that
  // follows the (falling) training loss, then shows.
  if (script.length > 1 && script.at(-1)! < Math.min(...script.slice(0, -1))) script[script.length - 1] = Math.round((Math.min(...script.slice(0, -1)) + 0.01) * 1000) / 1000;
  return script;
}

function run(sub: Submission, script: number[], patience: number, seed: number): Promise<TrainerRun> {
  return sub.call<TrainerRun>('earlyStopping', { script, patience, seed }, { what: `trainModel with earlyStoppingPatience ${patience} and ${script.length} scripted validation losses` });
}

const seq = (script: readonly number[]) => `[${script.join(', ')}]`;

/** stoppedEpoch, bestEpoch and the number of epochs run, against the contract's rule. */
export async function checkEarlyStop(sub: Submission, script: number[], patience: number, seed: number): Promise<void> {
  const want = expectedEarlyStop(script, patience);
  const r = await run(sub, script, patience, seed);
  const where = `trainModel with earlyStoppingPatience ${patience}, epochs ${script.length}, validation losses ${seq(script)} (scripted through this.accuracy(val))`;
  const ran = r.valCalls;
  // Stopping on the training loss instead shows as the rule applied to the losses it reported.
  const onTrain = r.trainLosses.length ? expectedEarlyStop(r.trainLosses, patience) : undefined;
  // (Its best epoch follows the training loss too, which tells it from a counter that never stops.)
  const watchesTrain = !!onTrain && onTrain.epochsRun === ran && ran !== want.epochsRun && r.bestEpoch === onTrain.bestEpoch && r.bestEpoch !== want.bestEpoch;
  if (want.stoppedEpoch !== null && ran === script.length && r.stoppedEpoch === null) {
    throw new GradingFailure(
      `${where}: expected training to stop after epoch ${want.stoppedEpoch} (the loss had not improved for ${patience} epoch(s) since the best, ${script[want.bestEpoch - 1]} at epoch ${want.bestEpoch}), but it ran all ${script.length} epochs: ${watchesTrain ? 'it watched the training loss, which kept falling: early stopping watches the validation loss (this.accuracy(val).loss)' : 'does the patience counter go up by 1 when the validation loss does not improve, and does training stop when it reaches the patience?'} (C.3)`,
    );
  }
  if (ran !== want.epochsRun) {
    const extra = ran > want.epochsRun && r.valLosses.length < ran ? ' (this.accuracy(val) must be called exactly once per epoch)' : '';
    const why = watchesTrain ? ': it stopped where the training loss stalled; early stopping watches the validation loss (this.accuracy(val).loss)' : ' (C.3: a loss equal to the best is no improvement; stop when the counter reaches the patience)';
    throw new GradingFailure(`${where}: expected ${want.epochsRun} epochs (${want.stoppedEpoch === null ? 'no early stop' : `stop after epoch ${want.stoppedEpoch}`}), got ${ran}${extra}${why}`);
  }
  if (r.stoppedEpoch !== want.stoppedEpoch) {
    throw new GradingFailure(`${where}: expected stoppedEpoch ${want.stoppedEpoch}, got ${r.stoppedEpoch} (epochs are numbered from 1; null when every epoch ran; contract.ts TrainResult)`);
  }
  if (r.bestEpoch !== want.bestEpoch) {
    throw new GradingFailure(`${where}: expected bestEpoch ${want.bestEpoch} (lowest loss ${script[want.bestEpoch - 1]}), got ${r.bestEpoch} (epochs are numbered from 1; C.3)`);
  }
  const prefix = script.slice(0, want.epochsRun);
  if (JSON.stringify(r.valLosses) !== JSON.stringify(prefix)) {
    throw new GradingFailure(`${where}: expected valLosses ${seq(prefix)}, got ${seq(r.valLosses)} (the loss of this.accuracy(val), once per epoch)`);
  }
  note(`patience ${patience}: stopped after epoch ${r.stoppedEpoch ?? 'none (all ran)'}, best epoch ${r.bestEpoch}`);
}

/** best = the weights at the end of the best epoch, final = at the end of the last epoch run. */
export async function checkStopWeights(sub: Submission, script: number[], patience: number, seed: number): Promise<void> {
  const want = expectedEarlyStop(script, patience);
  const r = await run(sub, script, patience, seed);
  const where = `trainModel with earlyStoppingPatience ${patience} on validation losses ${seq(script)}`;
  if (r.snapshots.length === 0) throw new GradingFailure(`${where}: this.accuracy(val) was never called (C.3: call it once after every epoch)`);
  if (r.snapshots.length !== want.epochsRun) {
    throw new GradingFailure(
      `${where}: expected ${want.stoppedEpoch === null ? `all ${want.epochsRun} epochs` : `training to stop after epoch ${want.stoppedEpoch}`} with \`best\` the weights after epoch ${want.bestEpoch}, but it ran ${r.snapshots.length} epochs, so best and final cannot be right (C.3: fix the stopping rule first)`,
    );
  }
  const weights = r.snapshots[0]!.length;
  if (r.best.length !== weights) {
    throw new GradingFailure(
      `${where}: \`best\` holds ${r.bestTensors} tensors (${r.best.length} values), model.getWeights() ${weights} values: ${r.best.length < weights ? "copies of model.trainableWeights miss BatchNorm's moving statistics; copy model.getWeights() (w.clone())" : 'copy model.getWeights() once'} (C.3)`,
    );
  }
  const bestAt = matchingSnapshot(r.snapshots, r.best);
  const finalAt = matchingSnapshot(r.snapshots, r.final);
  const lastRun = r.snapshots.length;
  const name = (i: number) => (i < 0 ? 'weights of no epoch end (not a copy of model.getWeights() at the end of an epoch)' : `the weights after epoch ${i + 1}`);
  if (bestAt !== want.bestEpoch - 1) {
    const byTrain = r.trainLosses.length ? expectedEarlyStop(r.trainLosses.slice(0, lastRun), patience).bestEpoch : -1;
    const hint =
      bestAt === byTrain - 1 && r.bestEpoch === byTrain
        ? `: epoch ${byTrain} is where the training loss was lowest: the best epoch is the one with the lowest validation loss (this.accuracy(val).loss)`
        : bestAt === lastRun - 1 && want.bestEpoch !== lastRun
          ? ': model.getWeights() returns the live variables, which keep training — copy them (w.clone()) when the loss improves'
          : ' (C.3: copy the weights when the validation loss improves)';
    throw new GradingFailure(`${where}: expected \`best\` to be the weights after epoch ${want.bestEpoch} (lowest loss ${script[want.bestEpoch - 1]}), got ${name(bestAt)}${hint}`);
  }
  if (finalAt !== lastRun - 1) {
    throw new GradingFailure(`${where}: expected \`final\` to be the weights after the last epoch run (${lastRun}), got ${name(finalAt)} (C.3)`);
  }
}

/** The run's random stream for a check (re-exported so suites need only this module). */
export const rngFor = (name: string): Rng => runRng(`csci5501-a2:${name}`);
