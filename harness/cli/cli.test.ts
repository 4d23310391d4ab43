import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../assignment/load.ts';
import { gradescopeProblems } from '../results/gradescope.ts';
import { assignmentFromPackage } from './check.ts';

// The two single-submission verbs end to end, as a student and a CI job run them.
const BIN = path.join(PACKAGE_ROOT, 'bin/dlgrade.js');
const SUBS = path.join(PACKAGE_ROOT, 'fixtures/submissions/mini');

function dlgrade(args: string[], cwd = PACKAGE_ROOT, extraEnv: Record<string, string> = {}) {
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'GITHUB_OUTPUT')), ...extraEnv };
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('dlgrade check / grade', () => {
  test('check finds the assignment from package.json, prints per-exercise points, exits 0 when all pass', () => {
    expect(assignmentFromPackage(path.join(SUBS, 'correct'))).toBe(path.join(PACKAGE_ROOT, 'fixtures/assignments/mini'));
    const r = dlgrade(['check', '--backend', 'cpu'], path.join(SUBS, 'correct'));
    expect(r.out).toContain('A. Activations: 7/7');
    expect(r.out).toContain('B. A small MLP: 4/4  (+2 graded by hand)');
    expect(r.out).toContain('Total: 11/11');
    expect(r.code).toBe(0);
  });

  test('check exits 1 and prints the failure message when a visible test fails', () => {
    const r = dlgrade(['check', '--assignment', 'fixtures/assignments/mini', '--submission', path.join(SUBS, 'throws'), '--backend', 'cpu']);
    expect(r.out).toContain('✗ A.relu.values relu clamps negatives to zero (0/3)');
    expect(r.out).toContain('relu: negative input -2 not handled (at index.ts:6:22)');
    expect(r.out).not.toContain('A.softmax.stable');
    expect(r.code).toBe(1);
  });

  test('grade writes a valid results.json and dlgrade.json', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'dlgrade-cli-'));
    const r = dlgrade(['grade', '--assignment', 'fixtures/assignments/mini', '--submission', path.join(SUBS, 'partial'), '--out', out, '--backend', 'cpu', '--inprocess']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Total: 11/20');
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { score: number; tests: unknown[] };
    expect(gradescopeProblems(results)).toEqual([]);
    expect([results.score, results.tests.length]).toEqual([11, 6]);
    expect(JSON.parse(readFileSync(path.join(out, 'dlgrade.json'), 'utf8'))).toMatchObject({ assignment: 'mini', student: 'partial', score: 11, maxScore: 20, scope: 'all' });
  });

  test('grade --run-seed repeats a run: the seed is recorded and printed; a bad one stops before grading', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'dlgrade-seed-'));
    const r = dlgrade(['grade', '--assignment', 'fixtures/assignments/mini', '--submission', path.join(SUBS, 'partial'), '--out', out, '--backend', 'cpu', '--inprocess', '--run-seed', '123456']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('run seed 123456');
    expect(JSON.parse(readFileSync(path.join(out, 'dlgrade.json'), 'utf8'))).toMatchObject({ runSeed: 123456 });
    const bad = dlgrade(['grade', '--assignment', 'fixtures/assignments/mini', '--submission', path.join(SUBS, 'partial'), '--out', out, '--run-seed', '12x']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('--run-seed must be the whole number a result recorded as its run seed');
  });

  test('check --classroom: the Classroom result goes to $GITHUB_OUTPUT, the exit code stays 1 for a failing test', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'dlgrade-gh-')), 'github_output');
    writeFileSync(out, '');
    const r = dlgrade(['check', '--assignment', 'fixtures/assignments/mini', '--submission', path.join(SUBS, 'throws'), '--backend', 'cpu', '--classroom'], PACKAGE_ROOT, { GITHUB_OUTPUT: out });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/GitHub Classroom: wrote the step output "result" to \$GITHUB_OUTPUT \(8 \/ 11 points, 3 tests, status fail\)/);
    const line = readFileSync(out, 'utf8');
    expect(line).toMatch(/^result=[A-Za-z0-9+/=]+\n$/);
    const c = JSON.parse(Buffer.from(line.slice('result='.length), 'base64').toString('utf8')) as { status: string; max_score: number; tests: { name: string; status: string; score: number }[] };
    expect([c.status, c.max_score, c.tests.length, c.tests.reduce((sum, t) => sum + t.score, 0)]).toEqual(['fail', 11, 3, 8]);
    expect(c.tests.find((t) => t.name.startsWith('A.relu.values'))).toMatchObject({ status: 'fail', score: 0 });
  });

  test('grade --gradescope-metadata: a late submission shows its after_due_date tests; a bad file stops before grading', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'dlgrade-gsmeta-'));
    const meta = path.join(out, 'submission_metadata.json');
    writeFileSync(meta, JSON.stringify({ created_at: '2025-07-03T10:00:00.000000+00:00', assignment: { due_date: '2025-07-02T23:59:00.000000+00:00', late_due_date: null }, users: [{ email: 's@example.com', id: 1, name: 'S' }] }));
    const r = dlgrade(['grade', '--assignment', 'fixtures/assignments/mini', '--submission', path.join(SUBS, 'partial'), '--out', out, '--backend', 'cpu', '--inprocess', '--gradescope-metadata', meta]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Submitted 2025-07-03 10:00 UTC, 10 h 1 min after the due date (2025-07-02 23:59 UTC). Tests released after the due date are shown.');
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { output: string; tests: { number: string; visibility: string }[] };
    expect(gradescopeProblems(results)).toEqual([]);
    expect(results.tests.find((t) => t.number === 'B.train.loss')?.visibility).toBe('visible');
    expect(results.tests.find((t) => t.number === 'B.shape')?.visibility).toBe('hidden');

    writeFileSync(meta, JSON.stringify({ created_at: '2025-07-03T10:00:00Z', assignment: { due_date: 'Friday' }, users: [] }));
    const t0 = Date.now();
    const bad = dlgrade(['grade', '--assignment', 'fixtures/assignments/mini', '--submission', path.join(SUBS, 'partial'), '--out', out, '--backend', 'cpu', '--inprocess', '--gradescope-metadata', meta]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`${meta}: assignment.due_date: expected a date with time zone such as "2018-07-31T23:00:00.000000-07:00", got "Friday"`);
    expect(bad.out).not.toContain('Total:');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  test('an invalid assignment stops with its file:line message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dlgrade-bad-'));
    copyFileSync(path.join(PACKAGE_ROOT, 'fixtures/assignments/bad-yaml/wrong-type.yaml'), path.join(dir, 'assignment.yaml'));
    const r = dlgrade(['check', '--assignment', dir, '--submission', path.join(SUBS, 'correct')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`dlgrade: invalid assignment: ${path.join(dir, 'assignment.yaml')}:12:17 exercises[0].tests[0].points: must be a number, got "three"`);
    // With --classroom the reporter still gets a result: an error with the reason and no points.
    const gh = path.join(dir, 'github_output');
    writeFileSync(gh, '');
    const c = dlgrade(['check', '--assignment', dir, '--submission', path.join(SUBS, 'correct'), '--classroom'], PACKAGE_ROOT, { GITHUB_OUTPUT: gh });
    expect(c.code).toBe(1);
    const result = JSON.parse(Buffer.from(readFileSync(gh, 'utf8').replace(/^result=|\n$/g, ''), 'base64').toString('utf8')) as { status: string; max_score: number; tests: { status: string; message: string }[] };
    expect([result.status, result.max_score, result.tests[0]!.status]).toEqual(['error', 0, 'error']);
    expect(result.tests[0]!.message).toContain('dlgrade check failed: invalid assignment:');
  });
});
