// One worker of simd-pool.ts. Plain JS on purpose: the pool starts it with `execArgv: []`, so it loads no
// TypeScript loader (under tsx / vitest that would cost seconds per worker). It instantiates the kernels
// module on the shared wasm memory, then serves jobs posted in its slot of the control block, forever.
// The layout constants below must match simd-pool.ts.
import { workerData } from 'node:worker_threads';

const JOB = 0; // sequence number of the latest job, written by the caller
const DONE = 1; // sequence number of the latest finished job, written here
const FN = 2; // index of the export, in WebAssembly.Module.exports order (functions only)
const NARGS = 3;
const ERR = 4; // 1 when the job threw
const ERR_LEN = 5; // bytes of the message in the message area
const SHUTDOWN = -1; // FN value that ends this worker
const QUEUE = -2; // FN value: take jobs from the shared queue (generation in args[0]); see simd-pool.ts
const Q_NEXT = 0;
const Q_COUNT = 1;
const Q_FN = 2;
const Q_FINISHED = 3;

const { module, memory, control, slot, slotInts, argsOffset, maxArgs, messageOffset, messageBytes, spinMicros, queueOffset, queueArgsOffset } = workerData;
const queue = new Int32Array(control, queueOffset, 16);
const ctl = new Int32Array(control, slot * slotInts * 4, slotInts);
const args = new Float64Array(control, argsOffset + slot * maxArgs * 8, maxArgs);
const message = new Uint8Array(control, messageOffset + slot * messageBytes, messageBytes);

let fns = [];
let startError;
try {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  fns = WebAssembly.Module.exports(module)
    .filter((e) => e.kind === 'function')
    .map((e) => instance.exports[e.name]);
} catch (err) {
  // Answered to every job, so the caller throws with the reason instead of timing out.
  startError = `worker could not instantiate the module: ${err instanceof Error ? err.message : String(err)}`;
}

const encoder = new TextEncoder();
function publishError(text) {
  const bytes = encoder.encode(text).subarray(0, messageBytes);
  message.set(bytes);
  Atomics.store(ctl, ERR_LEN, bytes.length);
  Atomics.store(ctl, ERR, 1);
}

// Adaptive spinning (as adaptive mutexes do): on a machine whose other core is busy, the caller and this
// worker often share one core, and then spinning only delays the thread being waited for. So the spin budget
// doubles when a job arrives during a spin, halves (then drops to 0) when none does, and from 0 a full
// spin is tried again every PROBE_EVERY idle waits (a wasted spin then costs at most spinMicros / 32 a job).
const PROBE_EVERY = 32;
let spinBudget = spinMicros;
let idleWaits = 0;

const argv = [];

// Takes jobs of queue generation gen until none is left (the caller takes them too).
function drainQueue(gen) {
  for (;;) {
    const cur = Atomics.load(queue, Q_NEXT);
    const idx = cur & 0xffff;
    if (cur >>> 16 !== gen) return;
    const count = Atomics.load(queue, Q_COUNT);
    if (idx >= count) return;
    if (Atomics.compareExchange(queue, Q_NEXT, cur, cur + 1) !== cur) continue;
    const a = new Float64Array(control, queueArgsOffset + idx * maxArgs * 8, maxArgs);
    try {
      if (startError !== undefined) throw new Error(startError);
      const f = fns[Atomics.load(queue, Q_FN)];
      f.apply(undefined, Array.from(a));
    } catch (err) {
      publishError(`job ${idx}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    Atomics.add(queue, Q_FINISHED, 1);
    Atomics.notify(queue, Q_FINISHED);
  }
}
let seen = 0; // the pool starts at 0; a job may already be posted before this thread runs
for (;;) {
  let seq = Atomics.load(ctl, JOB);
  if (seq === seen) {
    let spin = spinBudget;
    if (spin === 0 && ++idleWaits % PROBE_EVERY === 0) spin = spinMicros;
    let gotIt = false;
    if (spin > 0) {
      const until = performance.now() + spin / 1000;
      for (let i = 1; ; i++) {
        seq = Atomics.load(ctl, JOB);
        if (seq !== seen) {
          gotIt = true;
          break;
        }
        if ((i & 255) === 0 && performance.now() > until) break;
      }
      spinBudget = gotIt ? Math.min(spinMicros, spin * 2) : spin / 2 < spinMicros / 16 ? 0 : spin / 2;
    }
    while (!gotIt) {
      Atomics.wait(ctl, JOB, seen);
      seq = Atomics.load(ctl, JOB);
      gotIt = seq !== seen;
    }
  }
  seen = seq;
  const fn = Atomics.load(ctl, FN);
  if (fn === SHUTDOWN) break;
  if (fn === QUEUE) {
    drainQueue(args[0]);
    Atomics.store(ctl, DONE, seq);
    continue;
  }
  const n = Atomics.load(ctl, NARGS);
  argv.length = n;
  for (let i = 0; i < n; i++) argv[i] = args[i];
  Atomics.store(ctl, ERR, 0);
  try {
    if (startError !== undefined) throw new Error(startError);
    const f = fns[fn];
    if (typeof f !== 'function') throw new Error(`no exported function at index ${fn}`);
    f.apply(undefined, argv);
  } catch (err) {
    publishError(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
  Atomics.store(ctl, DONE, seq);
  Atomics.notify(ctl, DONE);
}
