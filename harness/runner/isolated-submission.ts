// The SubmissionHandle used for grading: the submission's code runs in its own sandboxed child process
// (sandbox.ts), compiled beforehand in this trusted process (bundle-submission.ts). Calls go over IPC with
// structured clone; each carries an id and a random nonce the reply must echo. The child's output is kept
// (a tail, for messages) and never parsed.
//
// Limits: every call has a wall-clock limit (the test's), loading the submission has the default call
// limit, and resident memory is watched (limits-memory.ts) against memoryMb. A call that times out,
// crashes or runs out of memory fails with ProbeError('timeout' | 'crash' | 'oom'); the process is
// stopped and the NEXT call starts a fresh one (about a second), so a hang in one test does not zero the
// unrelated ones. A failure while loading the submission (throw, hang, exit or memory at import) is
// deterministic, so it is not retried: every call fails at once with the same message.
// Calls are served one at a time, in order, so each call's clock starts when its request is sent.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatDuration } from '../results/format.ts';
import { BundleError, GRADER_ROOT, bundleSubmission, readBundle, type Bundle } from './bundle-submission.ts';
import type { SubmissionOpenOptions } from './context.ts';
import { describeCall } from './describe-call.ts';
import { asChildMessage, type ChildConfig, type ChildMessage } from './isolation-protocol.ts';
import { watchMemory, type MemoryWatcher } from './limits-memory.ts';
import { OutputTail } from './output-tail.ts';
import { NOBODY, detectSandbox, sandboxCommand, withReadableUid, type SandboxCapabilities } from './sandbox.ts';
import { ProbeError, type CallOptions, type ProbeFailureKind, type SubmissionHandle } from './submission.ts';

/** Engine start-up is the grader's own code (tfjs + wasm): generous, and not charged to the submission. */
const ENGINE_START_MS = 120_000;
/** After this many fresh processes for one handle, later calls fail at once (a submission that crashes every call). */
const MAX_RESTARTS = 25;
const IMPORT = '(import)';

export interface IsolatedOptions extends SubmissionOpenOptions {
  /** Extra read-only paths the child may read (data files a probe loads). */
  readPaths?: string[];
  /** Keep the scratch folder after close (debugging). */
  keepScratch?: boolean;
}

/** Why a live child stopped, decided by whoever stopped it (the first reason wins). */
type StopReason = { kind: 'timeout'; ms: number } | { kind: 'oom'; bytes: number } | { kind: 'aborted' } | { kind: 'closed' };

