// The recorder checks must not depend on the run seed. Measured on the reference over 515 run seeds: on 8,
// 4.recorder lost points (a ReLU or max-pool of its CNN at a kink at a recording step: the gradient norm 1.1-7.8x
// its tolerance from the grader's replay), on 3, 3.recorder.hidden did (Adam moved one first-layer weight
// 1.2-3.4x the tolerance away). The checks now use the first set-up whose replays agree when they round
// differently (well-posed-runs.ts): on those run seeds the set-up as drawn still fails the comparison, and the
// checks as graded pass.
import { expect, test } from 'vitest';
import { useStagedReference } from '../../harness/assign/staged-reference.ts';
import { runSeedOf } from '../../harness/runner/run-seed.ts';
import { syntheticSplits } from './image-data.ts';
import { curveProblem, weightsProblem } from './recorder-checks.ts';
import { checkTrainAndRecord, checkTrainAndRecordGradients } from './recorder-runs.ts';
import { replay, type RecorderRun } from './well-posed-runs.ts';

/** Run seeds on which the reference lost the test (the scan found 8 for 4.recorder: 190, 183, 254, 234, 211, 503, 464, 449). */
const ILL_POSED = { '4.recorder': [190, 183, 254, 234], '3.recorder.hidden': [213, 490, 509] };
const OTHER = 1;

// The suites' draws for a given run seed (tests/public/4-activations.test.ts, tests/hidden/3-architectures.test.ts).
const cnnRun = (run: number): RecorderRun => ({ kind: 'cnn', activation: 'relu', seed: runSeedOf(run, '4.recorder:cnn'), sizes: { train: 500, val: 10, test: 10 } });
const hiddenRun = (run: number): RecorderRun => ({ kind: 'mlp', activation: 'sigmoid', seed: runSeedOf(run, '3.recorder.hidden'), sizes: { train: 500, val: 150, test: 120 } });
const SGD = { lr: 0.01, epochs: 2 };
const ADAM = { optimizer: 'adam' as const, lr: 2e-3, epochs: 3 };

const sub = useStagedReference('ee449-hw1');

test('4.recorder: the CNN run as drawn fails on the ill-posed run seeds; the check passes on every run seed', async () => {
  for (const run of ILL_POSED['4.recorder']) {
    const drawn = cnnRun(run);
    const data = syntheticSplits(drawn.seed, drawn.sizes);
    const got = await sub.call<{ gradCurve: number[] }>('trainAndRecordGradients', { kind: drawn.kind, activation: drawn.activation, seed: drawn.seed, train: data.train, ...SGD });
    const want = replay(drawn, { optimizer: 'sgd', ...SGD, valAtRecords: false, gradients: true }, data);
    expect(curveProblem({ name: 'gradCurve', got: got.gradCurve, want: want.gradCurve, kind: 'relative' }, want.steps), `run seed ${run}`).toBeDefined();
  }
  for (const run of [...ILL_POSED['4.recorder'], OTHER]) await checkTrainAndRecordGradients(sub, cnnRun(run), SGD, `run seed ${run}`);
}, 90_000);

test('3.recorder.hidden: the Adam run as drawn fails on the ill-posed run seeds; the check passes on every run seed', async () => {
  for (const run of ILL_POSED['3.recorder.hidden']) {
    const drawn = hiddenRun(run);
    const data = syntheticSplits(drawn.seed, drawn.sizes);
    const got = await sub.call<{ firstLayerWeights: unknown }>('trainAndRecord', { kind: drawn.kind, activation: drawn.activation, seed: drawn.seed, data, opts: ADAM });
    expect(weightsProblem(got.firstLayerWeights, replay(drawn, ADAM, data)), `run seed ${run}`).toBeDefined();
  }
  for (const run of [...ILL_POSED['3.recorder.hidden'], OTHER]) await checkTrainAndRecord(sub, hiddenRun(run), ADAM, `run seed ${run}`);
}, 90_000);
