import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Worker } from 'node:worker_threads';
import { kernelModule, simdKernels } from './simd.ts';

// A tiny synchronous thread pool for dlgrade's SIMD kernels on a SHARED wasm memory (tfjs's threaded build):
// run() splits one kernel call into per-thread calls, does args[0] itself and hands the rest to workers that
// run the same module on the same memory, then blocks until all are done. It is called from inside tfjs
// kernels, which must not return to the event loop, hence Atomics.wait / notify on a control block instead
// of messages. Workers and the caller spin briefly before sleeping: jobs are short (0.2-5 ms) and come in
// bursts, and a wake-up from Atomics.wait costs more than a short spin.
//
// Every JS view here is over the control SharedArrayBuffer, never over the wasm memory, so memory.grow needs
// no care: the wasm instances see the new size by themselves.

export interface SimdPool {
  /** Threads including the caller. */
  readonly threads: number;
  /**
   * Runs exports[name](...args[t]) for t = 0 .. args.length-1: args[0] on the calling thread, the others on
   * the pool's workers, all at once; returns when every one is done. args.length <= threads. Arguments are
   * numbers (i32 offsets/sizes and f32 scalars). Throws an Error naming the export when a worker's call traps
   * (the pool stays usable afterwards) or when a worker does not answer within the timeout (the pool is then
   * closed: a late worker would still be writing into tensors).
   */
  run(name: string, args: number[][]): void;
  /**
   * Runs exports[name](...jobs[j]) for every j (any number up to MAX_QUEUE), the caller and the workers each
   * taking the next job until none is left: a worker that is asleep or descheduled (another process on its
   * core) simply takes fewer, and the caller never waits for one that has not started. Jobs must write
   * disjoint memory. Errors as for run().
   */
  runQueue(name: string, jobs: number[][]): void;
  /** Ends the workers; run() throws afterwards. */
  close(): void;
  /** True once closed (by close() or after a timeout). */
  readonly closed: boolean;
}

export interface SimdPoolOptions {
  /** Total time run() waits for a worker before throwing (default 60 s). */
  timeoutMs?: number;
  /**
   * Longest an idle worker, and the caller waiting for one, poll before sleeping (default 100 µs). Each side
   * adapts below it: halves after a spin that found nothing, doubles after one that did (see the worker).
   */
  spinMicros?: number;
}

// Control block layout, shared with simd-pool-worker.mjs: one slot of SLOT_INTS i32 per worker, then the
// arguments (MAX_ARGS f64 per worker: a Float64Array carries i32 offsets and f32 scalars exactly), then the
// error messages (MESSAGE_BYTES per worker).
const JOB = 0;
const DONE = 1;
const FN = 2;
const NARGS = 3;
const ERR = 4;
const ERR_LEN = 5;
const SHUTDOWN = -1;
const SLOT_INTS = 16; // 64 bytes: each worker's words on their own cache line
const MAX_ARGS = 32;
const MESSAGE_BYTES = 1024;
const WAIT_SLICE_MS = 50;
const QUEUE = -2; // FN value: take jobs from the shared queue
// Queue header (its own cache line after the messages): NEXT = generation << 16 | next job index, so a worker
// woken late for an earlier queue can never take a job of the current one.
const Q_NEXT = 0;
const Q_COUNT = 1;
const Q_FN = 2;
const Q_FINISHED = 3;
export const MAX_QUEUE = 256;
const PROBE_EVERY = 32; // from a spin budget of 0, try a full spin again once every this many waits

const workerUrl = new URL('./simd-pool-worker.mjs', import.meta.url);

/** The shared-memory kernel module (the one simd.ts instantiates on a shared memory). */
export function sharedKernelsModule(): WebAssembly.Module {
  return kernelModule(true);
}

type Export = (...args: number[]) => unknown;

