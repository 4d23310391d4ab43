import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadAssignment, PACKAGE_ROOT } from '../assignment/load.ts';
import type { SuitesOutcome, TestOutcome } from '../types/suite-outcome.ts';
import { gradescopeProblems, toGradescope } from './gradescope.ts';
import { scoreSubmission, type Scope } from './score.ts';

// Scoring from hand-written outcomes (no vitest run): each rule of score.ts in isolation.
const mini = loadAssignment(path.join(PACKAGE_ROOT, 'fixtures/assignments/mini'));
const correctDir = path.join(PACKAGE_ROOT, 'fixtures/submissions/mini/correct');

const FILES: Record<string, string> = {
  A: 'tests/public/activations.test.ts',
  'A.softmax.stable': 'tests/hidden/hidden.test.ts',
  'B.params': 'tests/public/mlp.test.ts',
  'B.shape': 'tests/hidden/hidden.test.ts',
  'B.train.loss': 'tests/hidden/hidden.test.ts',
};

function t(id: string, over: Partial<TestOutcome> = {}): TestOutcome {
  return { file: FILES[id] ?? FILES[id[0]!]!, title: `${id}: title`, fullName: `${id}: title`, state: 'passed', durationMs: 5, errors: [], ...over };
}

const ALL_PASS = ['A.relu.values', 'A.softmax.values', 'A.softmax.stable', 'B.params', 'B.shape', 'B.train.loss'];

function score(tests: TestOutcome[], scope: Scope = 'all', extra: Partial<SuitesOutcome> = {}, timedOut = false) {
  return scoreSubmission({
    assignment: mini,
    scope,
    submissionDir: correctDir,
    student: 's1',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1234,
    run: { outcome: { version: 1, complete: !timedOut, tests, moduleErrors: [], unhandledErrors: [], ...extra }, timedOut, exitCode: 0, outputTail: '' },
  });
}

