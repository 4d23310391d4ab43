import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SubmissionResult } from '../types/submission-result.ts';
import { fakeResult } from './fake-results.ts';
import { readGradescopeMetadata, timingFromMetadata } from './gradescope-metadata.ts';
import { gradescopeProblems, toGradescope } from './gradescope.ts';
import { defaultOrder } from './leaderboard-order.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'dlgrade-gs-'));

/** A metadata file as Gradescope writes it (the documented example's shape), with the given dates. */
function metadataFile(name: string, dates: { created: string; due: string; late?: string | null; userDue?: (string | null)[] }): string {
  const file = path.join(dir, `${name}.json`);
  const json = {
    id: 123456,
    created_at: dates.created,
    assignment: {
      due_date: dates.due,
      group_size: 4,
      group_submission: true,
      id: 25828,
      course_id: 1234,
      late_due_date: dates.late ?? null,
      release_date: '2025-06-01T00:00:00.000000-07:00',
      title: 'Programming Assignment 1',
      total_points: '20.0',
    },
    submission_method: 'upload',
    users: (dates.userDue ?? [undefined]).map((due, i) => ({
      email: `student${i}@example.com`,
      id: 1234 + i,
      name: `Student ${i}`,
      ...(due === undefined ? {} : { assignment: { due_date: due, late_due_date: null, release_date: null } }),
    })),
    previous_submissions: [],
  };
  writeFileSync(file, JSON.stringify(json, null, 2));
  return file;
}

/** A result with an after_due_date test, a hidden one and a visible one. */
function result(): SubmissionResult {
  const r = fakeResult('ada', [{ id: 'A.one', status: 'passed' }, { id: 'A.two', status: 'failed', output: 'expected 3, got 4' }, { id: 'B.late', status: 'passed' }]);
  r.tests[1]!.visibility = 'hidden';
  r.tests[2]!.visibility = 'after_due_date';
  return r;
}

const DUE = '2025-07-02T23:00:00.000000-07:00';

