// The class machinery with a stand-in for gradeSubmission (fast, scripted): every student graded once,
// a grader failure or a hang on one student does not stop the others, resume and --force, workers, stable
// shards whose merge equals the whole class. Real grading of hostile submissions: hostile-class.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadAssignment } from '../assignment/load.ts';
import { fakeResult } from '../results/fake-results.ts';
import { studentId } from '../results/student-id.ts';
import type { SubmissionResult } from '../types/submission-result.ts';
import { gradeClass } from './grade-class.ts';
import type { GradeOptions } from './grade-submission.ts';
import { mergeClassOutputs } from './merge.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-class-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mini = loadAssignment('fixtures/assignments/mini');

function makeClass(name: string, students: string[]): string {
  const dir = path.join(root, name);
  for (const s of students) {
    mkdirSync(path.join(dir, s), { recursive: true });
    writeFileSync(path.join(dir, s, 'index.ts'), 'export {};\n');
  }
  mkdirSync(path.join(dir, '.git'), { recursive: true }); // not a student
  return dir;
}

/** A scripted grader: score = length of the name; records calls and concurrency. */
function scripted(behaviour: Record<string, 'throw' | 'hang'> = {}) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const grade = async (o: GradeOptions): Promise<SubmissionResult> => {
    const s = o.student!;
    calls.push(s);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, 30));
      if (behaviour[s] === 'throw') throw new Error(`vitest could not start for ${s}`);
      if (behaviour[s] === 'hang') await new Promise(() => {});
      return { ...fakeResult(s, [{ id: 'A.one', status: s.length % 2 ? 'passed' : 'failed', max: s.length }]), assignment: 'mini' };
    } finally {
      inFlight--;
    }
  };
  return { grade, calls, maxInFlight: () => maxInFlight };
}

const students = ['ann', 'bea', 'cyd', 'dee', 'eve', 'flo', 'gus', 'hal', 'ivy', 'jo'];