/** Low level, testable without tfjs: a pool of `threads - 1` workers running `module` on `memory` (shared). */
export function createSimdPool(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module,
  threads: number,
  options: SimdPoolOptions = {},
): SimdPool {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`simd pool: threads must be a positive integer, got ${threads}`);
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) {
    throw new Error('simd pool: the wasm memory is not shared (a SharedArrayBuffer); workers cannot run on it');
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const spinMicros = options.spinMicros ?? 100;
  // The caller's own instance; also validates module against memory here, with the engine's message.
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  const index = new Map(names.map((n, i) => [n, i]));
  const local = instance.exports as Record<string, Export>;

  const workers = threads - 1;
  const argsOffset = workers * SLOT_INTS * 4;
  const messageOffset = argsOffset + workers * MAX_ARGS * 8;
  const queueOffset = Math.ceil((messageOffset + workers * MESSAGE_BYTES) / 64) * 64;
  const queueArgsOffset = queueOffset + 64;
  const control = new SharedArrayBuffer(queueArgsOffset + MAX_QUEUE * MAX_ARGS * 8);
  const queue = new Int32Array(control, queueOffset, 16);
  const queueArgs = new Float64Array(control, queueArgsOffset, MAX_QUEUE * MAX_ARGS);
  const slots = Array.from({ length: workers }, (_, w) => ({
    ctl: new Int32Array(control, w * SLOT_INTS * 4, SLOT_INTS),
    args: new Float64Array(control, argsOffset + w * MAX_ARGS * 8, MAX_ARGS),
    message: new Uint8Array(control, messageOffset + w * MESSAGE_BYTES, MESSAGE_BYTES),
  }));
  const exited: (string | undefined)[] = new Array(workers).fill(undefined);
  const handles = slots.map((_, w) => {
    const worker = new Worker(workerUrl, {
      workerData: {
        module, memory, control, slot: w, slotInts: SLOT_INTS, argsOffset, maxArgs: MAX_ARGS,
        messageOffset, messageBytes: MESSAGE_BYTES, spinMicros, queueOffset, queueArgsOffset,
      },
      // Under tsx / vitest a worker would otherwise load their loaders (seconds each); the script is plain JS.
      execArgv: [],
    });
    // Seen only between runs (the caller blocks during one); a run first checks it, then relies on the timeout.
    worker.on('error', (err) => (exited[w] = `failed: ${err.message}`));
    worker.on('exit', (code) => (exited[w] ??= `exited with code ${code}`));
    // The pool must not keep a finished process alive; Node ends the workers with the process.
    worker.unref();
    return worker;
  });

  let seq = 0;
  let closed = false;
  let closedWhy = '';

  function close(why = 'closed'): void {
    if (closed) return;
    closed = true;
    closedWhy = why;
    for (let w = 0; w < workers; w++) {
      if (exited[w] !== undefined) continue;
      // Ask politely (a sleeping worker exits at once), and terminate in case it is stuck in a call.
      Atomics.store(slots[w].ctl, FN, SHUTDOWN);
      Atomics.add(slots[w].ctl, JOB, 1);
      Atomics.notify(slots[w].ctl, JOB);
      void handles[w].terminate();
    }
  }

  // The caller's spin budget, adapted like the workers' (see simd-pool-worker.mjs): when the other core is
  // busy, the awaited worker often shares the caller's core, and spinning would only delay it.
  let spinBudget = spinMicros;
  let idleWaits = 0;

  function waitDone(w: number, want: number, deadline: number, name: string): void {
    const ctl = slots[w].ctl;
    if (Atomics.load(ctl, DONE) === want) return;
    let spin = spinBudget;
    if (spin === 0 && ++idleWaits % PROBE_EVERY === 0) spin = spinMicros;
    if (spin > 0) {
      const until = performance.now() + spin / 1000;
      let gotIt = false;
      for (let i = 1; ; i++) {
        if (Atomics.load(ctl, DONE) === want) {
          gotIt = true;
          break;
        }
        if ((i & 255) === 0 && performance.now() > until) break;
      }
      spinBudget = gotIt ? Math.min(spinMicros, spin * 2) : spin / 2 < spinMicros / 16 ? 0 : spin / 2;
      if (gotIt) return;
    }
    // Bounded sleeps: a worker that died cannot notify, and its 'exit' event cannot run while we block.
    for (let seen = Atomics.load(ctl, DONE); seen !== want; seen = Atomics.load(ctl, DONE)) {
      const now = performance.now();
      if (now > deadline) {
        close(`worker ${w + 1} did not answer "${name}" within ${timeoutMs} ms`);
        throw new Error(`simd pool: "${name}" on worker ${w + 1} did not finish within ${timeoutMs} ms (worker stuck or dead); pool closed`);
      }
      Atomics.wait(ctl, DONE, seen, Math.min(WAIT_SLICE_MS, Math.max(1, deadline - now)));
    }
  }

  function run(name: string, args: number[][]): void {
    if (closed) throw new Error(`simd pool: cannot run "${name}": pool ${closedWhy}`);
    const fn = index.get(name);
    if (fn === undefined) throw new Error(`simd pool: the module has no exported function "${name}"`);
    if (args.length < 1 || args.length > threads) {
      throw new Error(`simd pool: "${name}" got ${args.length} argument lists for a pool of ${threads} thread(s) (1..${threads})`);
    }
    for (let t = 1; t < args.length; t++) {
      if (exited[t - 1] !== undefined) throw new Error(`simd pool: cannot run "${name}": worker ${t} ${exited[t - 1]}`);
      if (args[t].length > MAX_ARGS) throw new Error(`simd pool: "${name}" has ${args[t].length} arguments, at most ${MAX_ARGS}`);
    }
    seq = (seq + 1) | 0;
    for (let t = 1; t < args.length; t++) {
      const { ctl, args: slotArgs } = slots[t - 1];
      slotArgs.set(args[t]);
      Atomics.store(ctl, FN, fn);
      Atomics.store(ctl, NARGS, args[t].length);
      Atomics.store(ctl, JOB, seq); // publishes the writes above (seq-cst)
      Atomics.notify(ctl, JOB);
    }
    let localError: unknown;
    try {
      local[name](...args[0]);
    } catch (err) {
      localError = err; // rethrown once the workers are done: they may still be writing the same tensors
    }
    const deadline = performance.now() + timeoutMs;
    const failures: string[] = [];
    for (let t = 1; t < args.length; t++) {
      waitDone(t - 1, seq, deadline, name);
      const { ctl, message } = slots[t - 1];
      if (Atomics.load(ctl, ERR) === 1) {
        const text = new TextDecoder().decode(message.slice(0, Atomics.load(ctl, ERR_LEN)));
        failures.push(`worker ${t}: ${text}`);
      }
    }
    if (localError !== undefined) {
      const text = localError instanceof Error ? `${localError.name}: ${localError.message}` : String(localError);
      failures.unshift(`calling thread: ${text}`);
    }
    if (failures.length) throw new Error(`simd pool: "${name}" failed on ${failures.join('; ')}`, { cause: localError });
  }

  let generation = 0;

  /** Takes queue jobs of generation gen until none is left; a job that throws adds its text to errors. */
  function drainQueue(gen: number, count: number, f: Export, errors: string[]): void {
    for (;;) {
      const cur = Atomics.load(queue, Q_NEXT);
      const idx = cur & 0xffff;
      if (cur >>> 16 !== gen || idx >= count) return;
      if (Atomics.compareExchange(queue, Q_NEXT, cur, cur + 1) !== cur) continue;
      try {
        f(...Array.from(queueArgs.subarray(idx * MAX_ARGS, idx * MAX_ARGS + MAX_ARGS)));
      } catch (err) {
        errors.push(`calling thread, job ${idx}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
      Atomics.add(queue, Q_FINISHED, 1);
    }
  }

  function runQueue(name: string, jobs: number[][]): void {
    if (closed) throw new Error(`simd pool: cannot run "${name}": pool ${closedWhy}`);
    const fn = index.get(name);
    if (fn === undefined) throw new Error(`simd pool: the module has no exported function "${name}"`);
    if (jobs.length > MAX_QUEUE) throw new Error(`simd pool: "${name}" got ${jobs.length} jobs, at most ${MAX_QUEUE}`);
    if (jobs.length === 0) return;
    const f = local[name];
    const errors: string[] = [];
    if (jobs.length === 1 || workers === 0) {
      for (const j of jobs) f(...j);
      return;
    }
    for (const j of jobs) if (j.length > MAX_ARGS) throw new Error(`simd pool: "${name}" has ${j.length} arguments, at most ${MAX_ARGS}`);
    generation = (generation + 1) & 0x7fff;
    const gen = generation;
    jobs.forEach((j, i) => {
      queueArgs.fill(0, i * MAX_ARGS, (i + 1) * MAX_ARGS);
      queueArgs.set(j, i * MAX_ARGS);
    });
    Atomics.store(queue, Q_COUNT, jobs.length);
    Atomics.store(queue, Q_FN, fn);
    Atomics.store(queue, Q_FINISHED, 0);
    for (const { ctl } of slots) Atomics.store(ctl, ERR, 0);
    Atomics.store(queue, Q_NEXT, gen << 16); // publishes everything above
    seq = (seq + 1) | 0;
    for (let w = 0; w < workers; w++) {
      if (exited[w] !== undefined) continue;
      const { ctl, args: slotArgs } = slots[w];
      slotArgs[0] = gen;
      Atomics.store(ctl, FN, QUEUE);
      Atomics.store(ctl, JOB, seq);
      Atomics.notify(ctl, JOB);
    }
    drainQueue(gen, jobs.length, f, errors);
    // Every job is taken; wait for those still running on workers (never for a worker that took none).
    const deadline = performance.now() + timeoutMs;
    for (let done = Atomics.load(queue, Q_FINISHED); done < jobs.length; done = Atomics.load(queue, Q_FINISHED)) {
      const now = performance.now();
      if (now > deadline) {
        close(`a worker did not finish a job of "${name}" within ${timeoutMs} ms`);
        throw new Error(`simd pool: "${name}" did not finish within ${timeoutMs} ms (worker stuck or dead); pool closed`);
      }
      // Short jobs end within microseconds: poll first, then sleep in slices (workers notify Q_FINISHED).
      if (now - (deadline - timeoutMs) < 0.2) continue;
      Atomics.wait(queue, Q_FINISHED, done, 1);
    }
    for (let w = 0; w < workers; w++) {
      const { ctl, message } = slots[w];
      if (Atomics.load(ctl, ERR) === 1) errors.push(`worker ${w + 1}: ${new TextDecoder().decode(message.slice(0, Atomics.load(ctl, ERR_LEN)))}`);
    }
    if (errors.length) throw new Error(`simd pool: "${name}" failed on ${errors.join('; ')}`);
  }

  return {
    threads,
    run,
    runQueue,
    close: () => close(),
    get closed() {
      return closed;
    },
  };
}

interface ModuleMemory {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

let configuredThreads = 1;
/** Threads our kernels use (set by wasm-threads.ts when it loads the threaded build). */
export function setPoolThreads(n: number): void {
  configuredThreads = Math.max(1, Math.floor(n));
}
export function poolThreads(): number {
  return configuredThreads;
}

const pools = new WeakMap<object, Map<number, SimdPool>>();
// A backend module that is collected takes its pools' workers with it (they hold the memory alive otherwise).
const reaper = new FinalizationRegistry<Map<number, SimdPool>>((byThreads) => {
  for (const p of byThreads.values()) p.close();
});

/**
 * The pool for this backend's memory (one per backend and thread count, created on first use), or undefined
 * when its memory is not shared, threads < 2, or SIMD kernels are unavailable.
 */
export function simdPool(backend: BackendWasm, threads: number): SimdPool | undefined {
  if (threads < 2) return undefined;
  if (!simdKernels(backend)) return undefined; // DLGRADE_WASM_SIMD=0, no SIMD, or no memory found
  const mod = backend.wasm as unknown as ModuleMemory;
  const memory = mod.wasmMemory ?? mod.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return undefined;
  let byThreads = pools.get(mod);
  if (!byThreads) {
    byThreads = new Map();
    pools.set(mod, byThreads);
    reaper.register(mod, byThreads);
  }
  let pool = byThreads.get(threads);
  if (!pool || pool.closed) {
    pool = createSimdPool(memory, sharedKernelsModule(), threads);
    byThreads.set(threads, pool);
  }
  return pool;
}
