// F. The training loop replayed in the grader (trajectory, returned metrics), evaluate() in inference mode with
// the plain cross-entropy, and fit()'s best checkpoint on scripted test accuracies (files read in the grader).
import * as tf from '@tensorflow/tfjs';
import { test } from 'vitest';
import { GradingFailure, runRng, useSubmission, type ModelData } from 'dlgrade/kit';
import { checkpointModelData, checkpointValues } from '../../checkpoint-files.ts';
import { loopModel, loopModelWeights, setLoopWeights, type LoopModelSpec } from '../../loop-model.ts';
import type { ScriptedFit } from '../../probes.ts';
import { checkLoopMetrics, checkLoopTrajectory, expectedEvaluation, loopSetup, randomImages } from '../../training-checks.ts';

const sub = useSubmission();
const call = <R>(probe: string, args: unknown) => sub.call<R>(probe, args);

test('F.loop.step: per batch MixUp, forward, criterion, backward, clip, step, schedule: the weights land where the replay lands', async () => {
  const rng = runRng('F.loop.step');
  await checkLoopTrajectory(call, () => loopSetup(rng, { n: 20 }));
});

test('F.loop.metrics: trainOneEpoch returns the mean batch loss and the accuracy weighted by lambda', async () => {
  await checkLoopMetrics(call, runRng('F.loop.metrics'));
});

test('F.evaluate: evaluate() in inference mode, plain cross-entropy (no label smoothing), accuracy in %', async () => {
  const rng = runRng('F.evaluate');
  const spec: LoopModelSpec = { shape: [5, 5, 3], filters: 6, classes: 4, dropout: 0.5 };
  const c = { spec, weights: loopModelWeights(spec, 1 + rng.int(1e9), { logitScale: 4, randomStats: true }), data: randomImages(rng, 37, spec.shape, spec.classes), batchSize: 10 };
  const got = await call<{ loss: number; accuracy: number }>('evaluate', c);
  const want = expectedEvaluation(c, loopModel, setLoopWeights);
  const where = 'trainer.evaluate(loader) on 37 images in batches of 10 (a model with dropout and BatchNorm running statistics)';
  const close = (a: number, b: number) => typeof a === 'number' && Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));
  if (!close(got.loss, want.loss)) {
    const why = close(got.loss, want.smoothed)
      ? ': that is the label-smoothed loss; evaluation reports the plain cross-entropy (no smoothing)'
      : close(got.loss, want.perSample)
        ? ": that is the mean over images; the notebook averages the batch means (total_loss / len(loader))"
        : ' (the model in inference mode: model.predict, so dropout is off and BatchNorm uses its running statistics)';
    throw new GradingFailure(`${where}: expected loss ${want.loss}, got ${got.loss}${why} (F.2)`);
  }
  if (!(typeof got.accuracy === 'number' && Math.abs(got.accuracy - want.accuracy) <= 1e-6)) {
    throw new GradingFailure(`${where}: expected accuracy ${want.accuracy}%, got ${got.accuracy}${Math.abs(got.accuracy * 100 - want.accuracy) < 1e-6 ? ' (a percentage: 100 * correct / total)' : ''} (F.2)`);
  }
});

test('F.checkpoint: fit() saves the checkpoint when the test accuracy improves; it holds those weights and loads back', async () => {
  const rng = runRng('F.checkpoint');
  // Improvements, a tie (not an improvement) and a drop, in a per-run order of values.
  const base = 20 + rng.int(30);
  const script = [base, base + 10, base + 5, base + 15, base + 15, base + 12];
  const spec: LoopModelSpec = { shape: [4, 4, 3], filters: 3, classes: 3 };
  const weights = loopModelWeights(spec, 1 + rng.int(1e9));
  const r = await call<ScriptedFit>('fitScripted', { spec, weights, train: randomImages(rng, 12, spec.shape, 3), test: randomImages(rng, 6, spec.shape, 3), batchSize: 6, script, seed: 1 + rng.int(1e9) });
  const where = `fit(train, test, { epochs: ${script.length}, checkpointDir }) with evaluate(test) scripted to return accuracies [${script.join(', ')}]`;
  if (r.evaluateCalls !== script.length) throw new GradingFailure(`${where}: evaluate(test) was called ${r.evaluateCalls} times, once per epoch is ${script.length} (F.3)`);
  const h = r.history;
  if (h.bestEpoch !== 4 || h.bestAccuracy !== base + 15) throw new GradingFailure(`${where}: expected bestEpoch 4 and bestAccuracy ${base + 15} (a tie is not an improvement), got ${h.bestEpoch} and ${h.bestAccuracy} (F.3)`);
  if (JSON.stringify(h.testAccuracy) !== JSON.stringify(script)) throw new GradingFailure(`${where}: history.testAccuracy should be [${script.join(', ')}], got [${h.testAccuracy.join(', ')}] (F.3)`);
  // The epoch whose weights the folder must hold after each epoch: the last improvement so far.
  const savedAt = [1, 2, 2, 4, 4, 4];
  for (let e = 0; e < script.length; e++) {
    const files = r.checkpoints[e];
    if (!files) throw new GradingFailure(`${where}: after epoch ${e + 1} the checkpoint folder holds no model.json/weights.bin; the best so far is epoch ${savedAt[e]} (F.3/F.4: saveCheckpoint(model, checkpointDir) when the accuracy improves)`);
    const values = checkpointValues(checkpointModelData(files, `the checkpoint after epoch ${e + 1}`));
    const match = r.snapshots.findIndex((s) => s.length === values.length && s.every((v, i) => v === values[i]));
    if (match !== savedAt[e]! - 1) {
      throw new GradingFailure(`${where}: after epoch ${e + 1} the checkpoint should hold the weights of epoch ${savedAt[e]} (the best so far), it holds ${match < 0 ? 'weights of no epoch end' : `those of epoch ${match + 1}`} (F.3: save when the test accuracy is higher than the best so far, never otherwise)`);
    }
  }
  if (typeof r.loaded === 'string') throw new GradingFailure(`loadCheckpoint(checkpointDir) threw ${r.loaded} (F.4)`);
  const fromFile = await sub.rebuild(checkpointModelData(r.checkpoints.at(-1)!, 'the final checkpoint'), 'the checkpoint files, read in the grader');
  const loaded = await sub.rebuild(r.loaded as ModelData, 'the model loadCheckpoint returned');
  const x = tf.randomNormal([5, ...spec.shape], 0, 1, 'float32', rng.int(1e9));
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(loaded.predict(x) as tf.Tensor, fromFile.predict(x) as tf.Tensor))).dataSync()[0]!);
  x.dispose();
  if (!(d <= 1e-5)) throw new GradingFailure(`loadCheckpoint(checkpointDir): its model's outputs differ from the checkpoint files' weights by up to ${d} (F.4: the same layers and weights)`);
});