interface Pending {
  id: number;
  nonce: string;
  probe: string;
  /** The call as the student reads it (describe-call.ts). */
  what: string;
  /** Set when the call's limit was cut to what was left of its test's limit. */
  testLimitMs?: number;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(p: ChildProcess): void {
  live.add(p);
  p.once('exit', () => live.delete(p));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Belt and braces where setpriv --pdeathsig is missing (macOS, Windows): children die with us.
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** One child process: start-up, one call at a time, and the reason it ended. */
class Child {
  readonly proc: ChildProcess;
  readonly tail = new OutputTail();
  engineLabel?: string;
  readonly ready: Promise<void>;
  private pending?: Pending;
  private seq = 0;
  private stop?: StopReason;
  private phase: 'engine' | 'import' | 'calls' = 'engine';
  private exit?: { code: number | null; signal: NodeJS.Signals | null };
  private readonly memory: MemoryWatcher;
  private settleReady!: { resolve: () => void; reject: (e: Error) => void };
  /**
   * Per-child secret, sent as the first message before the submission is imported: every control message and
   * reply must carry it, so a submission that writes to the IPC channel cannot pass for the runtime (it never
   * sees a message that holds the secret). What a reply carries is still only the submission's word.
   */
  private readonly secret = randomUUID();

  constructor(
    private readonly h: IsolatedState,
    caps: SandboxCapabilities,
  ) {
    const { command, args } = sandboxCommand(caps, {
      script: h.bundle.runtime,
      readPaths: h.readPaths,
      hidePaths: h.hidePaths,
      writePaths: [h.workDir],
      memoryMb: h.opts.memoryMb,
    });
    const config: ChildConfig = {
      probesUrl: pathToFileURL(h.bundle.probes).href,
      submissionUrl: pathToFileURL(h.bundle.submission).href,
      submissionDir: h.opts.submissionDir,
      entryName: h.entryName,
      heartbeat: caps.memory === 'heartbeat',
      ...(h.opts.backend ? { backend: h.opts.backend } : {}),
    };
    this.proc = spawn(command, args, {
      cwd: h.workDir,
      env: childEnv(h.workDir, config),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      windowsHide: true,
    });
    track(this.proc);
    this.proc.stdout!.on('data', (d: Buffer) => this.tail.push(d));
    this.proc.stderr!.on('data', (d: Buffer) => this.tail.push(d));
    this.proc.on('message', (m: unknown) => this.onMessage(m));
    this.proc.on('error', (err) => this.onExit(null, null, err));
    // 'close', not 'exit': the last output (e.g. V8's heap-limit message) has been read by then.
    this.proc.on('close', (code, signal) => this.onExit(code, signal));
    this.memory = watchMemory(this.proc.pid ?? -1, caps.memory, h.opts.memoryMb * 2 ** 20, (bytes) => this.kill({ kind: 'oom', bytes }));
    try {
      this.proc.send({ type: 'hello', secret: this.secret });
    } catch {
      // the child is already gone: onExit reports it
    }

    this.ready = new Promise<void>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => {}); // observed by callers; never an unhandled rejection
    const engineTimer = setTimeout(() => this.phase === 'engine' && this.kill({ kind: 'timeout', ms: ENGINE_START_MS }), ENGINE_START_MS);
    this.ready.finally(() => clearTimeout(engineTimer)).catch(() => {});
  }

  get alive(): boolean {
    return !this.exit;
  }

  peakBytes(): number {
    return this.memory.peakBytes();
  }

  kill(reason: StopReason): void {
    this.stop ??= reason;
    if (!this.exit) this.proc.kill('SIGKILL');
  }

  private onMessage(raw: unknown): void {
    const m = asChildMessage(raw);
    if (!m) return; // not ours: a submission writing to the channel gets ignored
    if (m.type === 'rss') {
      // Heartbeats carry no secret (they are sent while the submission loads); a forged one can only lie
      // about memory on platforms where the parent cannot read it itself (docs/isolation.md).
      this.memory.heartbeat(m.bytes);
      return;
    }
    if (m.secret !== this.secret) return; // forged: the runtime's messages carry the secret
    switch (m.type) {
      case 'engine':
        if (this.phase !== 'engine') return;
        this.engineLabel = m.label;
        this.phase = 'import';
        this.importTimer = setTimeout(() => this.phase === 'import' && this.kill({ kind: 'timeout', ms: this.h.opts.timeoutMs }), this.h.opts.timeoutMs);
        return;
      case 'ready':
        if (this.phase !== 'import') return;
        clearTimeout(this.importTimer);
        this.phase = 'calls';
        this.settleReady.resolve();
        return;
      case 'import-error':
        if (this.phase !== 'import') return;
        clearTimeout(this.importTimer);
        this.settleReady.reject(new ProbeError('import-error', m.message, IMPORT));
        this.kill({ kind: 'closed' });
        return;
      case 'fatal':
        if (this.phase !== 'engine') return;
        this.settleReady.reject(new Error(`${m.message}${this.outputNote()}`));
        this.kill({ kind: 'closed' });
        return;
      case 'result':
        this.onResult(m);
        return;
    }
  }
  private importTimer?: NodeJS.Timeout;

  private onResult(m: Extract<ChildMessage, { type: 'result' }>): void {
    const p = this.pending;
    if (!p || m.id !== p.id || m.nonce !== p.nonce) return; // stale, duplicate or forged
    this.pending = undefined;
    if (m.ok) p.resolve(m.value);
    else if (m.kind === 'harness') p.reject(new Error(m.message));
    else p.reject(new ProbeError(m.kind, m.message, p.probe));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    if (this.exit) return;
    this.exit = { code, signal };
    this.memory.stop();
    clearTimeout(this.importTimer);
    if (err) {
      this.settleReady.reject(new Error(`could not start the submission's process (${err.message})`));
      return;
    }
    if (this.phase !== 'calls') this.settleReady.reject(this.startFailure());
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      p.reject(this.callFailure(p));
    }
  }

