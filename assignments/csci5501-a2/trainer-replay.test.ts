// C.train.loss must not depend on the run seed: the reference, trained where it runs, agrees with the grader's
// replay on the set-up wellPosedRun picks from any drawn seed, including the two (of 300 scanned) where the
// two AdamW formulas drift apart past the tolerance and the reference lost its 3 points.
import { expect, test } from 'vitest';
import { useStagedReference } from '../../harness/assign/staged-reference.ts';
import type { TrainerRun } from './probes.ts';
import { near, replay, wellPosedRun, type RunArgs } from './trainer-replay.ts';

const ILL_POSED = [5958, 64876];
const sub = useStagedReference('csci5501-a2');

test('the reference lands on the replay for every drawn seed, the ill-posed ones replaced', { timeout: 300_000 }, async () => {
  const base = { n: 60, batchSize: 16, epochs: 6, lr: 0.01, weightDecay: 0.01 };
  const run = (args: RunArgs) => sub.call<TrainerRun>('trainerRun', args);
  // Where the reference drifted: the replay as it was (PyTorch's formula alone) is not near it, and the pick moves on.
  for (const seed of ILL_POSED) {
    const args = { ...base, seed };
    const got = await run(args);
    const want = replay(args, true, 'torch');
    expect(got.snapshots.every((s, e) => near(s, want.snapshots[e]!)), `seed ${seed}`).toBe(false);
    expect(wellPosedRun(args).tries, `seed ${seed}`).toBeGreaterThan(1);
  }
  const failed: number[] = [];
  let moved = 0;
  for (const drawn of [...ILL_POSED, ...Array.from({ length: 120 }, (_, i) => (i * 7717 + 13) % 100_000)]) {
    const { args, want, tries } = wellPosedRun({ ...base, seed: drawn });
    if (tries > 1) moved++;
    const got = await run(args);
    if (!got.snapshots.every((s, e) => near(s, want.snapshots[e]!))) failed.push(drawn);
  }
  expect(failed).toEqual([]);
  expect(moved).toBeLessThan(10);
});
