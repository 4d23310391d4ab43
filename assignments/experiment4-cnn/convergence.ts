// F.train.synthetic: the whole recipe (the submission's createCnn and fit: MixUp, label smoothing, AdamW,
// OneCycleLR, clipping, the best checkpoint) on the synthetic CIFAR-like set, on a CPU budget: the six-block CNN
// at narrow widths on 16x16 centre crops. The probe returns the checkpoint files and the final weights; the
// grader rebuilds both and evaluates them on held-out images drawn from the run seed (they never cross), and
// attaches the report's figures: curves with the best epoch, per-class accuracy, confusion matrix, predictions.
import * as tf from '@tensorflow/tfjs';
import { attachArtifact, channelStats, expectThreshold, GradingFailure, note, runSeed, seed, syntheticImages, thresholdOf, type ImageDataset, type Submission } from 'dlgrade/kit';
import { confusionOf, perClassOf } from './analysis-maths.ts';
import { checkpointModelData } from './checkpoint-files.ts';
import type { History } from './contract.ts';
import type { ArrayImages } from './loaders.ts';
import type { CheckpointFiles } from './probes.ts';

/** The budget (bench-peer.py runs the same in PyTorch). */
export const CONVERGENCE = { widths: [8, 16, 24, 32, 64, 64], size: 16, train: 800, test: 500, heldOut: 1000, epochs: 5, batchSize: 32, lr: 1e-3 };

/** The centre `size` x `size` of 32x32 images, normalised with `stats`; raw pixels kept for pictures. */
function crop(ds: ImageDataset, size: number, stats: { mean: number[]; std: number[] }): ArrayImages & { raw: Float32Array } {
  const o = (32 - size) / 2;
  const raw = new Float32Array(ds.n * size * size * 3);
  for (let i = 0; i < ds.n; i++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) raw[((i * size + y) * size + x) * 3 + c] = ds.images[((i * 32 + y + o) * 32 + x + o) * 3 + c]!;
  const x = raw.map((v, i) => (v - stats.mean[i % 3]!) / stats.std[i % 3]!);
  return { x, y: ds.labels, shape: [size, size, 3], raw };
}

function predict(model: tf.LayersModel, data: ArrayImages): { predicted: Int32Array; confidence: Float32Array } {
  const per = data.shape[0] * data.shape[1] * data.shape[2];
  const n = data.y.length;
  const predicted = new Int32Array(n);
  const confidence = new Float32Array(n);
  for (let s = 0; s < n; s += 250) {
    const b = Math.min(250, n - s);
    tf.tidy(() => {
      const p = tf.softmax(model.predict(tf.tensor4d(data.x.subarray(s * per, (s + b) * per), [b, ...data.shape])) as tf.Tensor2D);
      predicted.set(tf.argMax(p, 1).dataSync(), s);
      confidence.set(tf.max(p, 1).dataSync(), s);
    });
  }
  return { predicted, confidence };
}

const accuracy = (predicted: Int32Array, labels: Int32Array) => (100 * predicted.reduce((a, p, i) => a + (p === labels[i] ? 1 : 0), 0)) / labels.length;

export async function checkConvergence(sub: Submission): Promise<void> {
  const C = CONVERGENCE;
  const trainSet = syntheticImages({ n: C.train, seed: seed('data') });
  const stats = channelStats(trainSet);
  const train = crop(trainSet, C.size, stats);
  const test = crop(syntheticImages({ n: C.test, seed: seed('data') + 1000 }), C.size, stats);
  const heldOutSet = syntheticImages({ n: C.heldOut, seed: `held-out:${runSeed('F.train.synthetic')}` });
  const heldOut = crop(heldOutSet, C.size, stats);
  const what = `fit() of createCnn({ channels: [${C.widths.join(', ')}], inputShape: [${C.size}, ${C.size}, 3] }) for ${C.epochs} epochs on ${C.train} synthetic images (batch ${C.batchSize}, lr ${C.lr})`;
  const r = await sub.call<{ history: History; ms: number; cpuMs: number; final: unknown; checkpoint: CheckpointFiles | null }>(
    'convergence',
    { widths: C.widths, train: { x: train.x, y: train.y, shape: train.shape }, test: { x: test.x, y: test.y, shape: test.shape }, epochs: C.epochs, batchSize: C.batchSize, lr: C.lr, seed: seed() },
    { what },
  );
  const h = r.history;
  note(`${what}: ${(r.ms / 1000).toFixed(1)} s (${(r.cpuMs / 1000).toFixed(1)} s of CPU) where the submission runs; its history: test accuracy [${h.testAccuracy.map((a) => a.toFixed(1)).join(', ')}], best ${h.bestAccuracy} at epoch ${h.bestEpoch}`);
  attachArtifact('curves', { title: 'F: training curves on the synthetic set (as fit() reported them)', trainLoss: h.trainLoss, valLoss: h.testLoss, trainAcc: h.trainAccuracy, valAcc: h.testAccuracy, ...(h.bestEpoch > 0 ? { bestEpoch: h.bestEpoch - 1 } : {}) });
  if (!r.checkpoint) throw new GradingFailure(`${what}: no checkpoint was written to checkpointDir (F.3: saveCheckpoint when the test accuracy improves)`);
  const best = await sub.rebuild(checkpointModelData(r.checkpoint, 'the best checkpoint'), 'the best checkpoint, read in the grader');
  const final = await sub.rebuild(r.final, 'the model after fit()');
  const b = predict(best, heldOut);
  const bestAcc = accuracy(b.predicted, heldOut.y);
  const finalAcc = accuracy(predict(final, heldOut).predicted, heldOut.y);
  note(`held-out accuracy (${C.heldOut} images the submission never saw, evaluated in the grader): best checkpoint ${bestAcc.toFixed(1)}%, final weights ${finalAcc.toFixed(1)}%`);
  const names = [...heldOutSet.classNames];
  const perClass = perClassOf(heldOut.y, b.predicted, names.length);
  attachArtifact('bars', { title: 'F: per-class accuracy of the best checkpoint (held-out images)', yLabel: 'accuracy (%)', categories: names, groups: [{ name: 'best checkpoint', values: perClass }], sort: 'ascending' });
  attachArtifact('confusion', { title: 'F: confusion matrix of the best checkpoint (held-out images)', classNames: names, matrix: confusionOf(heldOut.y, b.predicted, names.length) });
  const per = C.size * C.size * 3;
  attachArtifact('images', {
    title: 'F: held-out predictions of the best checkpoint, with confidence',
    columns: 4,
    cells: Array.from({ length: 8 }, (_, i) => ({
      label: `${names[heldOut.y[i]!]} -> ${names[b.predicted[i]!]} (${(100 * b.confidence[i]!).toFixed(1)}%)`,
      height: C.size,
      width: C.size,
      channels: 3,
      values: Array.from(heldOut.raw.subarray(i * per, (i + 1) * per)),
      range: [0, 1] as [number, number],
    })),
  });
  expectThreshold(Number(bestAcc.toFixed(1)), thresholdOf('F.train.synthetic'), `the best checkpoint on ${C.heldOut} held-out images`);
}
