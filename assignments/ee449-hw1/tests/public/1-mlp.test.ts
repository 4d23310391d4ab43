// 1. The MLP from scratch: activations and derivatives, forward and loss, one update of the seed's rule (PyTorch's
// goldens, paired with per-run random inputs), the XOR data set, and the from-scratch rule (the bundle's inputs).
import { test } from 'vitest';
import { gradeParts, GradingFailure, runRng, useSubmission } from 'dlgrade/kit';
import type { ActivationName, XorOptions } from '../../contract.ts';
import golden from '../../golden.json' with { type: 'json' };
import mistakes from '../../mistakes.json' with { type: 'json' };
import { ACTIVATIONS } from '../../activations.ts';
import { activationPart, activationPoints, checkForwardGolden, checkScratch, checkStepGolden, xorSetProblems, type GoldenCase, type XorAnswer } from '../../mlp-checks.ts';
import type { MlpWeights } from '../../weights-compare.ts';
import type { MlpWeightsData, Outcome } from '../../probes.ts';

const sub = useSubmission();
const g = golden.xor_mlp;
const W0: MlpWeights = { W1: g.W1, b1: g.b1, W2: g.W2, b2: g.b2 };

/** The golden case of an activation: fixed weights and six points (../shared/golden/xor_mlp.json). */
function goldenCase(act: ActivationName): GoldenCase {
  const a = g.activations[act];
  return { act, w: W0, x: g.x, y: g.y, lr: g.lr, after: a.after_one_step, output: a.output, loss: a.loss, mistakes: mistakes.xor_mlp[act] };
}

test('1.activations: sigmoid, tanh, ReLU and their derivatives at the golden points and at random points', async () => {
  // The golden points (-3, -0.5, 0, 0.5, 3: golden/xor_mlp.json's derivative_points) and this run's own.
  const xs = activationPoints(g.derivative_points, runRng('1.activations'));
  const answers = await sub.call<Parameters<typeof activationPart>[2]>('activations', { xs });
  await gradeParts(ACTIVATIONS.map((act) => ({ name: act, check: activationPart(act, xs, answers) })));
});

test('1.forward: the forward pass and the mean squared error against the golden values, and the constructor', async () => {
  // Per-run random networks are 1.backward.random's (the grader's own MLP does not ship with the public files).
  await gradeParts([
    ...ACTIVATIONS.map((act) => ({ name: `${act}, golden`, check: () => checkForwardGolden(sub, goldenCase(act)) })),
    {
      name: 'the constructor',
      check: async () => {
        // randn handed in returns 1, 2, 3, ...: W1 takes the first in*hidden of them (row by row), then W2.
        const sizes: [number, number, number] = [3, 4, 2];
        const w = await sub.call<MlpWeightsData>('mlpInit', { sizes, act: 'tanh' });
        const want = { W1: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], b1: [[0, 0, 0, 0]], W2: [[13, 14], [15, 16], [17, 18], [19, 20]], b2: [[0, 0]] };
        for (const k of ['W1', 'b1', 'W2', 'b2'] as const) {
          if (JSON.stringify(w[k]) !== JSON.stringify(want[k])) {
            throw new GradingFailure(`new MLP(3, 4, 2, 'tanh', randn) with a randn that returns 1, 2, 3, ...: expected ${k} = ${JSON.stringify(want[k])} (W1 [3][4] drawn first, row by row, then W2 [4][2]; biases zeros), got ${JSON.stringify(w[k])} (1.2: the constructor, np.random.randn / np.zeros)`);
          }
        }
      },
    },
  ]);
});

test('1.backward: one update of the seed rule against the golden weights, for each activation', async () => {
  await gradeParts(ACTIVATIONS.map((act) => ({ name: act, check: () => checkStepGolden(sub, goldenCase(act)) })));
});

test('1.data: the XOR data set (sizes, centres, spread, labels, make_blobs counts, shuffled, seeded)', async () => {
  const rng = runRng('1.data');
  const seedA = rng.int(1e6);
  const other: XorOptions = { trainSamples: 402 + rng.int(4), valSamples: 50 + rng.int(3), std: 0.25, seed: rng.int(1e6) };
  const opts: (XorOptions | undefined)[] = [undefined, { seed: seedA }, { seed: seedA }, { seed: seedA + 1 }, other];
  const r = await sub.call<Outcome<XorAnswer>[]>('xorData', { opts });
  const get = (i: number) => {
    const o = r[i];
    if (!o || 'error' in o) throw new GradingFailure(`createXorDataset(${JSON.stringify(opts[i] ?? {})}) threw ${o && 'error' in o ? o.error : 'nothing came back'} (1.2: createXorDataset)`);
    return o.value;
  };
  const setProblems = (i: number, n: [number, number], std: number) => {
    const d = get(i);
    const where = `createXorDataset(${JSON.stringify(opts[i] ?? {})})`;
    const problems = [...xorSetProblems(d.xTrain, d.yTrain, n[0], std, `${where}.xTrain/yTrain`), ...xorSetProblems(d.xVal, d.yVal, n[1], std, `${where}.xVal/yVal`)];
    if (problems.length) throw new GradingFailure(`${problems.join('; ')} (1.2: part1CreateDataset, contract.ts CreateXorDataset)`);
  };
  await gradeParts([
    { name: 'the defaults (1,000 / 100 points, std 0.4)', check: () => setProblems(0, [1000, 100], 0.4) },
    { name: 'a seed', check: () => setProblems(1, [1000, 100], 0.4) },
    { name: `other sizes and std (${other.trainSamples} / ${other.valSamples}, std 0.25)`, check: () => setProblems(4, [other.trainSamples!, other.valSamples!], 0.25) },
    {
      name: 'seeded',
      check: () => {
        const [a, b, c] = [get(1), get(2), get(3)];
        if (JSON.stringify(a) !== JSON.stringify(b)) throw new GradingFailure(`createXorDataset({ seed: ${seedA} }) twice gave different data: the same seed must give the same data (random.ts: seededRandom(seed), not Math.random) (1.2)`);
        if (JSON.stringify(a.xTrain) === JSON.stringify(c.xTrain)) throw new GradingFailure(`createXorDataset({ seed: ${seedA} }) and ({ seed: ${seedA + 1} }) gave the same points: the seed must be used (1.2)`);
        if (JSON.stringify(a.xTrain.slice(0, 50)) === JSON.stringify(a.xVal.slice(0, 50))) throw new GradingFailure('the validation points repeat the training points: they are independent draws (1.2)');
      },
    },
  ]);
});

test('1.scratch: mlp-scratch.ts and xor-data.ts import no package (no tfjs, no autodiff)', async () => {
  checkScratch(['mlp-scratch.ts', 'xor-data.ts'], '1');
  // Clean imports count once the files hold the work: the golden forward pass, to float64 precision.
  await checkForwardGolden(sub, goldenCase('tanh')).catch((e: Error) => {
    throw new GradingFailure(`mlp-scratch.ts imports no package, but its MLP does not compute the golden forward pass yet (${e.message.split('\n')[0]}): nothing from scratch to credit yet (1.forward says more)`);
  });
});
