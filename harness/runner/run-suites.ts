// Runs an assignment's suites against one submission by spawning vitest as a child process (running
// vitest's Node API inside another vitest run nests badly) and reads back the outcomes its reporter wrote.
// The child is trusted grader code; the submission runs in it (inprocess) or in its own process (process).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Isolation } from './context.ts';
import type { SuitesOutcome } from '../types/suite-outcome.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const CONFIG = path.join(HERE, 'vitest.grading.config.ts');
// Resolved, not joined to ROOT: installed as a package (a student's folder, Gradescope), dlgrade's
// dependencies sit next to it in the installer's node_modules, not under it.
const VITEST = (() => {
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  } catch {
    return path.join(ROOT, 'node_modules/vitest/vitest.mjs');
  }
})();

export interface RunSuitesOptions {
  assignmentDir: string;
  submissionDir: string;
  scope: 'visible' | 'all';
  isolation: Isolation;
  /** vitest testTimeout (ms). */
  testTimeoutMs: number;
  /** The whole run; the child is killed after it. */
  totalTimeoutMs: number;
  backend?: string;
  /** Extra environment for the child (e.g. a runner's own settings). */
  env?: Record<string, string>;
  /** Print vitest's own reporter output too (DLGRADE_VERBOSE). */
  verbose?: boolean;
}

export interface RunSuitesResult {
  /** Undefined when the reporter wrote nothing (vitest failed to start). */
  outcome?: SuitesOutcome;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The child was killed by totalTimeoutMs. */
  timedOut: boolean;
  /** Last lines of the child's output, for error messages. */
  outputTail: string;
  durationMs: number;
}

function childEnv(opts: RunSuitesOptions, outcomesFile: string): NodeJS.ProcessEnv {
  // Drop the parent vitest's own variables (when grading from inside a test run) so the child starts clean.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV'));
  return {
    ...base,
    DLGRADE_ASSIGNMENT_DIR: path.resolve(opts.assignmentDir),
    DLGRADE_SUBMISSION_DIR: path.resolve(opts.submissionDir),
    DLGRADE_ISOLATION: opts.isolation,
    DLGRADE_SCOPE: opts.scope,
    DLGRADE_OUTCOMES_FILE: outcomesFile,
    DLGRADE_TEST_TIMEOUT_MS: String(opts.testTimeoutMs),
    // Process isolation: the suites share one worker (vitest.grading.config.ts), so the submission's sandbox
    // stays warm between test files; its scratch folders live in `work`, removed below however workers end.
    ...(opts.isolation === 'process' ? { DLGRADE_WARM_MS: '5000', DLGRADE_SCRATCH_ROOT: path.dirname(outcomesFile) } : {}),
    ...(opts.backend ? { DLGRADE_BACKEND: opts.backend } : {}),
    ...(opts.verbose ? { DLGRADE_VERBOSE: '1' } : {}),
    ...opts.env,
  };
}

export async function runSuites(opts: RunSuitesOptions): Promise<RunSuitesResult> {
  if (!existsSync(VITEST)) throw new Error(`vitest not found at ${VITEST} (npm install)`);
  const work = mkdtempSync(path.join(tmpdir(), 'dlgrade-run-'));
  const outcomesFile = path.join(work, 'outcomes.json');
  const started = Date.now();
  try {
    const child = spawn(process.execPath, [VITEST, 'run', '--config', CONFIG], {
      cwd: ROOT,
      env: childEnv(opts, outcomesFile),
      stdio: ['ignore', opts.verbose ? 'inherit' : 'pipe', opts.verbose ? 'inherit' : 'pipe'],
      // Own process group, so a time-out kills vitest's workers (and anything the submission spawned) too.
      detached: true,
    });
    let tail = '';
    const keep = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let timedOut = false;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 2000).unref();
    }, opts.totalTimeoutMs);
    // If the grader itself is interrupted, take the child group down with it.
    const onExit = () => killGroup('SIGKILL');
    process.once('exit', onExit);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve([code, sig]));
    });
    clearTimeout(timer);
    process.off('exit', onExit);
    const outcome = existsSync(outcomesFile) ? (JSON.parse(readFileSync(outcomesFile, 'utf8')) as SuitesOutcome) : undefined;
    return { ...(outcome ? { outcome } : {}), exitCode, signal, timedOut, outputTail: tail, durationMs: Date.now() - started };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
