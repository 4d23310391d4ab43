// A (hidden): other shapes, the forward pass recomputed with the requested activation, convergence on MNIST.
// Every figure is computed in the grader on the model rebuilt from the submission's topology.
import * as tf from '@tensorflow/tfjs';
import { ACTIVATION_FNS, attachArtifact, expectThreshold, gradeParts, GradingFailure, initLikeTorch, inspectModel, loadMnist, runRng, seed, subset, thresholdOf, trainClassifier, useSubmission } from 'dlgrade/kit';
import { test } from 'vitest';
import { denseWeights, mlpForward } from '../../checks.ts';
import type { ActivationName, FullyConnectedOptions } from '../../contract.ts';

const sub = useSubmission();
const fcModel = (opts: FullyConnectedOptions) => sub.model('fcModel', { opts }, { what: `createFullyConnectedClassifier(${JSON.stringify(opts)})` });

test('A.shape.hidden: other image sizes, [H, W] images, another number of classes', async () => {
  const cases: [FullyConnectedOptions, number][] = [
    [{ imageSize: [20, 24, 2], hiddenUnits: [33], numClasses: 7 }, 5],
    [{ imageSize: [28, 28] }, 2],
    [{ imageSize: [16, 16, 3], hiddenUnits: [], numClasses: 4 }, 3],
  ];
  await gradeParts(
    cases.map(([opts, batch]) => ({
      name: `${JSON.stringify(opts)}, batch ${batch}`,
      check: async () => {
        const input = [batch, ...opts.imageSize];
        const classes = opts.numClasses ?? 10;
        const o = inspectModel(await fcModel(opts), { inputs: [input] }).outputs[0]!;
        const where = `createFullyConnectedClassifier(${JSON.stringify(opts)}) on a [${input.join(', ')}] batch`;
        if (o.error) throw new GradingFailure(`${where}: expected logits [${batch}, ${classes}], but predict threw ${o.error} (A.1/A.2: build the layers from imageSize, hiddenUnits and numClasses)`);
        if (!(o.shape?.length === 2 && o.shape[0] === batch && o.shape[1] === classes)) {
          const flat = o.shape && o.shape.length > 2 ? ': the input was not flattened before the first Dense layer (A.2)' : ' (A.1: hidden widths from hiddenUnits, output Dense(numClasses))';
          throw new GradingFailure(`${where}: expected output shape [${batch}, ${classes}], got [${o.shape?.join(', ')}]${flat}`);
        }
      },
    })),
  );
});

test('A.activation: the forward pass computes flatten -> (Dense -> activation)* -> Dense with the requested activation', async () => {
  const acts: ActivationName[] = ['relu', 'silu', 'tanh', 'leaky_relu'];
  const batch = 3;
  const imageSize: [number, number, number] = [6, 5, 2];
  const rng = runRng('csci5501-a2:fc-forward');
  await gradeParts(
    acts.map((activation) => ({
      name: activation,
      check: async () => {
        const opts: FullyConnectedOptions = { imageSize, hiddenUnits: [7, 5], activation, numClasses: 4 };
        const model = await fcModel(opts);
        // The grader's own weights and input: the submission never sees either.
        initLikeTorch(model, rng.int(2 ** 31 - 1));
        const x = Float32Array.from({ length: batch * 60 }, () => 4 * rng.next() - 2);
        const logits = tf.tidy(() => (model.predict(tf.tensor(x, [batch, ...imageSize])) as tf.Tensor).dataSync() as Float32Array);
        const dense = denseWeights(model);
        const where = `createFullyConnectedClassifier(${JSON.stringify(opts)}) with seeded weights on a [${batch}, 6, 5, 2] input`;
        if (dense.length !== 3) {
          throw new GradingFailure(`${where}: expected 3 Dense layers (two hidden, one output), found ${dense.length} (A.1: one Dense per hidden width, then Dense(numClasses))`);
        }
        let want: Float64Array;
        try {
          want = mlpForward(x, batch, dense, activation);
        } catch (e) {
          const flat = dense[0]?.kernelShape[0] === imageSize[2] ? ': the input was not flattened before the first Dense layer (A.2)' : ' (A.1)';
          throw new GradingFailure(`${where}: ${(e as Error).message}${flat}`);
        }
        const close = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Math.abs(v - b[i]!) <= 1e-4 + 1e-4 * Math.abs(b[i]!));
        if (close(logits, want)) return;
        // Name what it computes instead: another activation, or an activation after the output layer.
        const other = (Object.keys(ACTIVATION_FNS) as ActivationName[]).find((a) => a !== activation && close(logits, mlpForward(x, batch, dense, a)));
        const after = close(logits, Array.from(want, ACTIVATION_FNS[activation]));
        const hint = other
          ? `: the network applies ${other}, not ${activation} (A.1: use the activation option)`
          : after
            ? ': the output layer is followed by the activation too; the last Dense layer must give raw logits (A.1 hint: every linear layer but the last is followed by the non-linearity)'
            : ' (A.1/A.2: flatten, then Dense -> activation for each hidden layer, then Dense without activation)';
        throw new GradingFailure(`${where}: expected logits [${Array.from(want.slice(0, 4), (v) => v.toFixed(4)).join(', ')}, ...], got [${Array.from(logits.slice(0, 4), (v) => v.toFixed(4)).join(', ')}, ...]${hint}`);
      },
    })),
  );
});

test('A.train.mnist: [512, 256] SiLU on 2,000 MNIST digits, 2 epochs: held-out accuracy', async () => {
  const mnist = loadMnist();
  const train = subset(mnist, Int32Array.from({ length: 2000 }, (_, i) => i), 'mnist train 2000');
  const held = subset(mnist, Int32Array.from({ length: 1000 }, (_, i) => mnist.n - 1000 + i), 'mnist held-out 1000');
  const model = await fcModel({ imageSize: [28, 28, 1], hiddenUnits: [512, 256], activation: 'silu' });
  let r: ReturnType<typeof trainClassifier>;
  try {
    // The harness's loop, in the grader, on the rebuilt architecture: no student code runs in this training.
    r = trainClassifier(model, train, held, { epochs: 2, batchSize: 64, lr: 1e-3, seed: seed() });
  } catch (e) {
    throw new GradingFailure(`training the [512, 256] classifier on MNIST failed: ${(e as Error).message}. The loss needs logits [batch, 10]: see A.shape (A.2: flatten the input)`);
  }
  attachArtifact('curves', { title: 'A: FC [512, 256] SiLU on 2,000 MNIST digits (harness loop)', trainLoss: r.epochLoss });
  const correct = r.predictions.reduce((s, p, i) => s + (p === held.labels[i] ? 1 : 0), 0);
  const accuracy = Math.round((1000 * correct) / held.n) / 10;
  expectThreshold(accuracy, thresholdOf('A.train.mnist'), 'held-out accuracy (%) after 2 epochs on 2,000 digits (A.1/A.2: a network that flattens, with an activation between Dense layers and raw logits out)');
});
