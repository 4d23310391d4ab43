// For tests that call an assignment's probes on its reference directly (e.g. to replay a check over hundreds of
// run seeds): the reference staged as a student hands it in, opened once in the sandbox for the test file.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { initEngine } from '../engine/backend.ts';
import { rebuildModel } from '../kit/rebuild.ts';
import type { Submission } from '../kit/suite.ts';
import { openIsolated } from '../runner/isolated-submission.ts';
import type { SubmissionHandle } from '../runner/submission.ts';
import { stageSubmission } from './fixtures.ts';
import { sourcesOf } from './sources.ts';

/** Registers the file's beforeAll/afterAll; the returned handle works inside its tests. */
export function useStagedReference(id: string): Submission {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `dlgrade-reference-${id}-`));
  let handle: SubmissionHandle | undefined;
  beforeAll(async () => {
    await initEngine();
    const src = sourcesOf(id);
    stageSubmission(src, 'reference', tmp);
    handle = await openIsolated({ assignmentDir: src.assignmentDir, submissionDir: tmp, entry: ['index.ts'], timeoutMs: 60_000, memoryMb: 2048 });
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  const open = (): SubmissionHandle => {
    if (!handle) throw new Error(`useStagedReference('${id}'): the reference opens in beforeAll; use it inside a test`);
    return handle;
  };
  return {
    call: (name, args, opts) => open().call(name, args, opts),
    model: async (name, args, opts) => rebuildModel(await open().call(name, args, opts), opts?.what ?? name),
    rebuild: rebuildModel,
    engine: () => open().engine(),
  };
}
