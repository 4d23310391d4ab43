// The Trainer checks (exercise C), shared by the public and hidden suites, which call them with different
// inputs. Expected values are computed here, in the grader, from the same seeded inputs the probes use.
import { expectClose, gradeParts, GradingFailure, note } from '../../harness/checks/report-helpers.ts';
import type { SubmissionHandle } from '../../harness/runner/submission.ts';
import { accuracyAndLoss, adamTrajectory, expectedStop, linear, matchingSnapshot, trajectoryDistance } from './checks.ts';
import golden from './golden.json' with { type: 'json' };
import { batchSizes, uniformValues } from './inputs.ts';
import type { EarlyStopProbe } from './probes.ts';

// ---- AdamW -------------------------------------------------------------------------------------------------

export async function checkOptimizer(sub: SubmissionHandle, used: { lr: number; weightDecay: number }): Promise<void> {
  const g = golden.optimizer;
  await gradeParts([
    {
      name: `AdamW steps (golden ${g.key})`,
      check: async () => {
        const got = await sub.call<number[][]>('optimizerSteps', { w0: g.w0, grads: g.grads, lr: g.lr, weightDecay: g.weightDecay });
        const where = `Trainer.createOptimizer({ lr: ${g.lr}, weightDecay: ${g.weightDecay} }), ${g.grads.length} steps from PyTorch's w0 with its gradients`;
        const d = trajectoryDistance(got, g.trajectory);
        if (d <= 2e-6) return;
        const plainAdam = trajectoryDistance(got, adamTrajectory(g.w0, g.grads, g.lr));
        const l2Adam = trajectoryDistance(got, adamTrajectory(g.w0, g.grads, g.lr, { l2: g.weightDecay }));
        const why =
          plainAdam <= 2e-6
            ? 'these are Adam steps without weight decay: AdamW also multiplies each weight by (1 - lr * weightDecay) every step'
            : l2Adam <= 2e-6
              ? "these are Adam steps with L2 decay added to the gradient (tf.train.adam + L2): AdamW's decay is decoupled, applied to the weight itself"
              : 'AdamW is Adam (betas 0.9, 0.999, eps 1e-8) after multiplying each weight by (1 - lr * weightDecay)';
        expectClose(got.flat(), g.trajectory.flat(), { abs: 2e-6 }, `${where} (${why}; C, contract.ts createOptimizer)`);
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
        const c = calls[0];
        if (c.lr !== used.lr || c.weightDecay !== used.weightDecay) {
          throw new GradingFailure(`${where}: expected createOptimizer({ lr: ${used.lr}, weightDecay: ${used.weightDecay} }), got { lr: ${c.lr}, weightDecay: ${c.weightDecay} } (pass the options through)`);
        }
      },
    },
  ]);
}

// ---- accuracy() ----------------------------------------------------------------------------------------

export interface AccuracyCase {
  n: number;
  batchSize: number;
  classes: number;
  seed: number;
}

export async function checkAccuracy(sub: SubmissionHandle, cases: AccuracyCase[]): Promise<void> {
  await gradeParts(
    cases.map((c) => ({
      name: `${c.n} samples in batches of ${c.batchSize}, ${c.classes} classes`,
      check: async () => {
        const x = uniformValues(c.n * 8, `accuracy-x:${c.seed}`, 2);
        const labels = Int32Array.from(uniformValues(c.n, `accuracy-y:${c.seed}`), (v) => Math.min(c.classes - 1, Math.floor(((v + 1) / 2) * c.classes)));
        const kernel = uniformValues(8 * c.classes, `accuracy-w:${c.seed}`, 1);
        const bias = uniformValues(c.classes, `accuracy-b:${c.seed}`, 0.5);
        const got = await sub.call<{ accuracy: number; loss: number }>('trainerAccuracy', { x, labels, kernel, bias, classes: c.classes, batchSize: c.batchSize });
        const logits = linear(x, c.n, kernel, bias, c.classes);
        const want = accuracyAndLoss(logits, labels, c.classes);
        const where = `trainer.accuracy(data) with ${c.n} samples in batches of ${c.batchSize} (last batch ${batchSizes(c.n, c.batchSize).at(-1)}) on a fixed linear model`;
        if (typeof got?.accuracy !== 'number' || typeof got?.loss !== 'number') {
          throw new GradingFailure(`${where}: expected { accuracy, loss } numbers, got ${JSON.stringify(got)} (C.2)`);
        }
        if (Math.abs(got.accuracy - want.accuracy) > 1e-6) {
          const hint = Math.abs(got.accuracy * 100 - want.accuracy) < 1e-6 ? ': accuracy must be a percentage (100 * correct / total), not a fraction' : ' (C.2: argmax of the logits against the labels, 100 * correct / total)';
          throw new GradingFailure(`${where}: expected accuracy ${want.accuracy}%, got ${got.accuracy}${hint}`);
        }
        if (Math.abs(got.loss - want.loss) > 1e-5 + 1e-4 * Math.abs(want.loss)) {
          // Name the usual mistakes by recomputing them.
          const sizes = batchSizes(c.n, c.batchSize);
          let at = 0;
          const batchMeans = sizes.map((b) => {
            const l = accuracyAndLoss(logits.subarray(at * c.classes, (at + b) * c.classes), labels.subarray(at, at + b), c.classes).loss;
            at += b;
            return l;
          });
          const meanOfMeans = batchMeans.reduce((s, l) => s + l, 0) / batchMeans.length;
          const close = (v: number) => Math.abs(got.loss - v) <= 1e-5 + 1e-4 * Math.abs(v);
          const hint = close(meanOfMeans)
            ? ': that is the mean of the batch means; the smaller last batch must weigh less: sum the per-sample losses and divide by the number of samples'
            : close(want.loss * c.n)
              ? ': that is the summed loss; divide by the number of samples'
              : close(batchMeans.reduce((s, l, i) => s + l * sizes[i], 0))
                ? ': that is the summed loss; divide by the number of samples'
                : ' (C.2: the model in inference mode — model.predict — and the cross-entropy of every sample, summed, divided by the number of samples)';
          throw new GradingFailure(`${where}: expected mean loss ${want.loss.toFixed(6)}, got ${got.loss}${hint}`);
        }
      },
    })),
  );
}

