// A (hidden): other shapes, the forward pass recomputed with the requested activation, convergence on MNIST.
import { afterAll, beforeAll, test } from 'vitest';
import { attachArtifact, expectThreshold, gradeParts, GradingFailure } from '../../../../harness/checks/report-helpers.ts';
import { subset } from '../../../../harness/data/dataset.ts';
import { loadMnist } from '../../../../harness/data/mnist.ts';
import { openSubmission, seed, thresholdOf } from '../../../../harness/runner/context.ts';
import type { SubmissionHandle } from '../../../../harness/runner/submission.ts';
import { ACTIVATIONS, mlpForward } from '../../checks.ts';
import type { ActivationName, FullyConnectedOptions } from '../../contract.ts';
import { uniformValues } from '../../inputs.ts';
import type { FitResult, ForwardProbe, ModelProbe } from '../../probes.ts';

let sub: SubmissionHandle;
beforeAll(async () => {
  sub = await openSubmission();
});
afterAll(() => sub?.close());

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
        const r = await sub.call<ModelProbe>('fcModel', { opts, inputs: [input] });
        const o = r.outputs[0];
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
  await gradeParts(
    acts.map((activation, k) => ({
      name: activation,
      check: async () => {
        const opts: FullyConnectedOptions = { imageSize, hiddenUnits: [7, 5], activation, numClasses: 4 };
        const x = uniformValues(batch * 60, `fc-forward:${seed('hidden')}:${k}`, 2);
        const r = await sub.call<ForwardProbe>('fcForward', { opts, x, batch, seed: seed('hidden') + k });
        const where = `createFullyConnectedClassifier(${JSON.stringify(opts)}) with seeded weights on a [${batch}, 6, 5, 2] input`;
        if (r.dense.length !== 3) {
          throw new GradingFailure(`${where}: expected 3 Dense layers (two hidden, one output), found ${r.dense.length} (A.1: one Dense per hidden width, then Dense(numClasses))`);
        }
        let want: Float64Array;
        try {
          want = mlpForward(x, batch, r.dense, activation);
        } catch (e) {
          const flat = r.dense[0]?.kernelShape[0] === imageSize[2] ? ': the input was not flattened before the first Dense layer (A.2)' : ' (A.1)';
          throw new GradingFailure(`${where}: ${(e as Error).message}${flat}`);
        }
        const close = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Math.abs(v - b[i]) <= 1e-4 + 1e-4 * Math.abs(b[i]));
        if (close(r.logits, want)) return;
        // Name what it computes instead: another activation, or an activation after the output layer.
        const other = (Object.keys(ACTIVATIONS) as ActivationName[]).find((a) => a !== activation && close(r.logits, mlpForward(x, batch, r.dense, a)));
        const after = (() => {
          const v = mlpForward(x, batch, r.dense, activation);
          return close(r.logits, Array.from(v, ACTIVATIONS[activation]));
        })();
        const hint = other
          ? `: the network applies ${other}, not ${activation} (A.1: use the activation option)`
          : after
            ? ': the output layer is followed by the activation too; the last Dense layer must give raw logits (A.1 hint: every linear layer but the last is followed by the non-linearity)'
            : ' (A.1/A.2: flatten, then Dense -> activation for each hidden layer, then Dense without activation)';
        throw new GradingFailure(`${where}: expected logits [${Array.from(want.slice(0, 4), (v) => v.toFixed(4)).join(', ')}, ...], got [${Array.from(r.logits.slice(0, 4), (v) => v.toFixed(4)).join(', ')}, ...]${hint}`);
      },
    })),
  );
});

test('A.train.mnist: [512, 256] SiLU on 2,000 MNIST digits, 2 epochs: held-out accuracy', async () => {
  const mnist = loadMnist();
  const train = subset(mnist, Int32Array.from({ length: 2000 }, (_, i) => i), 'mnist train 2000');
  const test = subset(mnist, Int32Array.from({ length: 1000 }, (_, i) => mnist.n - 1000 + i), 'mnist held-out 1000');
  const r = await sub
    .call<FitResult>('fcTrain', {
    opts: { imageSize: [28, 28, 1], hiddenUnits: [512, 256], activation: 'silu' },
    train: { n: train.n, height: 28, width: 28, channels: 1, images: train.images, labels: train.labels },
    test: { n: test.n, height: 28, width: 28, channels: 1, images: test.images, labels: new Int32Array(test.n) },
    budget: { epochs: 2, batchSize: 64, lr: 1e-3, seed: seed() },
  })
    .catch((e: unknown) => {
      // A model whose output is not [batch, 10] fails inside the loss: say so.
      if ((e as { kind?: string }).kind === 'threw' && e instanceof Error && /softmaxCrossEntropy|Shapes? .* must match/i.test(e.message)) {
        throw new GradingFailure(`training the [512, 256] classifier on MNIST failed: ${e.message}. The loss needs logits [batch, 10]: see A.shape (A.2: flatten the input)`);
      }
      throw e;
    });
  attachArtifact('curves', { title: 'A: FC [512, 256] SiLU on 2,000 MNIST digits (harness loop)', trainLoss: r.epochLoss });
  const correct = r.predictions.reduce((s, p, i) => s + (p === test.labels[i] ? 1 : 0), 0);
  const accuracy = Math.round((1000 * correct) / test.n) / 10;
  expectThreshold(accuracy, thresholdOf('A.train.mnist'), 'held-out accuracy (%) after 2 epochs on 2,000 digits (A.1/A.2: a network that flattens, with an activation between Dense layers and raw logits out)');
});
