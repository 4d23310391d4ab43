// Grades one submission: runs the assignment's suites (run-suites.ts) and scores the outcomes
// (harness/results/score.ts). The single-submission path; class runs call it once per student.
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAssignment } from '../assignment/load.ts';
import type { Assignment } from '../assignment/types.ts';
import { scoreSubmission, type Scope } from '../results/score.ts';
import type { SubmissionResult } from '../types/submission-result.ts';
import { BundleError, bundleSubmission } from './bundle-submission.ts';
import type { Isolation } from './context.ts';
import { findEntry } from './inprocess-submission.ts';
import { newRunSeed } from './run-seed.ts';
import { runSuites } from './run-suites.ts';
import { checkSubmissionLimits } from './submission-limits.ts';

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
  /** The per-run seed (default: a fresh random one; DLGRADE_RUN_SEED when set). */
  runSeed?: number;
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
  // Inputs of checks that take the sandbox's word are drawn from it (run-seed.ts); recorded in the result.
  const runSeed = opts.runSeed ?? (process.env.DLGRADE_RUN_SEED && /^\d+$/.test(process.env.DLGRADE_RUN_SEED) ? Number(process.env.DLGRADE_RUN_SEED) : newRunSeed());
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
  // Refused before anything is bundled: too large, too many files (every test 0, the same message each run).
  const limits = checkSubmissionLimits(submissionDir, a.limits);
  if (!limits.ok) return scoreSubmission({ ...base, durationMs: Date.now() - t0, notRun: { status: 'import-error', message: limits.message } });
  // Compiled once, here, before any suite runs: a submission that does not compile or reaches outside its
  // folder is refused the same way every time, and every test file's sandbox starts from this bundle.
  const work = opts.isolation === 'process' ? makeBundleDir() : undefined;
  try {
    if (work) {
      try {
        await bundleSubmission({ submissionDir, entryFile: findEntry(submissionDir, a.entry)!, probesFile: path.join(a.dir, 'probes.ts'), outDir: work });
      } catch (err) {
        if (!(err instanceof BundleError) || !err.inSubmission) throw err instanceof BundleError ? new Error(`could not compile the grading code for ${submissionDir}:\n${err.message}`) : err;
        return scoreSubmission({ ...base, durationMs: Date.now() - t0, runSeed, notRun: { status: 'import-error', message: `the submission does not compile:\n${err.message}` } });
      }
    }
    const run = await runSuites({
      assignmentDir: a.dir,
      submissionDir,
      scope: opts.scope,
      isolation: opts.isolation,
      testTimeoutMs: testTimeoutFor(a),
      totalTimeoutMs: a.limits.totalTimeoutMs,
      ...(opts.backend ? { backend: opts.backend } : {}),
      env: { ...opts.env, DLGRADE_RUN_SEED: String(runSeed), ...(work ? { DLGRADE_BUNDLE_DIR: work } : {}) },
      ...(opts.verbose ? { verbose: true } : {}),
    });
    return scoreSubmission({ ...base, durationMs: Date.now() - t0, runSeed, run });
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

/** A folder for the bundle that the sandbox (possibly uid nobody) may read but not list its parent of. */
function makeBundleDir(): string {
  const dir = mkdtempSync(path.join(process.env.DLGRADE_SCRATCH_ROOT || os.tmpdir(), 'dlgrade-bundle-'));
  chmodSync(dir, 0o755);
  return dir;
}
