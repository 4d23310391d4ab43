// 1 (hidden): the update on per-run random networks, the finite-difference check of backward against the
// student's own forward, and the XOR training of the seed (part1_2.py) run with the student's forward/backward.
import { test } from 'vitest';
import { attachArtifact, expectThreshold, gradeParts, GradingFailure, note, runRng, thresholdOf, useSubmission } from 'dlgrade/kit';
import type { ActivationName } from '../../contract.ts';
import { checkForward, checkGradient, checkStep, randomStepCase } from '../../mlp-replay-checks.ts';
import { ACTIVATIONS, boundaryGrid, trainXor, xorAccuracy, xorBlobs, type MlpWeights } from '../../mlp-expected.ts';
import { weightsApart, xorStart, XOR_WEIGHT_TOL } from '../../xor-starts.ts';
import type { MlpWeightsData, Outcome } from '../../probes.ts';

const sub = useSubmission();

test('1.backward.random: forward and one update on random sizes, weights, data and learning rates', async () => {
  const rng = runRng('1.backward.random');
  await gradeParts(
    ACTIVATIONS.map((act) => ({
      name: act,
      check: async () => {
        const c = randomStepCase(rng, act, 'a random network and batch (one input row all zeros)');
        await checkForward(sub, c);
        await checkStep(sub, c);
      },
    })),
  );
});

test('1.gradcheck: the update of the hidden weights is -lr times the gradient of your forward pass', async () => {
  const rng = runRng('1.gradcheck');
  // ReLU's kink makes finite differences unreliable; sigmoid and tanh are smooth.
  await gradeParts((['sigmoid', 'tanh'] as const).map((act) => ({ name: act, check: () => checkGradient(sub, randomStepCase(rng, act, 'a random network and batch')) })));
});

// The budget: 300 epochs of the seed's full-batch update at lr 0.001 on 1,000 points (the seed runs 10,000).
// Measured over 200 seeds in NumPy, sigmoid and tanh are then within 1-2 points of their accuracy at 10,000
// epochs (medians 97.6 / 98.1 vs 99 / 98.3), at 3% of the cost. Sigmoid gets stuck near 74% for about 1% of
// initial weights (a local minimum of XOR), and from a few starts tanh's training amplifies float64 rounding:
// the grader draws initial weights until its own replay of the seed's training reaches 94% and does not move
// when the start moves by a few roundings (xor-starts.ts), so neither the bar nor the comparison depends on
// such a draw. The data and weights are drawn per run, so the evidence that the student's code trained (and
// did not return good weights from elsewhere) is that its weights are the replay's; the accuracy is then the
// seed's, and the bar checks it.
const BUDGET = { epochs: 300, lr: 0.001, train: 1000, held: 1000, std: 0.4, every: 25 };

test('1.train: sigmoid and tanh networks trained with your forward/backward reach the validation accuracy', async () => {
  const rng = runRng('1.train');
  const train = xorBlobs(BUDGET.train, BUDGET.std, rng);
  // Held out in the grader: its labels never reach the sandbox.
  const held = xorBlobs(BUDGET.held, BUDGET.std, rng);
  const acts: ActivationName[] = ['sigmoid', 'tanh', 'relu'];
  const inits = acts.map((act) => xorStart(rng, train, held, act, BUDGET));
  const runs = await sub.call<Outcome<{ weights: MlpWeightsData; losses: number[] }>[]>(
    'xorTrain',
    { runs: acts.map((act, i) => ({ act, w: inits[i] })), x: train.x, y: train.y, lr: BUDGET.lr, epochs: BUDGET.epochs, every: BUDGET.every },
    { what: `training three XOR networks for ${BUDGET.epochs} epochs on ${BUDGET.train} points with your MLP` },
  );
  const th = thresholdOf('1.train');
  const boundaries: { label: string; grid: number[][] }[] = [];
  const lines: { name: string; x: number[]; y: number[] }[] = [];
  const parts = acts.map((act, i) => ({
    name: act,
    check: () => {
      const r = runs[i];
      if (!r || 'error' in r) throw new GradingFailure(`training the ${act} network threw ${r && 'error' in r ? r.error : 'nothing came back'} (1.2: forward/backward)`);
      const w: MlpWeights = r.value.weights;
      const acc = Math.round(10 * xorAccuracy(w, held, act)) / 10;
      boundaries.push({ label: `${act}: ${acc}%`, grid: boundaryGrid(w, act, -2.5, 2.5, 48) });
      lines.push({ name: act, x: r.value.losses.map((_, k) => k * BUDGET.every), y: r.value.losses });
      if (act === 'relu') {
        note(`relu (not graded; the seed's ReLU network reaches 74%): ${acc}%`);
        return;
      }
      // Evidence the training happened as the seed's: the weights after the budget are the grader's own replay
      // of the seed's training from the same start (float64 both sides; measured differences ~1e-13).
      const replayed = trainXor(inits[i], train, act, BUDGET.lr, BUDGET.epochs);
      const replayAcc = Math.round(10 * xorAccuracy(replayed, held, act)) / 10;
      const d = weightsApart(w, replayed);
      if (!(d <= XOR_WEIGHT_TOL)) {
        throw new GradingFailure(
          `${act}: after ${BUDGET.epochs} epochs your network's weights are not those of the seed's training from the same start (largest relative difference ${d.toExponential(1)}); it reaches ${acc}% on ${BUDGET.held} held-out points, the seed's ${replayAcc}% (1.2: forward/backward; 1.backward and 1.gradcheck say what differs)`,
        );
      }
      expectThreshold(acc, th, `${act}: accuracy (%) on ${BUDGET.held} held-out points after ${BUDGET.epochs} epochs (1.2)`);
    },
  }));
  try {
    await gradeParts(parts.filter((p) => p.name !== 'relu'));
  } finally {
    try {
      parts[2].check(); // relu: for the report only
    } catch {
      // not graded
    }
    attachArtifact('images', {
      title: `1.2: decision boundaries after ${BUDGET.epochs} epochs (network output over [-2.5, 2.5]^2, x1 to the right, x2 up)`,
      columns: 3,
      cells: boundaries.map((b) => ({ label: b.label, height: 48, width: 48, channels: 1, values: b.grid.flat(), range: [0, 1] as [number, number] })),
    });
    attachArtifact('series', { title: '1.2: training loss (mean squared error)', xLabel: 'epoch', yLabel: 'loss', lines });
  }
});
