import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import workerThreads from 'node:worker_threads';
import { setPoolThreads } from './wasm-simd/simd-pool.ts';

// tfjs-backend-wasm ships a threaded SIMD build (XNNPACK on a pthreadpool of Emscripten workers), but its
// WASM_HAS_MULTITHREAD_SUPPORT flag answers false under Node (upstream issue 3830: its loader hands the
// workers Blob URLs, which Node's worker_threads cannot start). Emscripten's glue itself supports Node
// workers, so we load the threaded build the way it expects there: the worker script as a real file, the
// main script as a path, and register the result as the 'wasm' backend (same kernels, same BackendWasm).
//
// Emscripten's pthread workers must have started before the first kernel that could use them (the main
// thread blocks in it and could not serve a worker still loading), so we wait for every worker to report in.
// XNNPACK's own pool is kept at one thread (below), so the C side's cap on it (hardware_concurrency / 2)
// does not matter; the heavy kernels run on our pool (wasm-simd/simd-pool.ts).

export interface ThreadedWasmInfo {
  threads: number;
  /** Why the threaded build is not used (then tfjs's own single-threaded loader is). */
  fallbackReason?: string;
}

interface EmscriptenWorker {
  loaded?: boolean;
  unref?: () => void;
}

interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  PThread: { unusedWorkers: EmscriptenWorker[]; runningWorkers: EmscriptenWorker[] };
  tfjs?: unknown;
  then?: unknown;
}

type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

const require = createRequire(import.meta.url);

/**
 * Threads to use: DLGRADE_WASM_THREADS if set (at most 8, the pool Emscripten pre-spawns), else 1. They go to
 * the native BLAS when one runs the products (native/native-blas.ts), else to the threaded wasm build.
 * More threads pay on an idle machine with large products; on a busy one (other tests, several graders side
 * by side) XNNPACK's threads wait on each other and steps get slower than with one (measured: FC epoch
 * 1.6 s with 1 thread, 1.9 s with 2 at load 4 on 2 cores; ResNet-18 step 0.58 s vs 0.97 s), so it is opt-in.
 */
export function wantedThreads(): number {
  const env = process.env.DLGRADE_WASM_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new Error(`DLGRADE_WASM_THREADS must be a positive integer, got "${env}"`);
    return Math.min(n, 8);
  }
  return 1;
}

function wasmOutDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

/** The pthread worker script, written once per tfjs version (the package ships it only as a JS string). */
function workerScript(dir: string): string {
  const { wasmWorkerContents } = require(path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The string holds the script with "\n" escapes already turned into newlines; put them back (tfjs does the same for its Blob).
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  const file = path.join(os.tmpdir(), `dlgrade-tfjs-wasm-${tf.version.tfjs}-worker-${process.getuid?.() ?? 'u'}.cjs`);
  let current = '';
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    // not written yet
  }
  if (current !== text) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file); // atomic, so concurrent processes never start a half-written worker
  }
  return file;
}

async function loadThreadedModule(): Promise<ThreadedModule> {
  const dir = wasmOutDir();
  const factory = require(path.join(dir, 'tfjs-backend-wasm-threaded-simd.js')) as Factory;
  const worker = workerScript(dir);
  // Emscripten spawns its workers with `new Worker(file)`, which inherits this process's execArgv: under tsx
  // or vitest every worker would load their loaders too (seconds and ~15 MB each). The worker script is plain
  // CommonJS and needs none of it.
  const RealWorker = workerThreads.Worker;
  class PlainWorker extends RealWorker {
    constructor(file: string | URL, options: workerThreads.WorkerOptions = {}) {
      super(file, { ...options, execArgv: [] });
    }
  }
  (workerThreads as { Worker: typeof RealWorker }).Worker = PlainWorker;
  let mod: ThreadedModule;
  try {
    mod = await new Promise<ThreadedModule>((resolve, reject) => {
      factory({
        locateFile: (p: string) => (p.endsWith('.worker.js') ? worker : path.join(dir, p)),
        mainScriptUrlOrBlob: path.join(dir, 'tfjs-backend-wasm-threaded-simd.js'),
        onAbort: (what: unknown) => reject(new Error(`threaded wasm module aborted: ${String(what)}`)),
      }).then((m) => {
        // Emscripten's module is a thenable; resolving a promise with it would recurse.
        delete m.then;
        resolve(m);
      }, reject);
    });
  } finally {
    (workerThreads as { Worker: typeof RealWorker }).Worker = RealWorker;
  }
  const deadline = Date.now() + 30_000;
  while (!mod.PThread.unusedWorkers.every((w) => w.loaded)) {
    if (Date.now() > deadline) throw new Error('threaded wasm: pthread workers did not load within 30 s');
    await new Promise((r) => setTimeout(r, 2));
  }
  mod.tfjs = {
    init: mod.cwrap('init', null, []),
    initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
    registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: mod.cwrap('dispose_data', null, ['number']),
    dispose: mod.cwrap('dispose', null, []),
  };
  return mod;
}

let registered: ThreadedWasmInfo | undefined;

/**
 * Makes 'wasm' the threaded SIMD build with `threads` threads (default: wantedThreads()). Call before the
 * wasm backend is first initialised. With 1 thread, or where threads cannot work, tfjs's own loader stays.
 */
export function useThreadedWasm(threads = wantedThreads()): ThreadedWasmInfo {
  if (registered) return registered;
  if (threads <= 1) return (registered = { threads: 1, fallbackReason: 'one thread requested' });
  if (typeof SharedArrayBuffer === 'undefined') return (registered = { threads: 1, fallbackReason: 'no SharedArrayBuffer' });
  const priority = 2; // tfjs-backend-wasm's own
  const original = tf.findBackendFactory('wasm');
  const info: ThreadedWasmInfo = { threads };
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        const mod = await loadThreadedModule();
        // XNNPACK's own pthreadpool stays at one thread: the heavy kernels are ours and run on our pool
        // (setPoolThreads), and XNNPACK waking a third thread on 2 cores for every small elementwise op cost
        // more than it saved (bench, 2 rounds each, XNNPACK on 1 vs 2 threads: ConvNet 615-635 vs 680-723
        // ms, FC 892-917 vs 941-962 ms, ResNet-18 119-140 vs 131-185 ms).
        setThreadsCount(1);
        setPoolThreads(threads);
        const backend = new BackendWasm(mod as unknown as ConstructorParameters<typeof BackendWasm>[0]);
        // The pool's threads live as long as the backend; Emscripten ref()s their workers when they start,
        // which would keep every process alive after its work is done.
        for (const w of [...mod.PThread.runningWorkers, ...mod.PThread.unusedWorkers]) w.unref?.();
        return backend;
      } catch (err) {
        if (!original) throw err;
        // Same kernels, one thread: slower, never wrong.
        info.threads = 1;
        info.fallbackReason = (err as Error).message;
        return original();
      }
    },
    priority,
  );
  registered = info;
  return info;
}