// ---- early stopping ------------------------------------------------------------------------------------

function run(sub: SubmissionHandle, script: number[], patience: number, seed: number): Promise<EarlyStopProbe> {
  return sub.call<EarlyStopProbe>('earlyStopping', { script, patience, seed });
}

const seq = (script: readonly number[]) => `[${script.join(', ')}]`;

/** stoppedEpoch, bestEpoch and the number of epochs run, against the contract's rule. */
export async function checkEarlyStop(sub: SubmissionHandle, script: number[], patience: number, seed: number): Promise<void> {
  const want = expectedStop(script, patience);
  const r = await run(sub, script, patience, seed);
  const where = `trainModel with earlyStoppingPatience ${patience}, epochs ${script.length}, validation losses ${seq(script)} (scripted through this.accuracy(val))`;
  const ran = r.valCalls;
  if (want.stoppedEpoch !== null && ran === script.length && r.stoppedEpoch === null) {
    throw new GradingFailure(
      `${where}: expected training to stop after epoch ${want.stoppedEpoch} (the loss had not improved for ${patience} epoch(s) since the best, ${script[want.bestEpoch - 1]} at epoch ${want.bestEpoch}), but it ran all ${script.length} epochs: does the patience counter go up by 1 when the validation loss does not improve, and does training stop when it reaches the patience? (C.3)`,
    );
  }
  if (ran !== want.epochsRun) {
    const extra = ran > want.epochsRun && r.valLosses.length < ran ? ' (this.accuracy(val) must be called exactly once per epoch)' : '';
    throw new GradingFailure(
      `${where}: expected ${want.epochsRun} epochs (${want.stoppedEpoch === null ? 'no early stop' : `stop after epoch ${want.stoppedEpoch}`}), got ${ran}${extra} (C.3: a loss equal to the best is no improvement; stop when the counter reaches the patience)`,
    );
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
export async function checkStopWeights(sub: SubmissionHandle, script: number[], patience: number, seed: number): Promise<void> {
  const want = expectedStop(script, patience);
  const r = await run(sub, script, patience, seed);
  const where = `trainModel with earlyStoppingPatience ${patience} on validation losses ${seq(script)}`;
  if (r.snapshots.length === 0) throw new GradingFailure(`${where}: this.accuracy(val) was never called (C.3: call it once after every epoch)`);
  if (r.snapshots.length !== want.epochsRun) {
    throw new GradingFailure(
      `${where}: expected ${want.stoppedEpoch === null ? `all ${want.epochsRun} epochs` : `training to stop after epoch ${want.stoppedEpoch}`} with \`best\` the weights after epoch ${want.bestEpoch}, but it ran ${r.snapshots.length} epochs, so best and final cannot be right (C.3: fix the stopping rule first)`,
    );
  }
  const bestAt = matchingSnapshot(r.snapshots, r.best);
  const finalAt = matchingSnapshot(r.snapshots, r.final);
  const lastRun = r.snapshots.length;
  const name = (i: number) => (i < 0 ? 'weights of no epoch end (not a copy of model.getWeights() at the end of an epoch)' : `the weights after epoch ${i + 1}`);
  if (bestAt !== want.bestEpoch - 1) {
    const hint =
      bestAt === lastRun - 1 && want.bestEpoch !== lastRun
        ? ': model.getWeights() returns the live variables, which keep training — copy them (w.clone()) when the loss improves'
        : ' (C.3: copy the weights when the validation loss improves)';
    throw new GradingFailure(`${where}: expected \`best\` to be the weights after epoch ${want.bestEpoch} (lowest loss ${script[want.bestEpoch - 1]}), got ${name(bestAt)}${hint}`);
  }
  if (finalAt !== lastRun - 1) {
    throw new GradingFailure(`${where}: expected \`final\` to be the weights after the last epoch run (${lastRun}), got ${name(finalAt)} (C.3)`);
  }
}
