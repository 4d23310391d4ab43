// Submission size and file-count limits, checked before anything is bundled: the walk (symlinks counted, not
// followed; node_modules and .git skipped; stops at the first limit passed), the yaml overrides, and whole
// grading runs: a 100 MB entry file and 20,000 tiny files are refused in well under a second, the same way
// three times in a row, while a correct neighbour in the same class run scores full marks.
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, ftruncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadAssignment, PACKAGE_ROOT, parseAssignment } from '../assignment/load.ts';
import type { SubmissionResult } from '../types/submission-result.ts';
import { gradeClass } from './grade-class.ts';
import { gradeSubmission } from './grade-submission.ts';
import { checkSubmissionLimits, DEFAULT_SUBMISSION_LIMITS } from './submission-limits.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const MINI = path.join(PACKAGE_ROOT, 'fixtures/assignments/mini');
const CORRECT = path.join(PACKAGE_ROOT, 'fixtures/submissions/mini/correct');
const mini = loadAssignment(MINI);
const MB = 2 ** 20;

/** A sparse file of `bytes` (no disk used): what a 100 MB upload looks like to the walk. */
function sparse(file: string, bytes: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

function folder(name: string, files: Record<string, string | number> = {}): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    if (typeof content === 'number') sparse(file, content);
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  return dir;
}

function manyFiles(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(path.join(dir, `f${String(i).padStart(5, '0')}.ts`), `export const x${i} = ${i};\n`);
}

describe('checkSubmissionLimits', () => {
  test('counts every file and byte outside node_modules and .git, whatever those hold', () => {
    const dir = folder('repo', { 'index.ts': 'x'.repeat(1000), 'src/a.ts': 'y'.repeat(24), 'node_modules/big/index.js': 100 * MB, '.git/objects/pack': 100 * MB });
    manyFiles(path.join(dir, 'node_modules/many'), 2500);
    expect(checkSubmissionLimits(dir)).toEqual({ ok: true, files: 2, bytes: 1024 });
  });

  test('a symbolic link is counted but never followed (a link to a huge file or folder elsewhere costs nothing)', () => {
    const outside = folder('outside', { 'huge.bin': 500 * MB });
    manyFiles(path.join(outside, 'lots'), 3000);
    const dir = folder('links', { 'index.ts': 'export {};\n' });
    symlinkSync(path.join(outside, 'huge.bin'), path.join(dir, 'data.bin'));
    symlinkSync(path.join(outside, 'lots'), path.join(dir, 'lots'));
    symlinkSync(dir, path.join(dir, 'loop'));
    expect(checkSubmissionLimits(dir)).toEqual({ ok: true, files: 4, bytes: 11 });
  });

  test('each limit names the file at fault or the count, from the defaults or the yaml', () => {
    const big = folder('big', { 'index.ts': 'export {};\n', 'weights/model.bin': 3 * MB });
    expect(checkSubmissionLimits(big)).toEqual({ ok: false, message: "the submission's file weights/model.bin is 3 MB, over the limit of 2 MB per file (limits.submissionFileMb)" });
    expect(checkSubmissionLimits(big, { submissionFileMb: 4 })).toMatchObject({ ok: true });

    const total = folder('total', { 'a.bin': 1.5 * MB, 'b.bin': 1.5 * MB, 'c.bin': 1.5 * MB });
    expect(checkSubmissionLimits(total, { submissionTotalMb: 4 })).toEqual({
      ok: false,
      message: "the submission's files add up to more than 4 MB (limits.submissionTotalMb; node_modules and .git are not counted), passed at c.bin",
    });

    const many = folder('count');
    manyFiles(many, 11);
    expect(checkSubmissionLimits(many, { submissionFiles: 10 })).toEqual({
      ok: false,
      message: 'the submission has more than 10 files (limits.submissionFiles; node_modules and .git are not counted): f00010.ts is one too many',
    });
  });

  test.runIf(process.platform !== 'win32')('a named pipe (which would hang the bundler) is refused by name', () => {
    const dir = folder('fifo', { 'index.ts': 'export {};\n' });
    expect(spawnSync('mkfifo', [path.join(dir, 'util.ts')]).status).toBe(0);
    expect(checkSubmissionLimits(dir)).toEqual({ ok: false, message: "the submission's util.ts is a named pipe: a submission holds only files and folders" });
  });

  test('assignment.yaml limits: the three fields are read, and a bad value is a file:line:col error', () => {
    const yaml = readFileSync(path.join(MINI, 'assignment.yaml'), 'utf8');
    const withLimits = yaml.replace('  memoryMb: 1024\n', '  memoryMb: 1024\n  submissionFileMb: 0.5\n  submissionTotalMb: 20\n  submissionFiles: 300\n');
    expect(parseAssignment(withLimits, path.join(MINI, 'assignment.yaml')).limits).toMatchObject({ submissionFileMb: 0.5, submissionTotalMb: 20, submissionFiles: 300 });
    const bad = yaml.replace('  memoryMb: 1024\n', '  memoryMb: 1024\n  submissionFiles: 0\n');
    const line = bad.split('\n').findIndex((l) => l.includes('submissionFiles')) + 1;
    expect(() => parseAssignment(bad, path.join(MINI, 'assignment.yaml'))).toThrow(new RegExp(`assignment\\.yaml:${line}:\\d+ limits\\.submissionFiles: must be >= 1`));
  });

  test('the defaults are the documented ones', () => {
    expect(DEFAULT_SUBMISSION_LIMITS).toEqual({ submissionFileMb: 2, submissionTotalMb: 50, submissionFiles: 2000 });
  });
});

