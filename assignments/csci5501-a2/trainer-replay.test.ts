// C.train.loss must not depend on the run seed: the reference, trained where it runs, agrees with the grader's
// replay on the set-up wellPosedRun picks from any drawn seed, including the two (of 300 scanned) where the
// two AdamW formulas drift apart past the tolerance and the reference lost its 3 points.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { stageSubmission } from '../../harness/assign/fixtures.ts';
import { sourcesOf } from '../../harness/assign/sources.ts';
import { initEngine } from '../../harness/engine/backend.ts';
import { openIsolated } from '../../harness/runner/isolated-submission.ts';
import type { SubmissionHandle } from '../../harness/runner/submission.ts';
import type { TrainerRun } from './probes.ts';
import { near, replay, wellPosedRun, type RunArgs } from './trainer-replay.ts';

const ILL_POSED = [5958, 64876];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-trainer-replay-'));
let sub: SubmissionHandle | undefined;
afterAll(async () => {
  await sub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('the reference lands on the replay for every drawn seed, the ill-posed ones replaced', { timeout: 300_000 }, async () => {
  await initEngine();
  // The reference as the grader holds it: staged, and run in the sandbox.
  const src = sourcesOf('csci5501-a2');
  stageSubmission(src, 'reference', tmp);
  sub = await openIsolated({ assignmentDir: src.assignmentDir, submissionDir: tmp, entry: ['index.ts'], timeoutMs: 60_000, memoryMb: 2048 });
  const base = { n: 60, batchSize: 16, epochs: 6, lr: 0.01, weightDecay: 0.01 };
  const run = (args: RunArgs) => sub!.call<TrainerRun>('trainerRun', args);
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
