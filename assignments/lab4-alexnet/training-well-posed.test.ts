// Exercise E must not depend on the run seed. On run seeds 410 and 897 (E.train.model) and 500 (E.hidden's
// trainModel) a max-pool or ReLU of the check model sat at its kink, the reference's training and the grader's
// replay parted by 23-207x the weight tolerance; on run seed 209102 two logits of the evaluation model were 6e-8
// apart and float32 rounding changed E.predictions' argmax. The reference lost points each time. The training
// checks now use the first set-up whose replays agree when they round differently (wellPosedTrainModelCase,
// wellPosedEpochCase), the evaluation checks a case without near ties (evalCase): the reference passes there,
// on those run seeds and on others drawn as the suites draw them.
import { expect, test } from 'vitest';
import { useStagedReference } from '../../harness/assign/staged-reference.ts';
import { type Part, type Rng } from '../../harness/kit/index.ts';
import { runRngOf, runSeedOf } from '../../harness/runner/run-seed.ts';
import { EVAL_IMAGE, TRAIN_IMAGE } from './tiny-models.ts';
import { evalCase, evalLogits, evalWeights, predictionParts, randomImages, smallestMargin, trainEpochParts, trainModelParts, wellPosedTrainModelCase, WEIGHT_TOL, type EpochCase, type EvalCase, type TrainModelCase } from './training-checks.ts';
import { replayTrainModel, weightsDistance } from './training-replay.ts';

/** Run seeds on which the reference lost E.train.model (public) or E.hidden (its trainModel). */
const ILL_POSED = { public: [410, 897], hidden: [500] };
/** The run seed on which it lost E.predictions. */
const NEAR_TIE = 209102;
const OTHERS = Array.from({ length: 24 }, (_, i) => 1 + i * 7717);

// The suites' draws for a given run seed (tests/public/e-training.test.ts, tests/hidden/e-training.test.ts).
const seedOf = (run: number, name: string) => runSeedOf(run, `lab4-alexnet:${name}`) % 100_000;
const sgd = { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 };
function publicCases(run: number): { epoch: EpochCase; model: TrainModelCase } {
  const e = runRngOf(run, 'lab4-alexnet:train-epoch');
  const m = runRngOf(run, 'lab4-alexnet:train-model');
  return {
    epoch: { classes: 3, seed: seedOf(run, 'train-epoch'), data: randomImages(e, 29, TRAIN_IMAGE, 3), batchSize: 8, sgd },
    model: { classes: 3, seed: seedOf(run, 'train-model'), data: randomImages(m, 21, TRAIN_IMAGE, 3), test: randomImages(m, 11, TRAIN_IMAGE, 3), batchSize: 8, sgd, schedule: { stepSize: 2, gamma: 0.5, epochs: 5 } },
  };
}
function hiddenCases(run: number): { epoch: EpochCase; model: TrainModelCase } {
  const rng: Rng = runRngOf(run, 'lab4-alexnet:e-hidden');
  const seed = runSeedOf(run, 'lab4-alexnet:e-hidden') % 100_000;
  const hsgd = { lr: 0.08, momentum: 0.5, weightDecay: 1e-3 };
  const epoch: EpochCase = { classes: 4, seed, data: randomImages(rng, 24, TRAIN_IMAGE, 4), batchSize: 24, sgd: hsgd };
  evalCase(rng, 3, 17, 4);
  const model: TrainModelCase = { classes: 2, seed: seed + 1, data: randomImages(rng, 15, TRAIN_IMAGE, 2), test: randomImages(rng, 9, TRAIN_IMAGE, 2), batchSize: 4, sgd: hsgd, schedule: { stepSize: 1, gamma: 0.7, epochs: 4 } };
  return { epoch, model };
}

const sub = useStagedReference('lab4-alexnet');

/** The names of the parts that fail (their checks throw). */
async function failing(parts: Part[]): Promise<string[]> {
  const bad: string[] = [];
  for (const p of parts) {
    try {
      await p.check();
    } catch {
      bad.push(p.name);
    }
  }
  return bad;
}

test('where the reference parted from the replay, the set-up as drawn is ill-posed and the checks move on', async () => {
  for (const [kind, runs] of Object.entries(ILL_POSED)) {
    for (const run of runs) {
      const drawn = (kind === 'public' ? publicCases(run) : hiddenCases(run)).model;
      const got = await sub.call<{ weights: Float32Array[] }>('trainModel', drawn);
      const want = replayTrainModel(drawn.classes, drawn.seed, drawn.data, drawn.test, drawn.batchSize, drawn.sgd, drawn.schedule);
      expect(weightsDistance(got.weights, want.weights), `run seed ${run}`).toBeGreaterThan(WEIGHT_TOL);
      expect(wellPosedTrainModelCase(drawn).tries, `run seed ${run}`).toBeGreaterThan(1);
    }
  }
}, 60_000);

test('the reference passes trainOneEpoch and trainModel on every drawn run seed, the ill-posed ones included', async () => {
  const failed: string[] = [];
  for (const run of [...ILL_POSED.public, ...ILL_POSED.hidden, ...OTHERS]) {
    for (const [kind, cases] of [['public', publicCases(run)], ['hidden', hiddenCases(run)]] as const) {
      const bad = [...(await failing(trainEpochParts(sub, cases.epoch))), ...(await failing(trainModelParts(sub, cases.model)))];
      if (bad.length) failed.push(`${kind} ${run}: ${bad.join(', ')}`);
    }
  }
  expect(failed).toEqual([]);
}, 120_000);

test('E.predictions: the case first drawn on the near-tie run seed gets a prediction wrong; evalCase draws past it and the check passes', async () => {
  const argmax = (c: EvalCase) => Array.from({ length: c.data.n }, (_, i) => {
    const row = Array.from(evalLogits(c).subarray(i * c.classes, (i + 1) * c.classes));
    return row.indexOf(Math.max(...row));
  });
  // As tests/public/e-training.test.ts drew it before: the first case from the stream.
  const first = runRngOf(NEAR_TIE, 'lab4-alexnet:predictions');
  const drawn: EvalCase = { classes: 5, weights: evalWeights(first, 5), data: randomImages(first, 23, EVAL_IMAGE, 5), batchSize: 6 };
  expect(smallestMargin(drawn)).toBeLessThan(1e-6);
  const got = await sub.call<{ preds: number[] }>('predictions', drawn);
  expect(got.preds).not.toEqual(argmax(drawn));
  const c = evalCase(runRngOf(NEAR_TIE, 'lab4-alexnet:predictions'), 5, 23, 6);
  expect(smallestMargin(c)).toBeGreaterThanOrEqual(1e-3);
  expect(await failing(predictionParts(sub, c))).toEqual([]);
}, 60_000);
