// F. The convergence budgets (README.md "Budgets"): the grader trains the student's BaselineNN and TinyVGG
// (rebuilt) with the seed's SGD; the student's own trainModel, SGD and StepLR train their BaselineNN in the
// sandbox and the grader scores the returned weights on held-out images; AlexNet gets one SGD step.
import { test } from 'vitest';
import { attachArtifact, channelStats, expectThreshold, GradingFailure, note, seed, thresholdOf, toRawImages, useSubmission } from 'dlgrade/kit';
import { accuracyOf, heldOutMetrics, oneSgdStep, predictHeldOut, subsetImages, SUBSET_NAMES, trainWithSeedOptimizer, type Budget } from '../../convergence.ts';
import type { History } from '../../contract.ts';
import { modelSource } from '../../model-checks.ts';

const sub = useSubmission();
const models = modelSource(sub);

const ORDERING: Budget = { trainImages: 512, testImages: 300, epochs: 2, batchSize: 32, dataSeed: seed('data'), seed: seed() };
const LOOP = { trainImages: 1024, valImages: 200, epochs: 3, batchSize: 32, opts: { lr: 0.01, momentum: 0.9, weightDecay: 5e-4, stepSize: 2, gamma: 0.1 } };

let heldOutSet: ReturnType<typeof subsetImages> | undefined;
const heldOut = () => (heldOutSet ??= subsetImages(ORDERING.testImages, ORDERING.dataSeed + 1000));

interface Run {
  name: string;
  parameters: number;
  accuracy: number;
  predictions: Int32Array;
  epochLoss: number[];
  ms: number;
}

/** The student's BaselineNN and TinyVGG (4 outputs), rebuilt and trained by the grader on one budget (shared by two tests). */
let ordering: Promise<{ baseline: Run; tinyvgg: Run; labels: Int32Array }> | undefined;
function trainBoth(): Promise<{ baseline: Run; tinyvgg: Run; labels: Int32Array }> {
  return (ordering ??= (async () => {
    const train = subsetImages(ORDERING.trainImages, ORDERING.dataSeed);
    const test = heldOut();
    const run = async (name: 'BaselineNN' | 'TinyVGG'): Promise<Run> => {
      const model = await models(name, { numClasses: 4 });
      const r = trainWithSeedOptimizer(model, train, test, ORDERING);
      const parameters = model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
      return { name, parameters, accuracy: accuracyOf(r.predictions, test.labels), predictions: r.predictions, epochLoss: r.epochLoss, ms: r.ms };
    };
    return { baseline: await run('BaselineNN'), tinyvgg: await run('TinyVGG'), labels: test.labels };
  })());
}

const fmt = (r: Run) => `${r.name} ${r.accuracy.toFixed(1)}% (${(r.ms / 1000).toFixed(1)} s)`;

test("F.train.tinyvgg: your TinyVGG, 4 synthetic classes, 512 images, 2 epochs (harness loop, the seed's SGD, batch 32): held-out accuracy", async () => {
  const { baseline, tinyvgg, labels } = await trainBoth();
  for (const r of [baseline, tinyvgg]) {
    const m = heldOutMetrics(r.predictions, labels);
    attachArtifact('confusion', { title: `${r.name}: held-out confusion matrix (normalised rows)`, classNames: SUBSET_NAMES, matrix: m.confusion, normalize: true });
    attachArtifact('curves', { title: `${r.name}: training loss per epoch (grader's training, seed's SGD)`, trainLoss: r.epochLoss });
  }
  note(`held-out accuracy: ${fmt(tinyvgg)}, ${fmt(baseline)}`);
  expectThreshold(Math.round(tinyvgg.accuracy * 10) / 10, thresholdOf('F.train.tinyvgg'), 'TinyVGG on the held-out images');
});

