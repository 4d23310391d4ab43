// 4. Activation functions: the first layer's gradient norm against the grader's own gradient, and the part 4
// recorder (SGD 0.01), replayed by the grader.
import { test } from 'vitest';
import { attachArtifact, gradeParts, GradingFailure, note, runRng, runSeed, useSubmission, type RawImages } from 'dlgrade/kit';
import type { HiddenActivation } from '../../architectures.ts';
import { KIND_NAMES, type RecorderModelKind } from '../../harness-models.ts';
import { checkTrainAndRecordGradients } from '../../recorder-runs.ts';
import { wellPosedGradient } from '../../well-posed-runs.ts';

const sub = useSubmission();
const GRAD_TOL = 2e-3;

/** A batch of random N(0, 1) images with random labels (the gradient does not care what the images show). */
function randomBatch(name: string, n: number): RawImages {
  const rng = runRng(name);
  return { n, height: 32, width: 32, channels: 3, images: Float32Array.from({ length: n * 3072 }, () => rng.normal()), labels: Int32Array.from({ length: n }, () => rng.int(10)) };
}

async function gradPart(kind: RecorderModelKind, activation: HiddenActivation, first: string): Promise<void> {
  const batch = randomBatch(`4.gradnorm:${kind}:batch`, 6 + (runSeed(`4.gradnorm:${kind}:n`) % 5));
  // Weights where no ReLU or max-pool sits at its kink on this batch (well-posed-runs.ts), chosen before the call.
  const { setup: seed, want } = wellPosedGradient(kind, activation, runSeed(`4.gradnorm:${kind}`), batch, GRAD_TOL);
  const got = await sub.call<number>('gradNorm', { kind, activation, seed, batch });
  note(`${kind} (${activation}): ${typeof got === 'number' ? got.toExponential(6) : JSON.stringify(got)} (${await sub.engine()}); the grader's ${want.kernel.toExponential(6)}`);
  // 2e-3: engines sum the kernel gradient (thousands of terms of both signs) in different orders; measured
  // differences are ~3e-7, and including the bias moves a convolution's norm by about 1e-2.
  if (typeof got === 'number' && Math.abs(got - want.kernel) <= GRAD_TOL * want.kernel) return;
  const near = (v: number) => typeof got === 'number' && Math.abs(got - v) <= GRAD_TOL * Math.abs(v);
  const hint = near(want.kernel ** 2)
    ? ': that is the squared norm; the norm is its square root'
    : near(want.kernelAndBias)
      ? ": that includes the first layer's bias; the seed measures layer.weight.grad only"
      : near(want.all)
        ? ': that is the norm of the gradient of every weight of the model, not of the first layer'
        : near(want.sumLoss)
          ? ': that is the gradient of the summed loss; nn.CrossEntropyLoss() averages over the batch'
          : '';
  throw new GradingFailure(`firstLayerGradientNorm on ${KIND_NAMES[kind]} with ${activation} (its first layer with weights is ${first}) with a batch of ${batch.n} images: expected ${want.kernel.toExponential(6)}, got ${typeof got === 'number' ? got.toExponential(6) : JSON.stringify(got)}${hint} (4.1: compute_gradient_magnitude)`);
}

test("4.gradnorm: firstLayerGradientNorm against the grader's gradient for given weights and batch", async () => {
  await gradeParts([
    { name: 'MLP1 with ReLU (the first layer with weights comes after Flatten)', check: () => gradPart('mlp', 'relu', 'Dense(32), after a Flatten') },
    { name: 'a CNN with ReLU', check: () => gradPart('cnn', 'relu', 'Conv2D(8, 3x3)') },
  ]);
});

test("4.recorder: trainAndRecordGradients (SGD 0.01) records what the grader's replay records", async () => {
  // MLP1 (its first layer with weights follows a Flatten) and a CNN (the seed's part 4 measures conv1 there).
  // Sigmoid for the MLP and ReLU for the CNN keep the replays within float rounding with SGD (README.md), the
  // CNN on a set-up where no ReLU or max-pool decides a recorded gradient (well-posed-runs.ts).
  const runs = [
    { kind: 'mlp' as const, activation: 'sigmoid' as const, seed: runSeed('4.recorder:mlp'), sizes: { train: 1000, val: 10, test: 10 } },
    { kind: 'cnn' as const, activation: 'relu' as const, seed: runSeed('4.recorder:cnn'), sizes: { train: 500, val: 10, test: 10 } },
  ];
  const lines: { loss: { name: string; x: number[]; y: number[] }[]; grad: { name: string; x: number[]; y: number[] }[] } = { loss: [], grad: [] };
  try {
    await gradeParts(
      runs.map((run) => ({
        name: `${run.kind} (${run.activation})`,
        check: async () => {
          const epochs = 2;
          const r = await checkTrainAndRecordGradients(sub, run, { lr: 0.01, epochs }, '4.1: trainAndRecordGradients, contract.ts');
          const x = r.gradCurve.map((_, k) => 10 * (k + 1));
          lines.loss.push({ name: `${run.kind} ${run.activation}`, x, y: r.stepLossCurve });
          lines.grad.push({ name: `${run.kind} ${run.activation}`, x, y: r.gradCurve });
        },
      })),
    );
  } finally {
    attachArtifact('series', { title: "4.1: SGD 0.01, the loss of every 10th step (the grader's replay)", xLabel: 'step', yLabel: 'loss', lines: lines.loss });
    attachArtifact('series', { title: "4.1: SGD 0.01, the first layer's gradient norm every 10 steps (the grader's replay)", xLabel: 'step', yLabel: 'gradient norm', logY: true, lines: lines.grad });
  }
});
