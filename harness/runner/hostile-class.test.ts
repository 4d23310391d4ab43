// Every hostile fixture (fixtures/submissions/hostile) graded for real, as students of one class next to a
// correct submission: the full pipeline (vitest suites of the mini assignment in the grader, each submission
// in its own sandbox), two workers. Each gets the score and status its README states, with a message that
// says what happened, and its neighbours are unaffected. Split in two class runs to keep each test short.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadAssignment } from '../assignment/load.ts';
import { runOutcome } from '../results/class-table.ts';
import type { SubmissionResult, TestStatus } from '../results/types.ts';
import { GRADER_ROOT } from './bundle-submission.ts';
import { gradeClass } from './grade-class.ts';

const HOSTILE = path.join(GRADER_ROOT, 'fixtures/submissions/hostile');
const mini = loadAssignment(path.join(GRADER_ROOT, 'fixtures/assignments/mini'));
const root = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Expected {
  score: number;
  /** runOutcome status: the run's, or the first test the process did not survive. */
  status: string;
  /** Tests that do not pass, with their status; every other test passes. */
  notPassed: Record<string, TestStatus>;
  /** A message that must appear (test output or run status message). */
  says?: RegExp;
}

const ALL_TESTS = ['A.relu.values', 'A.softmax.values', 'A.softmax.stable', 'B.params', 'B.shape', 'B.train.loss'];
const every = (status: TestStatus) => Object.fromEntries(ALL_TESTS.map((t) => [t, status]));

const EXPECTED: Record<string, Expected> = {
  correct: { score: 20, status: 'ok', notPassed: {} },
  'infinite-loop': { score: 17, status: 'timeout', notPassed: { 'A.relu.values': 'timeout' }, says: /did not finish within 10 s while running probe "relu"/ },
  'memory-bomb': { score: 10, status: 'oom', notPassed: { 'B.params': 'oom', 'B.shape': 'oom', 'B.train.loss': 'oom' }, says: /over the 1024 MB limit|ran out of JavaScript heap/ },
  'throw-at-import': { score: 0, status: 'import-error', notPassed: every('failed'), says: /explodes at import time \(at index\.ts:18:7\)/ },
  'syntax-error': { score: 0, status: 'import-error', notPassed: every('failed'), says: /index\.ts:6:38: Expected "\)" but found ";"/ },
  'exit-halfway': { score: 13, status: 'crash', notPassed: { 'A.softmax.values': 'crash', 'A.softmax.stable': 'crash' }, says: /exited with code 0 \(did the code call process\.exit\(\)\?\)/ },
  'fake-stdout': { score: 14, status: 'ok', notPassed: { 'A.relu.values': 'failed', 'A.softmax.stable': 'failed' } },
  'write-results': { score: 17, status: 'ok', notPassed: { 'A.relu.values': 'failed' } },
  'read-secrets': { score: 17, status: 'ok', notPassed: { 'A.softmax.stable': 'failed' }, says: /got \[NaN, NaN\]/ },
  'patch-vitest': { score: 17, status: 'ok', notPassed: { 'A.relu.values': 'failed' } },
  'fake-determinism': { score: 17, status: 'ok', notPassed: { 'B.train.loss': 'failed' }, says: /none of the 0 variables is trainable/ },
  'spawn-child': { score: 17, status: 'ok', notPassed: { 'A.relu.values': 'failed' }, says: /the grading sandbox denies ChildProcess/ },
  'open-socket': { score: 13, status: 'ok', notPassed: { 'A.softmax.values': 'failed', 'A.softmax.stable': 'failed' }, says: /opening a network connection \(net\.Socket\.connect\) is not allowed while grading/ },
  'kill-grader': { score: 20, status: 'ok', notPassed: {} },
  'forge-replies': { score: 17, status: 'ok', notPassed: { 'A.relu.values': 'failed' } },
  'import-outside': { score: 0, status: 'import-error', notPassed: every('failed'), says: /does not compile/ },
};

function check(r: SubmissionResult): void {
  const want = EXPECTED[r.student]!;
  const where = `${r.student}: ${JSON.stringify(r.tests.map((t) => [t.id, t.status, t.output.slice(0, 200)]))}`;
  expect(r.score, where).toBe(want.score);
  expect(r.maxScore).toBe(20);
  expect(runOutcome(r).status, where).toBe(want.status);
  for (const t of r.tests) expect(t.status, `${r.student} ${t.id}: ${t.output}`).toBe(want.notPassed[t.id] ?? 'passed');
  if (want.says) expect(`${r.statusMessage ?? ''}\n${r.tests.map((t) => t.output).join('\n')}`).toMatch(want.says);
}

async function gradeGroup(name: string, students: string[]): Promise<{ results: SubmissionResult[]; out: string; cls: string }> {
  // Laid out as graders do (class/<student> next to out/), so the write-results fixture aims at the real out folder.
  const cls = path.join(root, name, 'class');
  for (const s of students) cpSync(s === 'correct' ? path.join(GRADER_ROOT, 'fixtures/submissions/mini/correct') : path.join(HOSTILE, s), path.join(cls, s), { recursive: true });
  const out = path.join(root, name, 'out');
  const run = await gradeClass({ assignment: mini, classDir: cls, outDir: out, workers: 2 });
  expect(run.students).toEqual([...students].sort());
  return { results: run.results, out, cls };
}

describe('hostile submissions graded in one class with a correct neighbour', () => {
  test('hangs, memory, crashes, import and compile failures, fake output and files', async () => {
    const { results, out, cls } = await gradeGroup('g1', ['correct', 'infinite-loop', 'memory-bomb', 'throw-at-import', 'syntax-error', 'exit-halfway', 'fake-stdout', 'write-results']);
    for (const r of results) check(r);
    // The grader's files hold the honest scores, whatever the submissions printed or tried to write.
    expect(JSON.parse(readFileSync(path.join(out, 'fake-stdout', 'results.json'), 'utf8')).score).toBe(14);
    expect(JSON.parse(readFileSync(path.join(out, 'write-results', 'results.json'), 'utf8')).score).toBe(17);
    expect(existsSync(path.join(cls, 'results.json'))).toBe(false);
    expect(existsSync('/autograder/results/results.json')).toBe(false);
    const csv = readFileSync(path.join(out, 'gradebook.csv'), 'utf8');
    expect(csv).toMatch(/\r\ninfinite-loop,17,20,7,10,2,timeout,/);
    expect(csv).toMatch(/\r\nmemory-bomb,10,20,10,0,2,oom,/);
  }, 150_000);

  test('reading secrets, patching vitest or tfjs, spawning, sockets, signals, forged replies, imports from outside', async () => {
    const { results } = await gradeGroup('g2', ['correct', 'read-secrets', 'patch-vitest', 'fake-determinism', 'spawn-child', 'open-socket', 'kill-grader', 'forge-replies', 'import-outside']);
    for (const r of results) check(r);
  }, 150_000);
});
