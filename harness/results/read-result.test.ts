// The one dlgrade.json reader and writer against the schema (harness/types/submission-result-schema.ts):
// every stored fixture result passes, a malformed one is refused naming the file and the field, and the
// writer refuses what the reader would. A freshly graded result: grade-submission.test.ts and
// hostile-names.test.ts read theirs back through this reader.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../assignment/load.ts';
import type { SubmissionResult } from '../types/submission-result.ts';
import { fakeResult } from './fake-results.ts';
import { readSubmissionResult, submissionResultProblems } from './read-result.ts';
import { writeSubmissionOutputs } from './write-outputs.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fixtureFiles(dir = path.join(PACKAGE_ROOT, 'fixtures/results')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? fixtureFiles(path.join(dir, e.name)) : e.name === 'dlgrade.json' ? [path.join(dir, e.name)] : [],
  );
}

/** A copy of a fixture result, changed by `edit`, written to its own file. */
function broken(edit: (r: Record<string, any>) => void): string {
  const r = JSON.parse(readFileSync(fixtureFiles()[0]!, 'utf8')) as Record<string, any>;
  edit(r);
  const file = path.join(mkdtempSync(path.join(tmp, 'r-')), 'dlgrade.json');
  writeFileSync(file, JSON.stringify(r));
  return file;
}

describe('reading dlgrade.json', () => {
  test('every stored fixture result follows the schema', () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) expect(submissionResultProblems(JSON.parse(readFileSync(f, 'utf8'))), f).toEqual([]);
  });

  test.each([
    ['a missing field', (r: Record<string, any>) => delete r.tests[2].status, 'result.tests[2].status is missing'],
    ['a wrong type', (r: Record<string, any>) => (r.score = 'seventy'), 'result.score must be number, got "seventy"'],
    ['a value outside its enum', (r: Record<string, any>) => (r.tests[0].status = 'great'), 'result.tests[0].status must be one of passed, failed, timeout, crash, oom, skipped, error, got "great"'],
    ['a field the result does not have', (r: Record<string, any>) => (r.exercises[1].bonus = 3), 'result.exercises[1].bonus is not a field of a dlgrade result'],
    ['an id that is not a safe folder name', (r: Record<string, any>) => (r.id = '../../etc'), 'result.id must match pattern'],
    ['a NaN score (null in JSON)', (r: Record<string, any>) => (r.maxScore = NaN), 'result.maxScore must be number, got null'],
    ['a negative score', (r: Record<string, any>) => (r.exercises[0].score = -1), 'result.exercises[0].score must be >= 0, got -1'],
    ['an artifact without its data', (r: Record<string, any>) => (r.artifacts.curves = [{ trainLoss: [1] }]), 'result.artifacts.curves[0].title is missing'],
  ])('%s is refused, naming the file and the field', (_what, edit, message) => {
    const file = broken(edit);
    expect(() => readSubmissionResult(file)).toThrow(`${file}: ${message}`);
  });

  test('not JSON, or not there: the file says so', () => {
    const file = path.join(tmp, 'torn.json');
    writeFileSync(file, '{"student": "kim", "assig');
    expect(() => readSubmissionResult(file)).toThrow(`${file}: not valid JSON`);
    expect(() => readSubmissionResult(path.join(tmp, 'none.json'))).toThrow(`${path.join(tmp, 'none.json')}: cannot read (ENOENT)`);
  });
});

describe('writing dlgrade.json', () => {
  test('atomically, results.json and dlgrade.json, and what is written reads back equal', () => {
    const r = fakeResult('Ada Okafor', [{ id: 'A.one', status: 'passed' }]);
    const files = writeSubmissionOutputs(path.join(tmp, r.id), r);
    expect(readSubmissionResult(files.dlgradeJson)).toEqual(r);
    expect(JSON.parse(readFileSync(files.resultsJson, 'utf8')).score).toBe(2);
    expect(readdirSync(path.join(tmp, r.id)).sort()).toEqual(['dlgrade.json', 'results.json']);
  });

  test('a result the reader would refuse is not written (what is written can always be read back)', () => {
    const r: SubmissionResult = { ...fakeResult('bob', []), score: Number.NaN };
    const dir = path.join(tmp, 'refused');
    expect(() => writeSubmissionOutputs(dir, r)).toThrow('the result of bob does not follow the dlgrade.json schema (a grader bug): result.score must be number, got null');
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });
});
