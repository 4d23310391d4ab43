// What a graded suite uses to reach the submission and the assignment: openSubmission() gives a
// SubmissionHandle in the mode DLGRADE_ISOLATION names; assignmentSpec()/testSpec()/seed() read the yaml.
// Runs in the grader's (trusted) vitest worker. Environment (set by run-suites.ts, or by hand):
//   DLGRADE_ASSIGNMENT_DIR  assignment folder (holds assignment.yaml, probes.ts)
//   DLGRADE_SUBMISSION_DIR  submission folder (holds index.ts or src/index.ts)
//   DLGRADE_ISOLATION       inprocess (default; the student's `dlgrade check`) | process (grading)
//   DLGRADE_BACKEND         engine for the submission's code (tensorflow | wasm | cpu; default: best that loads)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, TestRunner } from 'vitest';
import { findTest, loadAssignment } from '../assignment/load.ts';
import { testIdOfTitle } from '../assignment/test-id.ts';
import type { Assignment, TestSpec, Threshold } from '../assignment/types.ts';
import { describeCall } from './describe-call.ts';
import { ProbeError, type CallOptions, type SubmissionHandle } from './submission.ts';

export type Isolation = 'inprocess' | 'process';

/** What a handle implementation (in-process or isolated) is opened with. */
export interface SubmissionOpenOptions {
  assignmentDir: string;
  submissionDir: string;
  /** Entry candidates relative to submissionDir (assignment.yaml `entry`). */
  entry: string[];
  /** Default wall-clock limit of one call (ms); the context passes the current test's limit per call. */
  timeoutMs: number;
  /** Memory limit of the submission's process (process isolation). */
  memoryMb: number;
  backend?: string;
}

/** harness/runner/isolated-submission.ts exports this (the runner engineer's file). */
export type OpenIsolated = (opts: SubmissionOpenOptions) => Promise<SubmissionHandle>;

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: graded suites run through \`dlgrade grade\` / \`dlgrade check\` (harness/runner/run-suites.ts), which set it`);
  return v;
}

let assignment: Assignment | undefined;

/** The assignment being graded (DLGRADE_ASSIGNMENT_DIR), loaded once per worker. */
export function assignmentSpec(): Assignment {
  return (assignment ??= loadAssignment(env('DLGRADE_ASSIGNMENT_DIR')));
}

/** The yaml entry of test `id`; throws naming the id when the yaml has no such test. */
export function testSpec(id: string): TestSpec & { exercise: string } {
  const a = assignmentSpec();
  const t = findTest(a, id);
  if (!t) throw new Error(`no test "${id}" in ${a.file}`);
  return t;
}

/** The yaml threshold of test `id` (min|max, the reference's own figure, margin). */
export function thresholdOf(id: string): Threshold {
  const t = testSpec(id);
  if (!t.threshold) throw new Error(`test "${id}" has no threshold in ${assignmentSpec().file}`);
  return t.threshold;
}

/** A named seed from the yaml's `seeds` (default: "default"). */
export function seed(name = 'default'): number {
  const s = assignmentSpec().seeds[name];
  if (s === undefined) throw new Error(`no seed "${name}" in ${assignmentSpec().file} (seeds: ${Object.keys(assignmentSpec().seeds).join(', ') || 'none'})`);
  return s;
}

/** vitest's limit of one test (set by run-suites.ts from the yaml). */
export function testTimeoutMs(): number {
  return Number(process.env.DLGRADE_TEST_TIMEOUT_MS) || 120_000;
}

let testStartedAt: number | undefined;

/** Called before each test (useSubmission does): calls made in the test share what is left of its limit. */
export function markTestStart(): void {
  testStartedAt = Date.now();
}

/** Time kept back from a test's limit for the grader's own work after its last call (messages, scoring). */
const TEST_MARGIN_MS = 3_000;

/**
 * What is left of the running test's limit for the grader's own long work (training a rebuilt model), or
 * undefined outside a test started by useSubmission. vitest cannot interrupt synchronous work, so such work
 * checks this itself and stops with a message instead of overrunning the suite.
 */
export function testTimeLeftMs(): number | undefined {
  if (testStartedAt === undefined) return undefined;
  return Math.max(0, testTimeoutMs() - (Date.now() - testStartedAt) - TEST_MARGIN_MS);
}

