import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadAssignment, PACKAGE_ROOT } from '../assignment/load.ts';
import { gradescopeProblems } from '../results/gradescope.ts';
import { readSubmissionResult, submissionResultProblems } from '../results/read-result.ts';
import type { SubmissionResult } from '../types/submission-result.ts';
import { writeSubmissionOutputs } from '../results/write-outputs.ts';
import { gradeSubmission } from './grade-submission.ts';

// The whole pipeline on the mini assignment (vitest child process, reporter, scoring), in-process
// submissions on the cpu engine so each grading takes a few seconds. Process isolation is the runner's
// tests' business; here the scores and messages are.
const MINI = path.join(PACKAGE_ROOT, 'fixtures/assignments/mini');
const sub = (name: string) => path.join(PACKAGE_ROOT, 'fixtures/submissions/mini', name);

function grade(name: string, scope: 'visible' | 'all', dir = sub(name)): Promise<SubmissionResult> {
  return gradeSubmission({ assignment: MINI, submissionDir: dir, scope, isolation: 'inprocess', backend: 'cpu' });
}

const scores = (r: SubmissionResult) => Object.fromEntries(r.tests.map((t) => [t.id, t.score]));
const byId = (r: SubmissionResult, id: string) => r.tests.find((t) => t.id === id)!;

describe('gradeSubmission on the mini assignment', () => {
  test('the reference scores full marks and its results.json validates', async () => {
    const r = await grade('correct', 'all');
    expect(r.warnings).toBeUndefined();
    expect([r.status, r.score, r.maxScore]).toEqual(['ok', 20, 20]);
    expect(r.tests.every((t) => t.status === 'passed')).toBe(true);
    expect(r.engine).toBe('tfjs 4.22.0 cpu (pure JS)');
    expect(r.manual[0]?.answer).toMatch(/last axis/);
    expect(r.artifacts.curves?.[0]?.trainLoss).toHaveLength(40);
    const out = mkdtempSync(path.join(tmpdir(), 'dlgrade-grade-'));
    // A freshly graded result (artifacts included) follows the dlgrade.json schema and reads back as written.
    expect(submissionResultProblems(r)).toEqual([]);
    expect(r.id).toBe('correct');
    const files = writeSubmissionOutputs(out, r);
    expect(gradescopeProblems(JSON.parse(readFileSync(files.resultsJson, 'utf8')))).toEqual([]);
    expect(readSubmissionResult(files.dlgradeJson)).toEqual(r);

  });

  test('the buggy submission loses exactly the right points; hidden tests only run with scope all', async () => {
    const visible = await grade('partial', 'visible');
    expect(scores(visible)).toEqual({ 'A.relu.values': 3, 'A.softmax.values': 4, 'B.params': 0 });
    expect([visible.score, visible.maxScore]).toEqual([7, 11]);
    expect(byId(visible, 'B.params').output).toMatch(/expected 163, got 67/);

    const all = await grade('partial', 'all');
    expect(scores(all)).toEqual({ 'A.relu.values': 3, 'A.softmax.values': 4, 'A.softmax.stable': 0, 'B.params': 0, 'B.shape': 1, 'B.train.loss': 3 });
    expect([all.score, all.maxScore]).toEqual([11, 20]);
    expect(all.exercises.map((x) => [x.id, x.score, x.maxScore])).toEqual([['A', 7, 10], ['B', 4, 10]]);
    expect(byId(all, 'B.shape').output).toMatch(/1 of 3 parts right:\n- input \[3, 4, 4\]: .*expected shape \[3, 3\], got \[3, 4, 3\]/);
    expect(byId(all, 'A.softmax.stable').output).toMatch(/got \[NaN, NaN\]; subtract max/);
    expect(all.manual[0]?.answer).toBeUndefined();
  });

  test('a throw in submission code names the submission file and line', async () => {
    const r = await grade('throws', 'visible');
    expect(byId(r, 'A.relu.values')).toMatchObject({ status: 'failed', score: 0 });
    expect(byId(r, 'A.relu.values').output).toBe('the submission\'s code threw RangeError: relu: negative input -2 not handled (at index.ts:6:22) while running probe "relu"');
    expect(r.score).toBe(8);
  });

  test('a missing export is named, with what the submission does export', async () => {
    const r = await grade('missing-export', 'visible');
    expect(byId(r, 'B.params').output).toBe('the submission does not export "buildMlp" (it exports: relu, softmax, makeMlp)');
    expect(r.score).toBe(7);
  });

  test('a submission that does not parse: import-error with its file:line, zero everywhere', async () => {
    const r = await grade('syntax-error', 'visible');
    expect(r.status).toBe('import-error');
    expect(r.statusMessage).toMatch(/importing index.ts failed: .*syntax-error\/index.ts:3:\d+/s);
    expect(r.score).toBe(0);
  });

  test('a synchronous infinite loop in-process: the total time limit kills the run, every test times out', async () => {
    const a = loadAssignment(MINI);
    const t0 = Date.now();
    const r = await gradeSubmission({
      assignment: { ...a, limits: { ...a.limits, totalTimeoutMs: 8000 } },
      submissionDir: sub('busy-loop'),
      scope: 'visible',
      isolation: 'inprocess',
      backend: 'cpu',
    });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.status).toBe('timeout');
    expect(r.tests.map((t) => [t.id, t.status, t.score])).toEqual([['A.relu.values', 'timeout', 0], ['A.softmax.values', 'timeout', 0], ['B.params', 'timeout', 0]]);
    expect(r.statusMessage).toMatch(/total time limit/);
  });

  test('a folder without an entry file is "missing" without running anything', async () => {
    const r = await grade('none', 'all', mkdtempSync(path.join(tmpdir(), 'dlgrade-empty-')));
    expect([r.status, r.score, r.maxScore]).toEqual(['missing', 0, 20]);
    expect(r.statusMessage).toBe('the submission has no entry file (looked for index.ts, src/index.ts)');
  });
});
