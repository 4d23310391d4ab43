// SubmissionResult -> the result GitHub Classroom's reporter reads
// (classroom-resources/autograding-grading-reporter@v1): env `<RUNNER>_RESULTS` holds the base64 of
// { version: 1, status, max_score, tests: [{ name, status, score, message, ... }] }; the reporter sums
// tests[].score against max_score for the points and fails the job when status is 'fail' or 'error'.
// `dlgrade check --classroom` writes it as the step output `result` (harness/cli/check.ts). Renders, never
// rescores: one Classroom test per visible dlgrade test, with the points it earned (partial credit kept).
import type { SubmissionResult, TestResult } from '../types/submission-result.ts';
import { terminalText } from './safe-text.ts';

export type ClassroomStatus = 'pass' | 'fail' | 'error';

export interface ClassroomTest {
  name: string;
  status: ClassroomStatus;
  score: number;
  message: string;
  /** Seconds, as the Classroom runners write it ("1.25s"). */
  execution_time: string;
}

export interface ClassroomResult {
  version: 1;
  status: ClassroomStatus;
  max_score: number;
  tests: ClassroomTest[];
}

/**
 * The reporter gets the result through an environment variable, and Linux refuses to start a process with one
 * variable over 128 KiB (MAX_ARG_STRLEN): base64 grows by 4/3, so the JSON stays under 90 KB. Messages are cut
 * to fit (each first to MESSAGE_CHARS, then shorter if the whole still does not fit).
 */
export const MAX_JSON_BYTES = 90_000;
const MESSAGE_CHARS = 4000;

const PREFIX: Partial<Record<TestResult['status'], string>> = {
  timeout: '[time limit exceeded] ',
  crash: '[your code crashed] ',
  oom: '[memory limit exceeded] ',
  error: '[grader problem, not your fault: tell the course staff] ',
  skipped: '[not run] ',
};

/** passed -> pass; the submission's failures (failed, timeout, crash, oom) -> fail; harness error or not run -> error. */
function statusOf(t: TestResult): ClassroomStatus {
  if (t.status === 'passed') return 'pass';
  return t.status === 'error' || t.status === 'skipped' ? 'error' : 'fail';
}

function cut(text: string, max: number): string {
  if (max <= 0) return '';
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 40))}\n… (${text.length - max + 40} more characters)`;
}

function build(r: SubmissionResult, tests: TestResult[], messageChars: number): ClassroomResult {
  const out: ClassroomTest[] = tests.map((t) => ({
    name: terminalText(`${t.id} ${t.name}`).replace(/\n/g, ' '),
    status: statusOf(t),
    score: t.score,
    // Student text reaches the Actions log through the reporter: no escape sequences, no workflow commands.
    message: cut(terminalText(`${PREFIX[t.status] ?? ''}${t.output}`.trim()), messageChars),
    execution_time: `${(t.durationMs / 1000).toFixed(2)}s`,
  }));
  const status: ClassroomStatus =
    r.status === 'error' || out.some((t) => t.status === 'error') ? 'error' : r.status !== 'ok' || out.some((t) => t.status === 'fail') ? 'fail' : 'pass';
  return { version: 1, status, max_score: tests.reduce((s, t) => s + t.maxScore, 0), tests: out };
}

/** The Classroom result of the visible tests (a `--all` run's hidden tests are not the student's points). */
export function toClassroom(r: SubmissionResult): ClassroomResult {
  const visible = r.tests.filter((t) => t.visibility === 'visible');
  let chars = MESSAGE_CHARS;
  let result = build(r, visible, chars);
  while (Buffer.byteLength(JSON.stringify(result)) > MAX_JSON_BYTES && chars > 0) {
    chars = chars > 200 ? Math.floor(chars / 2) : 0;
    result = build(r, visible, chars);
  }
  return result;
}

/** The result of a check that could not run (bad assignment, harness failure): no points, the reason shown. */
export function classroomError(message: string): ClassroomResult {
  return { version: 1, status: 'error', max_score: 0, tests: [{ name: 'dlgrade check', status: 'error', score: 0, message: cut(terminalText(message), MESSAGE_CHARS), execution_time: '0.00s' }] };
}

/** What the workflow step exports: `result=<base64 of the JSON>` (one line, as $GITHUB_OUTPUT wants). */
export function classroomOutputLine(result: ClassroomResult): string {
  return `result=${Buffer.from(JSON.stringify(result)).toString('base64')}\n`;
}
