// trainClassifier, the harness's own training loop (grader side): deterministic per seed, the tape-free path
// for chains and the tape for the rest giving the same training, the seeded batch order, clear errors, and
// nothing left on the backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchLoader } from '../data/loader.ts';
import { channelStats } from '../data/normalize.ts';
import { syntheticImages } from '../data/synthetic.ts';
import { initEngine } from '../engine/backend.ts';
import { TorchAdam } from '../engine/optimizers/torch-adam.ts';
import { initLikeTorch } from '../engine/torch-init.ts';
import { trainClassifier, type TrainBudget } from './train.ts';

beforeAll(async () => {
  await initEngine('wasm');
});

const train = syntheticImages({ n: 120, seed: 'train-test' });
const test = syntheticImages({ n: 40, seed: 'train-test-held-out' });
const budget: TrainBudget = { epochs: 2, batchSize: 16, lr: 3e-3, seed: 9 };

function smallConvNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 4, kernelSize: 3, padding: 'same' }),
      tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9 }),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 4 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

describe('trainClassifier', () => {
  it('is deterministic per seed, trains (loss falls), and predicts every test image', () => {
    const before = tf.memory().numTensors;
    const [m1, m2, m3] = [smallConvNet(), smallConvNet(), smallConvNet()];
    const weights = tf.memory().numTensors - before;
    const a = trainClassifier(m1, train, test, { ...budget, epochs: 4 });
    const b = trainClassifier(m2, train, test, { ...budget, epochs: 4 });
    const c = trainClassifier(m3, train, test, { ...budget, epochs: 4, seed: 10 });
    expect(a.path).toBe('chain');
    expect(a.epochLoss).toHaveLength(4);
    expect(a.epochLoss[3]!).toBeLessThan(a.epochLoss[0]!);
    expect(a.predictions).toHaveLength(test.n);
    expect(a.predictions.every((p) => p >= 0 && p < 10)).toBe(true);
    expect(b.epochLoss).toEqual(a.epochLoss);
    expect(Array.from(b.predictions)).toEqual(Array.from(a.predictions));
    expect(c.epochLoss).not.toEqual(a.epochLoss);
    // Only the models' own weights remain (BatchNormalization's statistics are written in place of the old).
    expect(tf.memory().numTensors - before).toBe(weights);
    [m1, m2, m3].forEach((m) => m.dispose());
  });

  it('stops with a GradingFailure saying how far it got when its time limit (maxMs) runs out', () => {
    const m = smallConvNet();
    expect(() => trainClassifier(m, train, test, { ...budget, epochs: 50 }, { maxMs: 1 })).toThrow(/was stopped after 1 of 400 steps and [\d.]+ s: past the 0\.0 s this test had left/);
    m.dispose();
  });

  it("trains the same way without the tape as through it (Adam and SGD with momentum)", () => {
    for (const b of [budget, { ...budget, optimizer: 'sgd' as const, lr: 0.05, momentum: 0.9, weightDecay: 1e-4 }]) {
      const [m1, m2] = [smallConvNet(), smallConvNet()];
      const chain = trainClassifier(m1, train, test, b);
      const tape = trainClassifier(m2, train, test, b, { path: 'tape' });
      expect([chain.path, tape.path]).toEqual(['chain', 'tape']);
      // Gradients agree to float rounding; over 16 steps the losses stay within a thousandth.
      chain.epochLoss.forEach((l, e) => expect(Math.abs(l - tape.epochLoss[e]!) / tape.epochLoss[e]!).toBeLessThan(1e-3));
      m1.dispose();
      m2.dispose();
    }
  });

  it("is the probes' fit: PyTorch-style init, normalisation from the training images, BatchLoader's seeded batches", () => {
    // The same loop written with the data pipeline's own pieces (as assignments' probes did): bitwise the same losses.
    const dense = () => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [32, 32, 3] }), tf.layers.dense({ units: 12, activation: 'relu' }), tf.layers.dense({ units: 10 })] });
    const [m1, m2] = [dense(), dense()];
    const ours = trainClassifier(m1, train, test, budget, { path: 'tape' });
    initLikeTorch(m2, budget.seed);
    const loader = new BatchLoader(train, { batchSize: budget.batchSize, shuffle: true, seed: budget.seed, normalize: channelStats(train) });
    const optimizer = new TorchAdam({ learningRate: budget.lr });
    const vars = m2.trainableWeights.map((w) => w.read() as tf.Variable);
    const losses: number[] = [];
    for (let e = 0; e < budget.epochs; e++) {
      let sum = 0;
      let steps = 0;
      for (const { xs, ys } of loader.epoch(e)) {
        sum += tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(ys as tf.Tensor1D, 10), m2.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, vars);
          optimizer.applyGradients(grads);
          return value.dataSync()[0]!;
        });
        steps++;
      }
      losses.push(sum / steps);
    }
    expect(ours.epochLoss).toEqual(losses);
    optimizer.dispose();
    m1.dispose();
    m2.dispose();
  });

  it('says what is wrong with a budget or a model that does not fit the data', () => {
    const m = smallConvNet();
    expect(() => trainClassifier(m, train, test, { ...budget, epochs: 0 })).toThrow(/budget\.epochs must be a whole number >= 1, got 0/);
    expect(() => trainClassifier(m, train, test, { ...budget, lr: -1 })).toThrow(/budget\.lr must be a finite number > 0/);
    expect(() => trainClassifier(m, train, test, { ...budget, momentum: 0.9 })).toThrow(/momentum applies to optimizer 'sgd' only/);
    const mnistSized = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10 })] });
    expect(() => trainClassifier(mnistSized, train, test, budget)).toThrow(/the model takes input \[batch, 28, 28, 1\], the images of synthetic\(seed=train-test, n=120\) are 32x32x3/);
    const three = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [32, 32, 3] }), tf.layers.dense({ units: 3 })] });
    expect(() => trainClassifier(three, train, test, budget)).toThrow(/has label \d, the model has 3 outputs/);
    [m, mnistSized, three].forEach((x) => x.dispose());
  });
});