test('F.train.ordering: on the same budget your TinyVGG beats your BaselineNN (the seed\'s ordering)', async () => {
  const { baseline, tinyvgg, labels } = await trainBoth();
  const f1 = [baseline, tinyvgg].map((r) => heldOutMetrics(r.predictions, labels));
    attachArtifact('bars', { title: 'Per-class F1 on the held-out images (grader-trained budget)', yLabel: 'F1', categories: SUBSET_NAMES, groups: [baseline, tinyvgg].map((r, i) => ({ name: r.name, values: f1[i]!.f1 })) });
  attachArtifact('scatter', { title: 'Held-out accuracy against trainable parameters', xLabel: 'trainable parameters', yLabel: 'held-out accuracy (%)', logX: true, points: [baseline, tinyvgg].map((r) => ({ label: r.name, x: r.parameters, y: r.accuracy })) });
  note(`macro F1: ${baseline.name} ${f1[0]!.macroF1.toFixed(3)}, ${tinyvgg.name} ${f1[1]!.macroF1.toFixed(3)}`);
  expectThreshold(Math.round((tinyvgg.accuracy - baseline.accuracy) * 10) / 10, thresholdOf('F.train.ordering'), `TinyVGG ${tinyvgg.accuracy.toFixed(1)}% minus BaselineNN ${baseline.accuracy.toFixed(1)}%`);
});

test('F.train.loop: your trainModel, SGD and StepLR train your BaselineNN (4 synthetic classes, 1,024 images, 3 epochs): held-out accuracy', async () => {
  const train = subsetImages(LOOP.trainImages, ORDERING.dataSeed + 1);
  const val = subsetImages(LOOP.valImages, ORDERING.dataSeed + 2);
  const test = heldOut();
  // The loaders normalise nothing: the images go in as the probe normalises them (the training set's statistics).
  const stats = channelStats(train);
  const norm = (ds: typeof train) => ({ ...toRawImages(ds), images: Float32Array.from(ds.images, (v, i) => (v - stats.mean[i % 3]!) / stats.std[i % 3]!) });
  const r = await sub.call<{ model: unknown; history: History }>(
    'trainLoop',
    { train: norm(train), val: norm(val), batchSize: LOOP.batchSize, epochs: LOOP.epochs, opts: LOOP.opts, numClasses: 4, seed: seed() },
    { what: `trainModel on your BaselineNN, ${LOOP.trainImages} images, ${LOOP.epochs} epochs, with getOptimizerScheduler(${JSON.stringify(LOOP.opts)})` },
  );
  const model = await sub.rebuild(r.model, 'createBaselineNN({ numClasses: 4 }) after your trainModel');
  const acc = accuracyOf(predictHeldOut(model, train, test), test.labels);
  const h = r.history;
  // The student's own history, as its trainModel reported it (the report shows it; the score uses `acc` only).
  if ([h.trainLoss, h.trainAcc, h.testLoss, h.testAcc].every((l) => l.length === LOOP.epochs && l.every(Number.isFinite))) {
    attachArtifact('curves', { title: 'BaselineNN trained by your trainModel (as it reported its history)', trainLoss: h.trainLoss, valLoss: h.testLoss, trainAcc: h.trainAcc, valAcc: h.testAcc });
  }
  expectThreshold(Math.round(acc * 10) / 10, thresholdOf('F.train.loop'), 'BaselineNN trained by your trainModel, on the held-out images');
});

test("F.train.alexnet: your AlexNet trains with the seed's SGD: one step on 8 images, loss near ln(classes) at PyTorch's initialisation as in the seed's first epoch, every parameter updated", async () => {
  const model = await models('AlexNetCIFAR');
  const batch = subsetImages(8, ORDERING.dataSeed + 3);
  const classes = 10;
  const r = oneSgdStep(model, batch, seed());
  const where = `one SGD step (lr 0.01, momentum 0.9, weight decay 5e-4) of your AlexNet, initialised like PyTorch, on 8 images`;
  note(`${where}: loss ${r.lossBefore.toFixed(4)} before, ${r.lossAfter.toFixed(4)} after (ln ${classes} = ${Math.log(classes).toFixed(4)}), ${(r.ms / 1000).toFixed(1)} s`);
  if (!Number.isFinite(r.lossBefore) || !Number.isFinite(r.lossAfter)) throw new GradingFailure(`${where}: the loss is not finite (${r.lossBefore} before, ${r.lossAfter} after) (B.3)`);
  if (Math.abs(r.lossBefore - Math.log(classes)) > 0.05) throw new GradingFailure(`${where}: expected a loss near ln ${classes} = ${Math.log(classes).toFixed(4)} at PyTorch's initialisation (the seed's epoch 1: 2.3023), got ${r.lossBefore.toFixed(4)} (B.3)`);
  if (r.unchanged.length) throw new GradingFailure(`${where}: ${r.unchanged.length} of ${r.tensors} trainable weight tensors did not change: ${r.unchanged.slice(0, 4).join(', ')} (B.3: every layer must be connected and trainable)`);
});
