// Grades one submission: runs the assignment's suites (run-suites.ts) and scores the outcomes
// (harness/results/score.ts). The single-submission path; class runs call it once per student.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadAssignment } from '../assignment/load.ts';
import type { Assignment } from '../assignment/types.ts';
import { scoreSubmission, type Scope } from '../results/score.ts';
import type { SubmissionResult } from '../results/types.ts';
import type { Isolation } from './context.ts';
import { findEntry } from './inprocess-submission.ts';
import { runSuites } from './run-suites.ts';

export interface GradeOptions {
  /** An id, a folder path, or an already loaded assignment. */
  assignment: string | Assignment;
  submissionDir: string;
  /** visible: public tests only (students' check); all: public and hidden (grading). */
  scope: Scope;
  isolation: Isolation;
  backend?: string;
  /** Name in results (default: the submission folder's name). */
  student?: string;
  /** Show vitest's own output. */
  verbose?: boolean;
  /** Extra environment for the suite run. */
  env?: Record<string, string>;
}

/** vitest's per-test limit: the yaml's, else the largest per-call limit plus slack for the test's own work. */
export function testTimeoutFor(a: Assignment): number {
  if (a.limits.testTimeoutMs) return a.limits.testTimeoutMs;
  const calls = a.exercises.flatMap((x) => x.tests.map((t) => t.timeoutMs ?? a.limits.timeoutMs));
  return Math.max(a.limits.timeoutMs, ...calls) + 30_000;
}

export async function gradeSubmission(opts: GradeOptions): Promise<SubmissionResult> {
  const a = typeof opts.assignment === 'string' ? loadAssignment(opts.assignment) : opts.assignment;
  const submissionDir = path.resolve(opts.submissionDir);
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const base = {
    assignment: a,
    scope: opts.scope,
    submissionDir,
    student: opts.student ?? path.basename(submissionDir),
    startedAt,
  };
  if (!existsSync(submissionDir) || !statSync(submissionDir).isDirectory()) {
    return scoreSubmission({ ...base, durationMs: 0, notRun: { status: 'missing', message: `no submission folder at ${submissionDir}` } });
  }
  if (!findEntry(submissionDir, a.entry)) {
    return scoreSubmission({
      ...base,
      durationMs: Date.now() - t0,
      notRun: { status: 'missing', message: `the submission has no entry file (looked for ${a.entry.join(', ')})` },
    });
  }
  const run = await runSuites({
    assignmentDir: a.dir,
    submissionDir,
    scope: opts.scope,
    isolation: opts.isolation,
    testTimeoutMs: testTimeoutFor(a),
    totalTimeoutMs: a.limits.totalTimeoutMs,
    ...(opts.backend ? { backend: opts.backend } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.verbose ? { verbose: true } : {}),
  });
  return scoreSubmission({ ...base, durationMs: Date.now() - t0, run });
}
