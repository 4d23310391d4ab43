// 5. Learning rates: the scheduled learning rate's decisions on validation curves scripted from the run seed,
// and the part 5 recorder (SGD at 0.1, 0.01 and 0.001), replayed by the grader.
import { test } from 'vitest';
import { gradeParts, runSeed, useSubmission } from 'dlgrade/kit';
import mistakes from '../../mistakes.json' with { type: 'json' };
import { attachCurves, checkTrainAndRecord } from '../../recorder-runs.ts';
import type { GraderRecord } from '../../recorder.ts';
import { checkPlateau, type ExpectedCase } from '../../schedule-checks.ts';

const sub = useSubmission();

test('5.schedule: PlateauSchedule learning rates on scripted validation curves (patience 1, 2, 3)', async () => {
  // Fixed curves (mistakes.json, built like the hidden test's per-run ones: a tie with the best, plateaus just
  // shorter than and as long as the patience, the floor reached); 5.schedule.hidden draws new ones every run.
  await checkPlateau(sub, mistakes.schedule as ExpectedCase[]);
});

test("5.recorder: trainAndRecord with SGD at 0.1, 0.01 and 0.001, as the grader's replay", async () => {
  const records: { name: string; r: GraderRecord }[] = [];
  try {
    await gradeParts(
      [0.1, 0.01, 0.001].map((lr) => ({
        name: `lr ${lr}`,
        check: async () => {
          // MLP1 with sigmoid (the seed's part 5 trains CNN3; a replay of a CNN with ReLU at lr 0.1 parts ways
          // between engines by rounding alone, and a sigmoid CNN learns nothing in 20 steps). 500 images: 10
          // steps per epoch, 2 epochs: records at steps 10 and 20.
          const run = { kind: 'mlp' as const, activation: 'sigmoid' as const, seed: runSeed(`5.recorder:${lr}`), sizes: { train: 500, val: 100, test: 100 } };
          records.push({ name: `lr ${lr}`, r: await checkTrainAndRecord(sub, run, { optimizer: 'sgd', lr, epochs: 2 }, "5.1: trainAndRecord with { optimizer: 'sgd' }, contract.ts rules 1-4") });
        },
      })),
    );
  } finally {
    attachCurves('5.1: trainAndRecord on MLP1 (sigmoid) with SGD at each learning rate (the grader replay)', records);
  }
});
