// Every hostile fixture (fixtures/submissions/hostile) graded for real, as students of one class next to a
// correct submission: the full pipeline (vitest suites of the mini assignment in the grader, each submission
// in its own sandbox), two workers. Each gets the score and status its README states, with a message that
// says what happened, and its neighbours are unaffected. Split in two class runs to keep each test short.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadAssignment } from '../assignment/load.ts';
import { runOutcome } from '../results/class-table.ts';
import type { SubmissionResult, TestStatus } from '../types/submission-result.ts';
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
  // Its layers are frozen: PyTorch counts no trainable parameter (B.params) and nothing trains (B.train.loss).
  'fake-determinism': { score: 13, status: 'ok', notPassed: { 'B.params': 'failed', 'B.train.loss': 'failed' }, says: /none of the 0 variables is trainable/ },
  'spawn-child': { score: 17, status: 'ok', notPassed: { 'A.relu.values': 'failed' }, says: /the grading sandbox denies ChildProcess/ },
  'open-socket': { score: 13, status: 'ok', notPassed: { 'A.softmax.values': 'failed', 'A.softmax.stable': 'failed' }, says: /opening a network connection \(net\.Socket\.connect\) is not allowed while grading/ },
  'kill-grader': { score: 20, status: 'ok', notPassed: {} },
  'forge-replies': { score: 17, status: 'ok', notPassed: { 'A.relu.values': 'failed' } },
  'import-outside': { score: 0, status: 'import-error', notPassed: every('failed'), says: /does not compile/ },
  // Issue 11: what the sandbox says earns nothing the grader cannot check itself.
  'glob-import': { score: 0, status: 'import-error', notPassed: every('failed'), says: /index\.ts: an import whose path is computed/ },
  'symlink-entry': { score: 0, status: 'import-error', notPassed: every('failed'), says: /the entry index\.ts is .*outside the submission folder/ },
  'symlink-src': { score: 0, status: 'import-error', notPassed: every('failed'), says: /the entry src\/index\.ts is .*outside the submission folder/ },
  'forge-ready': { score: 0, status: 'timeout', notPassed: every('timeout'), says: /loading the submission \(importing index\.ts\) did not finish within 10 s/ },
  'forge-ready-honest': { score: 0, status: 'timeout', notPassed: every('timeout') },
  'slow-calls': {
    score: 13,
    status: 'timeout',
    notPassed: { 'A.softmax.values': 'timeout', 'A.softmax.stable': 'timeout' },
    says: /what was left of this test's 30 s\) while running probe "softmax" \(\{ xs: \[/,
  },
};

/**
 * Hostile fixtures graded next to an honest twin (the same code without the attack): they must not earn more.
 * `exact`: they earn the same; ipc-fd-replies may earn less (a request it steals from the descriptor never
 * reaches the probe, so that call times out whatever its answer would have been).
 */
const TWINS: [string, string, { exact: boolean }][] = [
  ['override-methods', 'override-methods-honest', { exact: true }],
  ['ipc-fd-replies', 'ipc-fd-replies-honest', { exact: false }],
  ['forge-ready', 'forge-ready-honest', { exact: true }],
];

function check(r: SubmissionResult): void {
  const want = EXPECTED[r.student]!;
  const where = `${r.student}: ${JSON.stringify(r.tests.map((t) => [t.id, t.status, t.output.slice(0, 200)]))}`;
  expect(r.score, where).toBe(want.score);
  expect(r.maxScore).toBe(20);
  expect(runOutcome(r).status, where).toBe(want.status);
  for (const t of r.tests) expect(t.status, `${r.student} ${t.id}: ${t.output}`).toBe(want.notPassed[t.id] ?? 'passed');
  if (want.says) expect(`${r.statusMessage ?? ''}\n${r.tests.map((t) => t.output).join('\n')}`).toMatch(want.says);
}

const CORRECT = path.join(GRADER_ROOT, 'fixtures/submissions/mini/correct');

/** Submissions that are links, made here (a symbolic link in git would not survive every checkout). */
function linked(cls: string, s: string): boolean {
  if (s === 'symlink-entry') {
    // Its entry is a link to the classmate next to it.
    mkdirSync(path.join(cls, s), { recursive: true });
    symlinkSync(path.join('..', 'correct', 'index.ts'), path.join(cls, s, 'index.ts'));
    return true;
  }
  if (s === 'symlink-src') {
    // Its src folder is a link to the assignment's reference solution.
    mkdirSync(path.join(cls, s), { recursive: true });
    symlinkSync(CORRECT, path.join(cls, s, 'src'));
    return true;
  }
  return false;
}

async function gradeGroup(name: string, students: string[]): Promise<{ results: SubmissionResult[]; out: string; cls: string }> {
  // Laid out as graders do (class/<student> next to out/), so the write-results fixture aims at the real out folder.
  const cls = path.join(root, name, 'class');
  for (const s of students) if (!linked(cls, s)) cpSync(s === 'correct' ? CORRECT : path.join(HOSTILE, s), path.join(cls, s), { recursive: true });
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
    expect(csv).toMatch(/\r\ninfinite-loop,infinite-loop,17,20,7,10,2,timeout,/);
    expect(csv).toMatch(/\r\nmemory-bomb,memory-bomb,10,20,10,0,2,oom,/);
  }, 150_000);

  test('links and computed imports out of the folder, overridden model methods, the IPC descriptor, a forged ready, calls past the test limit', async () => {
    const students = ['correct', 'glob-import', 'symlink-entry', 'symlink-src', 'slow-calls', ...TWINS.flatMap(([a, h]) => [a, h])];
    const { results } = await gradeGroup('g3', [...new Set(students)]);
    const by = (s: string) => results.find((r) => r.student === s)!;
    for (const r of results) if (EXPECTED[r.student]) check(r);
    for (const [attack, honest, { exact }] of TWINS) {
      const [a, h] = [by(attack), by(honest)];
      const show = (r: SubmissionResult) => JSON.stringify(r.tests.map((t) => [t.id, t.score, t.status]));
      expect(a.score, `${attack} ${show(a)} vs ${honest} ${show(h)}`).toBeLessThanOrEqual(h.score);
      if (exact) expect(a.score, `${attack} ${show(a)} vs ${honest} ${show(h)}`).toBe(h.score);
    }
    // The honest twins' own scores (their wrong answers: ipc's uniform softmax is stable, 3, and its one dense layer
    // has the right shape on flat input, 1 of B.shape's 3), so the comparison above compares something.
    expect([by('override-methods-honest').score, by('ipc-fd-replies-honest').score]).toEqual([11, 4]);
    // The slow call was stopped with the grader's message, never vitest's, and did not slow the next test file.
    const slow = by('slow-calls');
    expect(slow.tests.map((t) => t.output).join('\n')).not.toMatch(/Test timed out in/);
    expect(slow.tests.find((t) => t.id === 'B.params')!.durationMs).toBeLessThan(5_000);
  }, 600_000);

  test('reading secrets, patching vitest or tfjs, spawning, sockets, signals, forged replies, imports from outside', async () => {
    const { results } = await gradeGroup('g2', ['correct', 'read-secrets', 'patch-vitest', 'fake-determinism', 'spawn-child', 'open-socket', 'kill-grader', 'forge-replies', 'import-outside']);
    for (const r of results) check(r);
  }, 150_000);
});
