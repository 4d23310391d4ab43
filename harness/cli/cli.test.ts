import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../assignment/load.ts';
import { gradescopeProblems } from '../results/gradescope.ts';
import { assignmentFromPackage } from './check.ts';

// The two single-submission verbs end to end, as a student and a CI job run them.
const BIN = path.join(PACKAGE_ROOT, 'bin/dlgrade.js');
const SUBS = path.join(PACKAGE_ROOT, 'fixtures/submissions/mini');

function dlgrade(args: string[], cwd = PACKAGE_ROOT) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
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

  test('an invalid assignment stops with its file:line message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dlgrade-bad-'));
    copyFileSync(path.join(PACKAGE_ROOT, 'fixtures/assignments/bad-yaml/wrong-type.yaml'), path.join(dir, 'assignment.yaml'));
    const r = dlgrade(['check', '--assignment', dir, '--submission', path.join(SUBS, 'correct')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`dlgrade: invalid assignment: ${path.join(dir, 'assignment.yaml')}:12:17 exercises[0].tests[0].points: must be a number, got "three"`);
  });
});