describe('gradeClass', () => {
  test('grades every student once, writes per-student and class outputs; one grader failure or hang stops nobody', async () => {
    const cls = makeClass('c1', students);
    const out = path.join(root, 'o1');
    const g = scripted({ cyd: 'throw', flo: 'hang' });
    const a = { ...mini, limits: { ...mini.limits, totalTimeoutMs: 300 } };
    const run = await gradeClass({ assignment: a, classDir: cls, outDir: out, workers: 3, grade: g.grade, studentSlackMs: 100 });
    expect(run.students).toEqual(students);
    expect([...g.calls].sort()).toEqual(students);
    expect(g.maxInFlight()).toBe(3);
    const by = new Map(run.results.map((r) => [r.student, r]));
    expect(by.get('cyd')).toMatchObject({ status: 'error', score: 0 });
    expect(by.get('cyd')!.statusMessage).toContain('vitest could not start for cyd');
    expect(by.get('flo')).toMatchObject({ status: 'timeout', score: 0 });
    expect(by.get('ann')).toMatchObject({ status: 'ok', score: 3 });
    for (const s of students) expect(JSON.parse(readFileSync(path.join(out, s, 'dlgrade.json'), 'utf8')).student).toBe(s);
    expect(JSON.parse(readFileSync(path.join(out, 'ann', 'results.json'), 'utf8')).score).toBe(3);
    const csv = readFileSync(run.files.gradebook, 'utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(students.length + 1);
    expect(csv.find((l) => l.startsWith('flo,'))).toMatch(/,timeout,grading did not finish within/);
  });

  test('a second run skips finished students (not grader errors); --force regrades all', async () => {
    const cls = makeClass('c2', students);
    const out = path.join(root, 'o2');
    await gradeClass({ assignment: mini, classDir: cls, outDir: out, workers: 2, grade: scripted({ dee: 'throw' }).grade });
    const again = scripted();
    const second = await gradeClass({ assignment: mini, classDir: cls, outDir: out, workers: 2, grade: again.grade });
    expect(again.calls).toEqual(['dee']);
    expect(second.skipped).toHaveLength(students.length - 1);
    expect(second.results.find((r) => r.student === 'dee')!.status).toBe('ok');
    const forced = scripted();
    await gradeClass({ assignment: mini, classDir: cls, outDir: out, workers: 2, force: true, grade: forced.grade });
    expect([...forced.calls].sort()).toEqual(students);
  });

  test('a torn or foreign dlgrade.json is regraded, not trusted', async () => {
    const cls = makeClass('c3', ['kim', 'lee']);
    const out = path.join(root, 'o3');
    mkdirSync(path.join(out, 'kim'), { recursive: true });
    writeFileSync(path.join(out, 'kim', 'dlgrade.json'), '{"student": "kim", "assig');
    mkdirSync(path.join(out, 'lee'), { recursive: true });
    writeFileSync(path.join(out, 'lee', 'dlgrade.json'), JSON.stringify({ ...fakeResult('lee', []), assignment: 'other' }));
    const g = scripted();
    await gradeClass({ assignment: mini, classDir: cls, outDir: out, grade: g.grade });
    expect([...g.calls].sort()).toEqual(['kim', 'lee']);
  });

  test('shards are disjoint, cover the class, and merge into the same gradebook as one run', async () => {
    const cls = makeClass('c4', students);
    const whole = await gradeClass({ assignment: mini, classDir: cls, outDir: path.join(root, 'o4-all'), grade: scripted().grade });
    const parts = [];
    for (let i = 1; i <= 3; i++) {
      parts.push(await gradeClass({ assignment: mini, classDir: cls, outDir: path.join(root, `o4-${i}`), shard: { index: i, count: 3 }, grade: scripted().grade }));
    }
    expect(parts.flatMap((p) => p.students).sort()).toEqual(students);
    expect(parts.every((p) => p.students.length < students.length)).toBe(true);
    const merged = mergeClassOutputs([1, 2, 3].map((i) => path.join(root, `o4-${i}`)), path.join(root, 'o4-merged'));
    expect(merged.students).toEqual(students);
    expect(readFileSync(merged.files.gradebook, 'utf8')).toBe(readFileSync(whole.files.gradebook, 'utf8'));
    // Durations differ between runs; the test cases and scores do not.
    const strip = (x: string) => x.replace(/ time="[\d.]+"/g, '');
    expect(strip(readFileSync(merged.files.junit, 'utf8'))).toBe(strip(readFileSync(whole.files.junit, 'utf8')));
    expect(readFileSync(path.join(root, 'o4-merged', 'eve', 'results.json'), 'utf8')).toBe(readFileSync(path.join(root, 'o4-all', 'eve', 'results.json'), 'utf8'));
  });

  test('merge refuses overlapping shards that disagree (identical duplicates are fine), and outputs inside the class folder', async () => {
    const cls = makeClass('c5', ['mo', 'ned']);
    await gradeClass({ assignment: mini, classDir: cls, outDir: path.join(root, 'o5-a'), grade: scripted().grade });
    await gradeClass({ assignment: mini, classDir: cls, outDir: path.join(root, 'o5-b'), grade: async (o) => ({ ...fakeResult(o.student!, [{ id: 'A.one', status: 'failed' }]), assignment: 'mini' }) });
    expect(() => mergeClassOutputs([path.join(root, 'o5-a'), path.join(root, 'o5-b')], path.join(root, 'o5-m'))).toThrow(/student "ned" has different results in .*o5-a.* and .*o5-b/);
    await expect(gradeClass({ assignment: mini, classDir: cls, outDir: path.join(cls, 'out'), grade: scripted().grade })).rejects.toThrow(/inside --class/);
  });
});

describe('student folder names are data', () => {
  const names = ['x y', 'x_y', 'summary.md', 'junit.xml', 'new\nline', '::error::x', 'a'.repeat(255)];

  test('each student gets their own folder (OUT/<id>), found again by a resumed run; shards merge into the whole', async () => {
    const cls = makeClass('c6', names);
    const out = path.join(root, 'o6');
    const whole = await gradeClass({ assignment: mini, classDir: cls, outDir: out, grade: scripted().grade });
    expect(whole.results.map((r) => r.student).sort()).toEqual([...names].sort());
    for (const s of names) {
      const r = JSON.parse(readFileSync(path.join(out, studentId(s), 'dlgrade.json'), 'utf8')) as SubmissionResult;
      expect([r.student, r.id, r.score]).toEqual([s, studentId(s), s.length % 2 ? s.length : 0]);
    }
    expect(readFileSync(whole.files.summary, 'utf8')).toMatch(/^## dlgrade/);
    const again = scripted();
    const resumed = await gradeClass({ assignment: mini, classDir: cls, outDir: out, grade: again.grade });
    expect([again.calls, resumed.skipped.length]).toEqual([[], names.length]);

    for (const i of [1, 2]) await gradeClass({ assignment: mini, classDir: cls, outDir: path.join(root, `o6-${i}`), shard: { index: i, count: 2 }, grade: scripted().grade });
    const merged = mergeClassOutputs([1, 2].map((i) => path.join(root, `o6-${i}`)), path.join(root, 'o6-merged'));
    expect(merged.students).toEqual([...names].sort());
    expect(readFileSync(merged.files.gradebook, 'utf8')).toBe(readFileSync(whole.files.gradebook, 'utf8'));
  });

  test('merge refuses two different students stored under one folder id, naming both', async () => {
    const a = path.join(root, 'o7-a');
    const b = path.join(root, 'o7-b');
    await gradeClass({ assignment: mini, classDir: makeClass('c7', ['kim']), outDir: a, grade: scripted().grade });
    mkdirSync(path.join(b, 'kim'), { recursive: true });
    writeFileSync(path.join(b, 'kim', 'dlgrade.json'), JSON.stringify({ ...fakeResult('Kim\u0007', []), assignment: 'mini', id: 'kim' }));
    expect(() => mergeClassOutputs([a, b], path.join(root, 'o7-m'))).toThrow(/students "Kim\\u0007" and "kim" have the same folder kim|students "kim" and "Kim\\u0007" have the same folder kim/);
  });
});

test.runIf(process.platform === 'linux')('a folder name that is not valid UTF-8 is listed under a visible spelling and recorded as missing, not left out', async () => {
  const cls = makeClass('c8', ['ok']);
  // Linux file names are bytes: these two cannot be opened by their decoded names (both would read "inv\ufffdalid").
  for (const bad of [Buffer.from('inv\xffalid', 'latin1'), Buffer.from('inv\xfealid', 'latin1')]) {
    mkdirSync(Buffer.concat([Buffer.from(`${cls}/`), bad]));
  }
  const g = scripted();
  const run = await gradeClass({ assignment: mini, classDir: cls, outDir: path.join(root, 'o8'), grade: g.grade });
  expect(run.students).toEqual(['inv\\xfealid', 'inv\\xffalid', 'ok']);
  expect(g.calls).toEqual(['ok']);
  const bad = run.results.find((r) => r.student === 'inv\\xffalid')!;
  expect(bad).toMatchObject({ status: 'missing', score: 0, statusMessage: "the folder's name is not valid UTF-8 (inv\\xffalid): dlgrade cannot open it by name; rename it and grade again" });
});