  private outputNote(): string {
    const lines = this.tail.lines();
    return lines.length ? `\nlast output of the submission's process:\n${lines.map((l) => `  ${l}`).join('\n')}` : '';
  }

  /** The V8 heap limit ends the process with a fatal error, not an exception. */
  private heapExhausted(): boolean {
    return this.tail.has(/JavaScript heap out of memory|Reached heap limit|Allocation failed - process out of memory/);
  }

  private classify(): { kind: ProbeFailureKind; what: string } {
    const s = this.stop;
    if (s?.kind === 'timeout') return { kind: 'timeout', what: `did not finish within ${formatDuration(s.ms)}` };
    if (s?.kind === 'aborted') return { kind: 'timeout', what: 'was stopped when its test ended (out of time)' };
    if (s?.kind === 'oom') return { kind: 'oom', what: `used ${mb(s.bytes)} MB of memory, over the ${this.h.opts.memoryMb} MB limit` };
    if (this.heapExhausted()) return { kind: 'oom', what: `ran out of JavaScript heap (limit ${this.h.opts.memoryMb} MB)` };
    const e = this.exit;
    if (e?.signal) return { kind: 'crash', what: `was killed by ${e.signal}${e.signal === 'SIGKILL' ? ' (by the system: out of memory?)' : ''}` };
    return {
      kind: 'crash',
      what: `exited with code ${e?.code ?? '?'}${e?.code === 0 ? ' (did the code call process.exit()?)' : ''}`,
    };
  }

  private startFailure(): Error {
    if (this.phase === 'engine') {
      return new Error(`the grader's child process did not start its engine (${this.classify().what})${this.outputNote()}`);
    }
    const { kind, what } = this.classify();
    const doing = `loading the submission (importing ${this.h.entryName})`;
    const hint = kind === 'timeout' ? ': an infinite loop or a long computation at import time?' : '';
    return new ProbeError(kind, `${doing} ${what}${hint}; its process was stopped, so no test could run its code${this.outputNote()}`, IMPORT);
  }

  private callFailure(p: Pick<Pending, 'probe' | 'what' | 'testLimitMs'>): ProbeError {
    const { kind, what } = this.classify();
    const budget = kind === 'timeout' && p.testLimitMs ? ` (what was left of this test's ${formatDuration(p.testLimitMs)})` : '';
    const tail = kind === 'timeout' ? '; the submission\'s code is too slow or never returns' : '';
    return new ProbeError(kind, `the submission's process ${what}${budget} while running probe "${p.probe}" (${p.what})${tail}; it was stopped${this.outputNote()}`, p.probe);
  }

  /** Whether a call is waiting for its reply. */
  get busy(): boolean {
    return !!this.pending;
  }