/** Wall-clock limit of a probe call made now: the running test's yaml timeoutMs, else limits.timeoutMs. */
export function callTimeoutMs(): number {
  const a = assignmentSpec();
  // currentTestName is "describe > ... > title"; the id is at the start of the test's own title.
  const name = expect.getState().currentTestName ?? '';
  const id = testIdOfTitle(name.split(' > ').at(-1) ?? '');
  return (id ? findTest(a, id)?.timeoutMs : undefined) ?? a.limits.timeoutMs;
}

const ISOLATED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'isolated-submission.ts');

async function openRaw(isolation: Isolation, opts: SubmissionOpenOptions): Promise<SubmissionHandle> {
  if (isolation === 'process') {
    if (existsSync(ISOLATED)) {
      const mod = (await import(pathToFileURL(ISOLATED).href)) as { openIsolated?: OpenIsolated };
      if (typeof mod.openIsolated !== 'function') throw new Error(`${ISOLATED} must export openIsolated(opts)`);
      return mod.openIsolated(opts);
    }
    console.warn('dlgrade: process isolation is not available yet (harness/runner/isolated-submission.ts missing); running the submission in-process');
  }
  // Loaded on demand: it imports tfjs, which a process-isolated run does not need in this worker (~0.4 s per file).
  const { openInProcess } = await import('./inprocess-submission.ts');
  return openInProcess(opts);
}

export interface OpenOverrides {
  assignmentDir?: string;
  submissionDir?: string;
  isolation?: Isolation;
}

const open = new Map<string, Promise<SubmissionHandle>>();

/**
 * The handle on the submission under test, opened once per worker (per test file) and shared by every
 * test in it. Every call gets the running test's time limit unless it passes its own.
 */
export function openSubmission(over: OpenOverrides = {}): Promise<SubmissionHandle> {
  const assignmentDir = path.resolve(over.assignmentDir ?? env('DLGRADE_ASSIGNMENT_DIR'));
  const submissionDir = path.resolve(over.submissionDir ?? env('DLGRADE_SUBMISSION_DIR'));
  const isolation = over.isolation ?? isolationFromEnv();
  const key = `${isolation}\0${assignmentDir}\0${submissionDir}`;
  let h = open.get(key);
  if (!h) {
    const a = over.assignmentDir ? loadAssignment(assignmentDir) : assignmentSpec();
    h = openRaw(isolation, {
      assignmentDir,
      submissionDir,
      entry: a.entry,
      timeoutMs: a.limits.timeoutMs,
      memoryMb: a.limits.memoryMb,
      ...(process.env.DLGRADE_BACKEND ? { backend: process.env.DLGRADE_BACKEND } : {}),
    }).then((raw) => withTestLimits(raw, () => open.delete(key)));
    open.set(key, h);
  }
  return h;
}

function isolationFromEnv(): Isolation {
  const v = process.env.DLGRADE_ISOLATION ?? 'inprocess';
  if (v !== 'inprocess' && v !== 'process') throw new Error(`DLGRADE_ISOLATION must be inprocess or process, got "${v}"`);
  return v;
}

function withTestLimits(raw: SubmissionHandle, onClose: () => void): SubmissionHandle {
  let engine: Promise<string> | undefined;
  const engineLine = () => (engine ??= raw.engine());
  return {
    dir: raw.dir,
    engine: engineLine,
    call: async <R>(name: string, args?: unknown, opts?: CallOptions) => {
      // The engine the submission ran on travels to the result through the test's meta (the grader's
      // process never initialises the submission's engine itself).
      const task = TestRunner.getCurrentTest();
      if (task) {
        const line = await engineLine().catch((e: Error) => `unknown (${e.message})`);
        (task.meta.dlgrade ??= {}).engine = line;
      }
      const what = describeCall(args, opts?.what);
      const limit = opts?.timeoutMs ?? callTimeoutMs();
      // A call never outlives its test: cut to what is left, so the grader's message (which call, which
      // input) reaches the student rather than vitest's generic test time-out.
      const testLimit = testTimeoutMs();
      const left = task && testStartedAt !== undefined ? testLimit - (Date.now() - testStartedAt) - TEST_MARGIN_MS : Infinity;
      if (left < 1_000) {
        throw new ProbeError('timeout', `this test's ${Math.round(testLimit / 1000)} s were used up before probe "${name}" (${what}) could run: the submission's earlier calls in this test were too slow`, name);
      }
      const timeoutMs = Math.min(limit, left);
      return raw.call<R>(name, args, { ...opts, timeoutMs, what, ...(timeoutMs < limit ? { testLimitMs: testLimit } : {}) });
    },
    abortRunning: () => raw.abortRunning?.() ?? Promise.resolve(),
    close: async () => {
      onClose();
      await raw.close();
    },
  };
}
