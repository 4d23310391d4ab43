// Grades a whole class folder (one sub-folder per student) with a pool of workers, each grading one student
// at a time through gradeSubmission() (its suites in a vitest process, the submission in its own sandbox).
// Whatever one submission does, the run goes on: a failure of the grader itself on one student is recorded
// as that student's status `error`, and a student the grader never finishes is cut off at the assignment's
// total limit (+ slack) and recorded as `timeout`. Resumable: a student whose dlgrade.json exists (written
// atomically, last) is skipped unless `force`; results of status `error` are always regraded. A student's
// folder name is data (any text a file name holds): outputs go to OUT/<id>/ (harness/results/student-id.ts).
import os from 'node:os';
import path from 'node:path';
import { loadAssignment } from '../assignment/load.ts';
import type { Assignment } from '../assignment/types.ts';
import { formatDuration } from '../results/format.ts';
import { scoreSubmission } from '../results/score.ts';
import { studentIds } from '../results/student-id.ts';
import type { RunStatus, SubmissionResult } from '../types/submission-result.ts';
import { readStudentResult, writeClassOutputs, writeStudentOutputs, type ClassFiles } from './class-outputs.ts';
import { readRoster } from './class-roster.ts';
import type { Isolation } from './context.ts';
import { gradeSubmission, type GradeOptions } from './grade-submission.ts';
import { silentProgress, type ClassProgress } from './progress.ts';
import { inShard, type Shard } from './shard.ts';

export interface ClassOptions {
  /** An id, a folder path, or a loaded assignment. */
  assignment: string | Assignment;
  classDir: string;
  outDir: string;
  /** Students graded at once (default: os.availableParallelism()). */
  workers?: number;
  shard?: Shard;
  /** Regrade students that already have a result. */
  force?: boolean;
  /** Default 'process' (grading); 'inprocess' only for trusted code. */
  isolation?: Isolation;
  backend?: string;
  /** Every student graded with this run seed (repeats a run); default: a fresh one per student. */
  runSeed?: number;
  progress?: ClassProgress;
  /** Slack on top of limits.totalTimeoutMs before a student is cut off (default 60 s). */
  studentSlackMs?: number;
  /** Replaces gradeSubmission (tests). */
  grade?: (opts: GradeOptions) => Promise<SubmissionResult>;
}

export interface ClassRun {
  /** Students of this run (after --shard), sorted. */
  students: string[];
  graded: string[];
  skipped: string[];
  /** Every student's result (graded now or read back), in student order. */
  results: SubmissionResult[];
  files: ClassFiles;
  durationMs: number;
}

/** A result for a student the grader could not grade (its own failure, or cut off): every test 0. */
function notGraded(a: Assignment, classDir: string, student: string, status: RunStatus, message: string, startedAt: string, durationMs: number): SubmissionResult {
  return scoreSubmission({ assignment: a, scope: 'all', submissionDir: path.join(classDir, student), student, startedAt, durationMs, notRun: { status, message } });
}

export async function gradeClass(opts: ClassOptions): Promise<ClassRun> {
  const t0 = Date.now();
  const a = typeof opts.assignment === 'string' ? loadAssignment(opts.assignment) : opts.assignment;
  const classDir = path.resolve(opts.classDir);
  const outDir = path.resolve(opts.outDir);
  if (outDir === classDir || outDir.startsWith(classDir + path.sep)) {
    throw new Error(`--out ${opts.outDir} is inside --class ${opts.classDir}: the outputs would be taken for students`);
  }
  const roster = readRoster(classDir);
  // Two students with one output folder would overwrite each other: refuse before grading anyone (the whole
  // class is checked, so every shard refuses alike).
  studentIds(roster.students);
  const students = roster.students.filter((s) => inShard(s, opts.shard));
  const grade = opts.grade ?? gradeSubmission;
  const progress = opts.progress ?? silentProgress;
  const workers = Math.max(1, Math.min(opts.workers ?? os.availableParallelism(), students.length || 1));
  const slack = opts.studentSlackMs ?? 60_000;

  const results = new Map<string, SubmissionResult>();
  const todo: string[] = [];
  const skipped: string[] = [];
  for (const s of students) {
    const prev = opts.force ? undefined : readStudentResult(outDir, s);
    if (prev && prev.assignment === a.id && prev.status !== 'error') {
      results.set(s, prev);
      skipped.push(s);
    } else todo.push(s);
  }

  progress.begin(todo.length, skipped.length);
  let next = 0;
  const gradeOne = async (student: string): Promise<SubmissionResult> => {
    const startedAt = new Date().toISOString();
    const t = Date.now();
    const unreadable = roster.unreadable.get(student);
    if (unreadable) return notGraded(a, classDir, student, 'missing', unreadable, startedAt, 0);
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<SubmissionResult>((resolve) => {
      timer = setTimeout(
        () => resolve(notGraded(a, classDir, student, 'timeout', `grading did not finish within ${formatDuration(a.limits.totalTimeoutMs + slack)} (the assignment's total limit plus slack)`, startedAt, Date.now() - t)),
        a.limits.totalTimeoutMs + slack,
      );
      timer.unref();
    });
    try {
      const graded = grade({
        assignment: a,
        submissionDir: path.join(classDir, student),
        student,
        scope: 'all',
        isolation: opts.isolation ?? 'process',
        ...(opts.backend ? { backend: opts.backend } : {}),
        ...(opts.runSeed !== undefined ? { runSeed: opts.runSeed } : {}),
        // Also hidden from each sandbox (Linux mount namespace): the class's outputs.
        env: { DLGRADE_HIDE_PATHS: [outDir, classDir].join(path.delimiter) },
      });
      return await Promise.race([graded, cutOff]);
    } catch (err) {
      const e = err as Error;
      return notGraded(a, classDir, student, 'error', `the grader failed on this submission (not the student's fault): ${e.message}`, startedAt, Date.now() - t);
    } finally {
      clearTimeout(timer);
    }
  };
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= todo.length) return;
      const student = todo[i]!;
      progress.started(student);
      const r = await gradeOne(student);
      try {
        writeStudentOutputs(outDir, r);
      } catch (err) {
        // A full disk or a permission problem is the grader's: say so, keep grading the others.
        r.status = 'error';
        r.statusMessage = `grading finished but the result could not be written: ${(err as Error).message}`;
      }
      results.set(student, r);
      progress.finished(student, r);
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    progress.end();
  }

  const ordered = students.map((s) => results.get(s)!).filter(Boolean);
  const durationMs = Date.now() - t0;
  const files = writeClassOutputs(outDir, ordered, {
    ...(opts.shard ? { scopeNote: `shard ${opts.shard.index}/${opts.shard.count}` } : {}),
    durationMs,
  });
  return { students, graded: todo, skipped, results: ordered, files, durationMs };
}