describe('scoreSubmission', () => {
  test('all passing: full marks, per-exercise totals, manual item carried with the answer', () => {
    const r = score(ALL_PASS.map((id) => t(id)));
    expect([r.score, r.maxScore, r.status]).toEqual([20, 20, 'ok']);
    expect(r.exercises.map((x) => [x.id, x.score, x.maxScore, x.manualMaxScore])).toEqual([['A', 10, 10, 0], ['B', 10, 10, 2]]);
    expect(r.manual).toHaveLength(1);
    expect(r.manual[0]).toMatchObject({ id: 'B.why', exercise: 'B', maxScore: 2 });
    expect(r.manual[0]!.answer).toMatch(/^A dense layer multiplies along the last axis/);
    expect(r.warnings).toBeUndefined();
  });

  test('visible scope keeps only visible tests', () => {
    const r = score(['A.relu.values', 'A.softmax.values', 'B.params'].map((id) => t(id)), 'visible');
    expect(r.tests.map((x) => x.id)).toEqual(['A.relu.values', 'A.softmax.values', 'B.params']);
    expect([r.score, r.maxScore]).toEqual([11, 11]);
  });

  test('partial credit counts only for partial tests; a passing test with a fraction below 1 is failed', () => {
    const r = score([
      ...ALL_PASS.filter((id) => id !== 'B.shape' && id !== 'B.params').map((id) => t(id)),
      t('B.shape', { meta: { partial: { fraction: 1 / 3, note: '1 of 3 parts right' } }, state: 'failed', errors: [{ name: 'GradingFailure', message: '1 of 3 parts right: ...' }] }),
      // B.params is not partial: its fraction is ignored, and the author is warned.
      t('B.params', { meta: { partial: { fraction: 0.5, note: 'half' } } }),
    ]);
    expect(r.tests.find((x) => x.id === 'B.shape')).toMatchObject({ score: 1, status: 'failed' });
    expect(r.tests.find((x) => x.id === 'B.params')).toMatchObject({ score: 4, status: 'passed' });
    expect(r.warnings).toEqual(['B.params: the suite awards partial credit but the yaml test has no "partial: true" (ignored)']);

    const passedPartial = score(ALL_PASS.map((id) => (id === 'A.softmax.values' ? t(id, { meta: { partial: { fraction: 0.5, note: '2 of 4 right' } } }) : t(id))));
    expect(passedPartial.tests.find((x) => x.id === 'A.softmax.values')).toMatchObject({ score: 2, status: 'failed', output: 'partial credit: 2 of 4 right' });
    expect(passedPartial.score).toBe(18);
  });

  test('probe failure kinds become statuses; vitest time-outs too', () => {
    const r = score([
      ...ALL_PASS.slice(2).map((id) => t(id)),
      t('A.relu.values', { state: 'failed', errors: [{ name: 'ProbeError', message: 'probe "relu" did not finish within 10000 ms', probeKind: 'timeout' }] }),
      t('A.softmax.values', { state: 'failed', errors: [{ name: 'Error', message: 'Test timed out in 30000ms.' }] }),
    ]);
    expect(r.tests.find((x) => x.id === 'A.relu.values')).toMatchObject({ status: 'timeout', score: 0, output: 'probe "relu" did not finish within 10000 ms' });
    expect(r.tests.find((x) => x.id === 'A.softmax.values')?.status).toBe('timeout');
    const crash = score([...ALL_PASS.slice(1).map((id) => t(id)), t('A.relu.values', { state: 'failed', errors: [{ name: 'ProbeError', message: 'killed', probeKind: 'crash' }] })]);
    expect([crash.status, crash.statusMessage]).toEqual(['crash', 'A.relu.values: killed']);
  });

  test('an import error anywhere sets the run status', () => {
    const err = { name: 'ProbeError', message: 'importing index.ts failed: SyntaxError', probeKind: 'import-error' };
    const r = score(ALL_PASS.map((id) => t(id, { state: 'failed', errors: [err] })));
    expect([r.status, r.statusMessage, r.score]).toEqual(['import-error', 'importing index.ts failed: SyntaxError', 0]);
  });

  test('yaml and suites must match one to one', () => {
    const r = score([
      ...ALL_PASS.filter((id) => id !== 'B.train.loss' && id !== 'A.relu.values').map((id) => t(id)),
      t('A.relu.values'),
      t('A.relu.values', { file: 'tests/public/other.test.ts' }),
      { ...t('A.relu.values'), title: 'relu works', fullName: 'relu works' },
      { ...t('A.relu.values'), title: 'A.nope: x', fullName: 'A.nope: x' },
    ]);
    expect(r.tests.find((x) => x.id === 'B.train.loss')).toMatchObject({ status: 'error', score: 0, output: 'no suite test for this id in tests/hidden/' });
    expect(r.tests.find((x) => x.id === 'A.relu.values')).toMatchObject({ status: 'error', score: 0 });
    expect(r.warnings).toEqual([
      'tests/public/activations.test.ts: test "relu works" does not start with an assignment.yaml test id and ": " (not scored)',
      `tests/public/activations.test.ts: test "A.nope: x" names "A.nope", which is not a test in ${mini.file} (not scored)`,
      'A.relu.values: 2 suite tests claim this id (tests/public/activations.test.ts, tests/public/other.test.ts); each yaml test needs exactly one',
      'B.train.loss: no suite test for this id in tests/hidden/',
    ]);
  });

  test('a hidden test in tests/public is flagged (it would ship to students)', () => {
    const r = score(ALL_PASS.map((id) => (id === 'B.shape' ? t(id, { file: 'tests/public/mlp.test.ts' }) : t(id))));
    expect(r.warnings).toEqual(['tests/public/mlp.test.ts: B.shape is hidden in assignment.yaml, so its test belongs in tests/hidden/']);
  });

  test('a run killed by the total limit: finished tests keep their scores, the rest time out', () => {
    const r = score(['A.relu.values', 'A.softmax.values'].map((id) => t(id)), 'all', {}, true);
    expect(r.status).toBe('timeout');
    expect(r.score).toBe(7);
    expect(r.tests.filter((x) => x.status === 'timeout').map((x) => x.id)).toEqual(['A.softmax.stable', 'B.params', 'B.shape', 'B.train.loss']);
  });

  test('a run that ended early without a time-out: unreported tests are crashes, the run an error', () => {
    const r = scoreSubmission({
      assignment: mini, scope: 'visible', submissionDir: correctDir, student: 's1', startedAt: '', durationMs: 1,
      run: { outcome: { version: 1, complete: false, tests: [t('A.relu.values')], moduleErrors: [], unhandledErrors: [] }, timedOut: false, exitCode: 137, outputTail: '' },
    });
    expect(r.tests.map((x) => [x.id, x.status])).toEqual([['A.relu.values', 'passed'], ['A.softmax.values', 'crash'], ['B.params', 'crash']]);
    expect(r.tests[1]!.output).toBe('not run: the test run ended early (exit code 137)');
    expect([r.status, r.warnings]).toEqual(['crash', undefined]);
  });

  test('artifacts, notes and the engine line come from task.meta', () => {
    const r = score(ALL_PASS.map((id) => (id === 'B.train.loss' ? t(id, { meta: { engine: 'tfjs 4.22.0 cpu (pure JS)', notes: ['loss 0.4'], artifacts: [{ kind: 'curves', value: { title: 'loss', trainLoss: [1, 0.4] } }] } }) : t(id))));
    expect(r.engine).toBe('tfjs 4.22.0 cpu (pure JS)');
    expect(r.artifacts).toEqual({ curves: [{ title: 'loss', trainLoss: [1, 0.4] }] });
    expect(r.tests.find((x) => x.id === 'B.train.loss')).toMatchObject({ status: 'passed', output: 'loss 0.4' });
  });

  test('results.json follows the Gradescope spec', () => {
    const r = score(ALL_PASS.map((id) => (id === 'B.shape' ? t(id, { state: 'failed', errors: [{ name: 'GradingFailure', message: 'wrong shape' }], meta: { partial: { fraction: 2 / 3, note: '2 of 3' } } }) : t(id))));
    const gs = toGradescope(r);
    expect(gradescopeProblems(gs)).toEqual([]);
    expect(gs.score).toBe(19);
    expect(gs.tests.find((x) => x.number === 'B.shape')).toEqual({
      score: 2, max_score: 3, status: 'failed', name: 'output is [batch, classes] for flat and image inputs', number: 'B.shape',
      output: 'wrong shape', output_format: 'text', tags: ['B', 'shapes'], visibility: 'hidden',
    });
    expect(gs.tests.find((x) => x.number === 'B.train.loss')?.visibility).toBe('after_due_date');
    expect(gs.output).toContain('B. A small MLP: 9 / 10 (+ 2 graded by hand)');
    expect(gradescopeProblems({ ...gs, tests: [{ ...gs.tests[0]!, score: 99 }] })).toEqual(['/tests/0 score 99 exceeds max_score 3']);
  });
});