describe('results.json honours submission_metadata.json', () => {
  test('before the due date: after_due_date tests stay after_due_date; the output says it was on time', () => {
    const timing = readGradescopeMetadata(metadataFile('on-time', { created: '2025-07-02T22:59:59.123456-07:00', due: DUE }));
    const gs = toGradescope(result(), { timing });
    expect(gradescopeProblems(gs)).toEqual([]);
    expect(gs.tests.map((t) => [t.number, t.visibility])).toEqual([['A.one', 'visible'], ['A.two', 'hidden'], ['B.late', 'after_due_date']]);
    expect(gs.output).toContain('Submitted 2025-07-03 05:59 UTC, before the due date (2025-07-03 06:00 UTC).');
    expect(gs.extra_data).toMatchObject({ lateness: 'on-time', extended: false, dueDate: '2025-07-03T06:00:00.000Z' });
  });

  test('after the due date: after_due_date tests are visible, hidden ones stay hidden; the output says how late', () => {
    const timing = readGradescopeMetadata(metadataFile('late', { created: '2025-07-03T01:30:00.000000-07:00', due: DUE, late: '2025-07-04T23:00:00.000000-07:00' }));
    const gs = toGradescope(result(), { timing });
    expect(gs.tests.map((t) => t.visibility)).toEqual(['visible', 'hidden', 'visible']);
    expect(gs.output).toContain('Submitted 2025-07-03 08:30 UTC, 2 h 30 min after the due date (2025-07-03 06:00 UTC), before the late due date (2025-07-05 06:00 UTC). Tests released after the due date are shown.');
    expect(gs.extra_data).toMatchObject({ lateness: 'after-due-date', lateDueDate: '2025-07-05T06:00:00.000Z' });
  });

  test('after the late due date: said so', () => {
    const timing = readGradescopeMetadata(metadataFile('very-late', { created: '2025-07-05T00:00:00-07:00', due: DUE, late: '2025-07-04T23:00:00-07:00' }));
    const gs = toGradescope(result(), { timing });
    expect(gs.tests[2]!.visibility).toBe('visible');
    expect(gs.output).toContain('Submitted 2025-07-05 07:00 UTC, 1 h after the late due date (2025-07-05 06:00 UTC); the due date (2025-07-03 06:00 UTC) had passed.');
    expect(gs.extra_data).toMatchObject({ lateness: 'after-late-due-date' });
  });

  test("an extension (users[].assignment.due_date) moves this student's due date; a group takes its latest", () => {
    const extended = '2025-07-09T23:00:00.000000-07:00';
    const created = '2025-07-05T12:00:00.000000-07:00';
    const timing = readGradescopeMetadata(metadataFile('extension', { created, due: DUE, userDue: [null, extended] }));
    expect(timing).toMatchObject({ extended: true, dueDate: new Date(extended) });
    const gs = toGradescope(result(), { timing });
    expect(gs.tests[2]!.visibility).toBe('after_due_date');
    expect(gs.output).toContain('before the due date (2025-07-10 06:00 UTC, your extension)');
    // Without the extension the same submission is late.
    const plain = readGradescopeMetadata(metadataFile('no-extension', { created, due: DUE }));
    expect(toGradescope(result(), { timing: plain }).tests[2]!.visibility).toBe('visible');
  });

  test('no metadata: visibilities as the yaml says, nothing about dates', () => {
    const gs = toGradescope(result());
    expect(gs.tests.map((t) => t.visibility)).toEqual(['visible', 'hidden', 'after_due_date']);
    expect(gs.output).not.toContain('Submitted');
    expect(gs.extra_data).not.toHaveProperty('lateness');
  });

  test('a missing, unreadable or malformed file is an error naming the file and the field', () => {
    const missing = path.join(dir, 'nope.json');
    expect(() => readGradescopeMetadata(missing)).toThrow(`${missing}: cannot read the Gradescope submission metadata: ENOENT`);
    const notJson = path.join(dir, 'not-json.json');
    writeFileSync(notJson, '{"created_at": ');
    expect(() => readGradescopeMetadata(notJson)).toThrow(new RegExp(`^${notJson.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    const cases: [unknown, string][] = [
      [[], '(the whole file): expected an object, got []'],
      [{ assignment: { due_date: DUE }, users: [] }, 'created_at: expected a date with time zone such as "2018-07-31T23:00:00.000000-07:00", got nothing (the field is missing)'],
      [{ created_at: DUE, users: [] }, 'assignment: expected an object, got nothing'],
      [{ created_at: DUE, assignment: { due_date: 'next Tuesday' }, users: [] }, 'assignment.due_date: expected a date with time zone such as "2018-07-31T23:00:00.000000-07:00", got "next Tuesday"'],
      [{ created_at: DUE, assignment: { due_date: '2025-07-02T23:00:00' }, users: [] }, 'assignment.due_date: expected a date with time zone'],
      [{ created_at: DUE, assignment: { due_date: DUE, late_due_date: 5 }, users: [] }, 'assignment.late_due_date: expected a date with time zone such as "2018-07-31T23:00:00.000000-07:00" or null, got 5'],
      [{ created_at: DUE, assignment: { due_date: DUE } }, 'users: expected an array of the submitting users, got nothing'],
      [{ created_at: DUE, assignment: { due_date: DUE }, users: [{ assignment: { due_date: '2025-13-45T00:00:00Z' } }] }, 'users[0].assignment.due_date: expected a date with time zone'],
    ];
    for (const [json, message] of cases) expect(() => timingFromMetadata(json, 'meta.json')).toThrow(`meta.json: ${message}`);
  });
});

describe('results.json: leaderboard, run seed, grader-only flags', () => {
  test("leaderboard artifacts become Gradescope's leaderboard, each value ordered as declared or by its name", () => {
    const r = result();
    r.artifacts.leaderboard = [
      { board: 'ConvNet', values: { accuracy: 71.2, params: 42362 } },
      { board: 'Speed', values: { throughput: 950, latency_ms: 3.1, weird: 2 }, order: { weird: 'asc', throughput: 'desc' } },
      { board: 'Broken', values: { accuracy: Number.NaN } },
    ];
    const gs = toGradescope(r);
    expect(gradescopeProblems(gs)).toEqual([]);
    expect(gs.leaderboard).toEqual([
      { name: 'ConvNet: accuracy', value: 71.2, order: 'desc' },
      { name: 'ConvNet: params', value: 42362, order: 'asc' },
      { name: 'Speed: throughput', value: 950, order: 'desc' },
      { name: 'Speed: latency_ms', value: 3.1, order: 'asc' },
      { name: 'Speed: weird', value: 2, order: 'asc' },
    ]);
    expect(toGradescope(result())).not.toHaveProperty('leaderboard');
    expect(gradescopeProblems({ ...gs, leaderboard: [{ name: 'x', value: 1, order: 'up' }] })).toEqual(['/leaderboard/0/order must be equal to one of the allowed values']);
  });

  test('default orders: accuracy-like names descending; parameters, loss, error, time and size ascending', () => {
    const names = ['accuracy', 'val_acc', 'f1_macro', 'score', 'params', 'trainable parameters', 'loss', 'error rate', 'time_s', 'latency_ms', 'model size', 'MFLOPs'];
    expect(names.map(defaultOrder)).toEqual(['desc', 'desc', 'desc', 'desc', 'asc', 'asc', 'asc', 'asc', 'asc', 'asc', 'asc', 'asc']);
  });

  test('the run seed goes to extra_data; manual flags stay out of results.json (they are for the grader)', () => {
    const r = result();
    r.runSeed = 918273645;
    r.manual = [{ id: 'B.why', exercise: 'B', title: 'Why flatten?', maxScore: 2, answer: 'because', flags: ['report claims 93.1% accuracy; the grader measured 71.2%'] }];
    const gs = toGradescope(r);
    expect(gs.extra_data.runSeed).toBe(918273645);
    expect(JSON.stringify(gs)).not.toContain('93.1%');
    expect(JSON.stringify(gs)).not.toContain('flags');
  });
});