  /** Sends one call; resolves with the probe's data or rejects with ProbeError / Error (harness). */
  request(probe: string, args: unknown, opts: { timeoutMs: number; what: string; testLimitMs?: number }): Promise<unknown> {
    const { timeoutMs, what, testLimitMs } = opts;
    return new Promise((resolve, reject) => {
      if (this.exit) return reject(this.callFailure({ probe, what, ...(testLimitMs ? { testLimitMs } : {}) }));
      const id = ++this.seq;
      const nonce = randomUUID();
      const timer = setTimeout(() => this.kill({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
      const done = <T>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        f(v);
      };
      this.pending = { id, nonce, probe, what, ...(testLimitMs ? { testLimitMs } : {}), resolve: done(resolve), reject: done(reject) };
      try {
        this.proc.send({ type: 'call', id, nonce, probe, args });
      } catch (err) {
        this.pending = undefined;
        clearTimeout(timer);
        reject(new Error(`probe "${probe}": its arguments cannot cross a process boundary (${(err as Error).message})`));
      }
    });
  }
}

/** What every child of one handle shares. */
interface IsolatedState {
  opts: IsolatedOptions;
  bundle: Bundle;
  scratch: string;
  workDir: string;
  readPaths: string[];
  /** Folders covered by empty mounts in the child's mount namespace (Linux). */
  hidePaths: string[];
  entryName: string;
}

function childEnv(workDir: string, config: ChildConfig): NodeJS.ProcessEnv {
  // A scrubbed environment: CI secrets (tokens) and NODE_OPTIONS (e.g. a tsx loader) stay with the grader.
  const env: NodeJS.ProcessEnv = {
    DLGRADE_CHILD: JSON.stringify(config),
    HOME: workDir,
    TMPDIR: workDir,
    TMP: workDir,
    TEMP: workDir,
    TZ: 'UTC',
    LANG: 'C.UTF-8',
    // One wasm thread: the sandbox grants no workers (threads are Emscripten workers), and a class run already
    // puts one submission on each core.
    DLGRADE_WASM_THREADS: '1',
    PATH: process.platform === 'win32' ? (process.env.PATH ?? '') : '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
  };
  for (const k of ['SystemRoot', 'windir', 'COMSPEC']) if (process.env[k]) env[k] = process.env[k];
  return env;
}

/** Scratch folder: bundle/ (read-only for the child) and work/ (its cwd, the only place it may write). */
function makeScratch(caps: SandboxCapabilities): { scratch: string; bundleDir: string; workDir: string } {
  const root = process.env.DLGRADE_SCRATCH_ROOT || os.tmpdir();
  // The child (uid nobody) must be able to pass through the root: traverse only, not list.
  if (caps.dropUid && process.env.DLGRADE_SCRATCH_ROOT) chmodSync(root, 0o711);
  const scratch = mkdtempSync(path.join(root, 'dlgrade-sub-'));
  const bundleDir = path.join(scratch, 'bundle');
  const workDir = path.join(scratch, 'work');
  mkdirSync(bundleDir);
  mkdirSync(workDir);
  chmodSync(scratch, 0o755);
  if (caps.dropUid) {
    chownSync(workDir, NOBODY, NOBODY);
    chmodSync(workDir, 0o700);
  }
  return { scratch, bundleDir, workDir };
}

/**
 * What the child must not see even if Node's permission model failed: the assignment (hidden tests), the
 * reference solutions and every assignment, the class folder (classmates) and whatever the caller adds in
 * DLGRADE_HIDE_PATHS (a class run adds its output folder). Only existing folders that hold none of the
 * child's read paths can be covered.
 */
function hidePaths(opts: IsolatedOptions, readPaths: string[]): string[] {
  const extra = (process.env.DLGRADE_HIDE_PATHS ?? '').split(path.delimiter).filter(Boolean);
  const wanted = [opts.assignmentDir, path.join(GRADER_ROOT, 'assignments'), path.join(GRADER_ROOT, 'reference'), path.dirname(opts.submissionDir), ...extra].map((p) => path.resolve(p));
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  const ok = [...new Set(wanted)].filter((p) => isDir(p) && !readPaths.some((r) => inside(r, p)));
  // A folder inside another one already covered needs no mount of its own.
  return ok.filter((p) => !ok.some((q) => q !== p && inside(p, q)));
}

/** The first entry candidate that exists (same rule as the in-process handle). */
function findEntry(submissionDir: string, entry: readonly string[]): string | undefined {
  return entry.map((e) => path.join(submissionDir, e)).find((f) => existsSync(f));
}

/**
 * One submission's sandbox: its bundle, scratch folder and (re)started child, shared by every handle opened
 * on it in this process. Grading suites open one handle per test file; when they run in one worker, the
 * next file reuses the warm child instead of paying a fresh start (IDLE_MS grace after the last close).
 */
class Isolated {
  private child?: Child;
  private starts = 0;
  private sticky?: Error;
  private queue: Promise<unknown> = Promise.resolve();
  refs = 0;
  idle?: NodeJS.Timeout;
  private disposed = false;

  constructor(
    readonly key: string,
    readonly opts: IsolatedOptions,
    readonly caps: SandboxCapabilities,
    private readonly state: IsolatedState | undefined,
    private readonly scratch: string | undefined,
    sticky: Error | undefined,
  ) {
    this.sticky = sticky;
  }

  /** The running child, started (or restarted after a failed call) on demand. */
  private async current(): Promise<Child> {
    if (!this.child || !this.child.alive) {
      if (this.starts > MAX_RESTARTS) {
        this.sticky = new ProbeError('crash', `the submission's process failed ${MAX_RESTARTS} times; no further test runs its code`, IMPORT);
        throw this.sticky;
      }
      this.starts++;
      this.child = new Child(this.state!, this.caps);
    }
    const c = this.child;
    try {
      await c.ready;
    } catch (err) {
      this.sticky = err as Error;
      throw err;
    }
    return c;
  }

  /** Starts the child now (in the background), so the first call does not wait for all of its start-up. */
  warmUp(): void {
    if (this.state && !this.sticky && !this.child) this.current().catch(() => {});
  }

  async engine(): Promise<string> {
    if (this.state && !this.sticky) {
      try {
        return (await this.current()).engineLabel ?? 'unknown engine';
      } catch {
        // fall through: the label may still be known
      }
    }
    return this.child?.engineLabel ?? `unknown engine (the submission's code did not load)`;
  }

  call<R>(name: string, args: unknown, opts: CallOptions & { timeoutMs: number }): Promise<R> {
    const renamed = (err: Error): Error => (err instanceof ProbeError ? new ProbeError(err.kind, err.message, name) : err);
    const run = async (): Promise<R> => {
      if (this.disposed) throw new Error(`probe "${name}": the submission handle is closed`);
      if (this.sticky) throw renamed(this.sticky);
      const c = await this.current().catch((err: Error) => {
        throw renamed(err);
      });
      return (await c.request(name, args, { timeoutMs: opts.timeoutMs, what: opts.what ?? describeCall(args), ...(opts.testLimitMs ? { testLimitMs: opts.testLimitMs } : {}) })) as R;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => {});
    return p;
  }

  peakBytes(): number {
    return this.child?.peakBytes() ?? 0;
  }

  /** Stops the child if a call is still running (its test is over); the next call starts a fresh one. */
  async abortRunning(): Promise<void> {
    const c = this.child;
    if (!c || !c.alive || !c.busy) return;
    c.kill({ kind: 'aborted' });
    await new Promise((r) => c.proc.once('close', r));
  }

  /** Stops the child and removes the scratch folder. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.idle);
    const c = this.child;
    c?.kill({ kind: 'closed' });
    if (c && c.alive) await new Promise((r) => c.proc.once('close', r));
    if (this.scratch && !this.opts.keepScratch) rmSync(this.scratch, { recursive: true, force: true });
  }

  disposeNow(): void {
    this.disposed = true;
    this.child?.kill({ kind: 'closed' });
    if (this.scratch && !this.opts.keepScratch) rmSync(this.scratch, { recursive: true, force: true });
  }
}

/**
 * How long an unused sandbox stays warm for the next handle on the same submission (DLGRADE_WARM_MS). 0 by
 * default: vitest stops a worker without running exit hooks, so only a close that disposes at once is sure
 * to clean up. Set it where the suites of one submission share a worker (vitest isolate: false), with
 * DLGRADE_SCRATCH_ROOT pointing at a folder the caller removes afterwards.
 */
const IDLE_MS = Number(process.env.DLGRADE_WARM_MS ?? 0) || 0;
const shared = new Map<string, Isolated>();
let sharedExitHook = false;

async function create(key: string, opts: IsolatedOptions): Promise<Isolated> {
  const caps = detectSandbox();
  const entry = findEntry(opts.submissionDir, opts.entry);
  if (!entry) {
    return new Isolated(key, opts, caps, undefined, undefined, new ProbeError('import-error', `no entry file in ${opts.submissionDir} (looked for ${opts.entry.join(', ')})`, IMPORT));
  }
  const made = makeScratch(caps);
  const probesFile = path.join(opts.assignmentDir, 'probes.ts');
  try {
    // gradeSubmission compiled it already (DLGRADE_BUNDLE_DIR): reuse it when it is this submission's.
    const prebuiltDir = process.env.DLGRADE_BUNDLE_DIR;
    const prebuilt = prebuiltDir ? readBundle(prebuiltDir) : undefined;
    const reuse = prebuilt && prebuilt.submissionDir === path.resolve(opts.submissionDir) && prebuilt.probesFile === path.resolve(probesFile) ? prebuilt : undefined;
    const bundle = reuse ?? (await bundleSubmission({ submissionDir: opts.submissionDir, entryFile: entry, probesFile, outDir: made.bundleDir }));
    const readPaths = [made.scratch, ...(reuse ? [prebuiltDir!] : []), ...bundle.packageRoots, ...(opts.readPaths ?? []).map((p) => path.resolve(p))];
    // Refuse a layout where the child could read hidden tests, reference solutions or classmates (public
    // tests may sit in a readable package: a student's own repository installs the assignment that way).
    const secrets = [path.join(opts.assignmentDir, 'tests', 'hidden'), path.join(GRADER_ROOT, 'reference'), path.dirname(opts.submissionDir)].filter((p) => existsSync(p));
    for (const secret of secrets) {
      const leak = readPaths.find((r) => inside(secret, r));
      if (leak) throw new Error(`refusing to grade: the submission's process would be allowed to read ${leak}, which contains ${secret}`);
    }
    const state: IsolatedState = { opts, bundle, scratch: made.scratch, workDir: made.workDir, readPaths, hidePaths: hidePaths(opts, readPaths), entryName: path.relative(opts.submissionDir, entry) };
    return new Isolated(key, opts, withReadableUid(caps, bundle.packageRoots), state, made.scratch, undefined);
  } catch (err) {
    if (err instanceof BundleError && err.inSubmission) {
      rmSync(made.scratch, { recursive: true, force: true });
      return new Isolated(key, opts, caps, undefined, undefined, new ProbeError('import-error', `the submission does not compile:\n${err.message}`, IMPORT));
    }
    rmSync(made.scratch, { recursive: true, force: true });
    throw err instanceof BundleError ? new Error(`could not compile the grading code for ${opts.submissionDir}:\n${err.message}`) : err;
  }
}

export type IsolatedHandle = SubmissionHandle & {
  /** Largest resident memory of the current child so far. */
  peakMemoryBytes(): number;
  /** The barriers in force on this machine. */
  sandbox(): SandboxCapabilities;
};

export async function openIsolated(given: IsolatedOptions): Promise<IsolatedHandle> {
  const opts: IsolatedOptions = { ...given, assignmentDir: path.resolve(given.assignmentDir), submissionDir: path.resolve(given.submissionDir) };
  const key = JSON.stringify([opts.assignmentDir, opts.submissionDir, opts.entry, opts.memoryMb, opts.backend ?? '', opts.readPaths ?? [], !!opts.keepScratch]);
  let iso = shared.get(key);
  if (!iso) {
    iso = await create(key, opts);
    // Another handle may have been created meanwhile (concurrent opens): keep the first.
    const first = shared.get(key);
    if (first) {
      await iso.dispose();
      iso = first;
    } else shared.set(key, iso);
  }
  if (!sharedExitHook) {
    sharedExitHook = true;
    process.once('exit', () => {
      for (const s of shared.values()) s.disposeNow();
    });
  }
  const it = iso;
  clearTimeout(it.idle);
  it.refs++;
  it.warmUp();
  let closed = false;
  return {
    dir: opts.submissionDir,
    engine: () => it.engine(),
    call<R>(name: string, args?: unknown, callOpts?: CallOptions): Promise<R> {
      if (closed) return Promise.reject(new Error(`probe "${name}": the submission handle is closed`));
      return it.call<R>(name, args, { ...callOpts, timeoutMs: callOpts?.timeoutMs ?? opts.timeoutMs });
    },
    abortRunning: () => it.abortRunning(),
    async close() {
      if (closed) return;
      closed = true;
      if (--it.refs > 0) return;
      if (IDLE_MS <= 0) {
        if (shared.get(it.key) === it) shared.delete(it.key);
        await it.dispose();
        return;
      }
      it.idle = setTimeout(() => {
        if (it.refs === 0 && shared.get(it.key) === it) {
          shared.delete(it.key);
          void it.dispose();
        }
      }, IDLE_MS);
      it.idle.unref();
    },
    peakMemoryBytes: () => it.peakBytes(),
    sandbox: () => it.caps,
  };
}

/** Stops every idle or open sandbox now (tests, and a class run between students). */
export async function closeAllIsolated(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map((s) => s.dispose()));
}
