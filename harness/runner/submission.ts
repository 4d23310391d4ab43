// How checks reach a submission's code. A check never imports student code itself: it asks a
// SubmissionHandle to run a named probe (assignments/<id>/probes.ts) against the submission's exports
// and gets plain data back (shapes, weights, losses, predictions). The verdict is then computed by the
// check, in the grader's process. In-process handles serve the student's own `npm test`; the isolated
// handle (a child process with limits) serves grading, where the submission is untrusted.

export type ProbeFailureKind = 'threw' | 'missing-export' | 'timeout' | 'crash' | 'oom' | 'import-error';

/** A probe that did not return data; its message says what the submission did. */
export class ProbeError extends Error {
  constructor(
    readonly kind: ProbeFailureKind,
    message: string,
    readonly probe: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

export interface CallOptions {
  /** Wall-clock limit for this call; the handle's default otherwise. */
  timeoutMs?: number;
  /** What the call does and on which input, for a time-out message ("training the classifier on 2,000 digits"). */
  what?: string;
  /** Set by the suite context: the call's limit was cut to what was left of the test's own limit (ms). */
  testLimitMs?: number;
}

export interface SubmissionHandle {
  /** Folder of the submission being graded. */
  readonly dir: string;
  /** Engine line of the process that runs the submission's code. */
  engine(): Promise<string>;
  /** Runs probe `name` with `args` against the submission's exports; rejects with ProbeError. */
  call<R = unknown>(name: string, args?: unknown, opts?: CallOptions): Promise<R>;
  /** Stops a call still running (its test is over), so it cannot run on into the next test. */
  abortRunning?(): Promise<void>;
  close(): Promise<void>;
}

/** A probe: runs where the submission runs, gets its module's exports, returns structured-clonable data. */
export type Probe = (exports: Record<string, unknown>, args: never) => Promise<unknown> | unknown;
export type ProbeModule = { probes: Record<string, Probe> };