describe('grading refuses a submission over a limit before bundling it', () => {
  // index.ts is itself the 100 MB file; the other is a correct submission plus 20,000 tiny modules.
  const cls = path.join(root, 'class');
  sparse(path.join(cls, 'huge-entry', 'index.ts'), 100 * MB);
  cpSync(CORRECT, path.join(cls, 'many-files'), { recursive: true });
  manyFiles(path.join(cls, 'many-files', 'gen'), 20_000);
  cpSync(CORRECT, path.join(cls, 'neighbour'), { recursive: true });

  const EXPECTED: Record<string, string> = {
    'huge-entry': "the submission's file index.ts is 100 MB, over the limit of 2 MB per file (limits.submissionFileMb)",
    'many-files': 'the submission has more than 2,000 files (limits.submissionFiles; node_modules and .git are not counted): gen/f01997.ts is one too many',
  };

  function refused(r: SubmissionResult, student: string): void {
    expect(r).toMatchObject({ student, status: 'import-error', statusMessage: EXPECTED[student], score: 0, maxScore: 20 });
    expect(r.tests.map((t) => [t.score, t.status, t.output])).toEqual(r.tests.map(() => [0, 'failed', EXPECTED[student]]));
  }

  test('in a class run: both refused in well under a second each, the correct neighbour scores full marks', async () => {
    const run = await gradeClass({ assignment: mini, classDir: cls, outDir: path.join(root, 'out'), workers: 2 });
    const by = new Map(run.results.map((r) => [r.student, r]));
    for (const s of Object.keys(EXPECTED)) {
      refused(by.get(s)!, s);
      expect(by.get(s)!.durationMs).toBeLessThan(1000);
    }
    expect(by.get('neighbour')).toMatchObject({ status: 'ok', score: 20 });
  }, 120_000);

  test('the same refusal, three times in a row, each well under a second', async () => {
    for (const student of Object.keys(EXPECTED)) {
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const r = await gradeSubmission({ assignment: mini, submissionDir: path.join(cls, student), scope: 'all', isolation: 'process' });
        const ms = performance.now() - t0;
        refused(r, student);
        expect(ms, `${student} run ${i + 1}: ${ms.toFixed(0)} ms`).toBeLessThan(500);
      }
    }
  });
});
