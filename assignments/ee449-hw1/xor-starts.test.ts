// 1.train must not depend on the run seed. On run seeds 47, 82 and 133 the start the suite drew (the first whose
// replay reaches 94%) made tanh's training amplify float64 rounding: the reference's weights and the grader's
// replay parted by 1e-3, 5e-5 and 7.1 (tolerance 1e-6) and the reference lost 1.5 points. xorStart keeps only
// starts whose replay stays put when the start moves by a few roundings: there the reference lands on it.
import { expect, test } from 'vitest';
import { useStagedReference } from '../../harness/assign/staged-reference.ts';
import { runRngOf } from '../../harness/runner/run-seed.ts';
import type { ActivationName } from './contract.ts';
import { initialWeights, trainXor, xorAccuracy, xorBlobs, type MlpWeights, type XorSet } from './mlp-expected.ts';
import type { MlpWeightsData, Outcome } from './probes.ts';
import { weightsApart, xorStart, XOR_WEIGHT_TOL } from './xor-starts.ts';

const ILL_POSED = [47, 82, 133];
const OTHER = 1;
const BUDGET = { epochs: 300, lr: 0.001 };

const sub = useStagedReference('ee449-hw1');

/** tests/hidden/1-mlp.test.ts's data for a run seed, and its stream positioned for the starts. */
function drawn(run: number) {
  const rng = runRngOf(run, '1.train');
  const train = xorBlobs(1000, 0.4, rng);
  return { rng, train, held: xorBlobs(1000, 0.4, rng) };
}

/** The reference's weights after training tanh from `w` (the probe the suite calls). */
async function reference(w: MlpWeights, train: XorSet): Promise<MlpWeights> {
  const [r] = await sub.call<Outcome<{ weights: MlpWeightsData }>[]>('xorTrain', { runs: [{ act: 'tanh', w }], x: train.x, y: train.y, lr: BUDGET.lr, epochs: BUDGET.epochs, every: 25 });
  if (!r || 'error' in r) throw new Error(`xorTrain threw ${r && 'error' in r ? r.error : 'nothing'}`);
  return r.value.weights;
}

test('on the ill-posed run seeds the start drawn before parts the reference from the replay; xorStart moves on and they agree', async () => {
  for (const run of [...ILL_POSED, OTHER]) {
    // As the suite drew starts before: sigmoid's, then tanh's, each the first whose replay reaches 94%.
    const before = drawn(run);
    const first = (act: ActivationName) => {
      for (;;) {
        const w = initialWeights(2, 8, 1, before.rng);
        if (xorAccuracy(trainXor(w, before.train, act, BUDGET.lr, BUDGET.epochs), before.held, act) >= 94) return w;
      }
    };
    first('sigmoid');
    const old = first('tanh');
    const oldApart = weightsApart(await reference(old, before.train), trainXor(old, before.train, 'tanh', BUDGET.lr, BUDGET.epochs));
    if (run !== OTHER) expect(oldApart, `run seed ${run}, the start drawn before`).toBeGreaterThan(XOR_WEIGHT_TOL);
    const now = drawn(run);
    xorStart(now.rng, now.train, now.held, 'sigmoid', BUDGET);
    const w = xorStart(now.rng, now.train, now.held, 'tanh', BUDGET);
    expect(weightsApart(await reference(w, now.train), trainXor(w, now.train, 'tanh', BUDGET.lr, BUDGET.epochs)), `run seed ${run}`).toBeLessThanOrEqual(XOR_WEIGHT_TOL);
  }
}, 120_000);
