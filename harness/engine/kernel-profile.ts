import * as tf from '@tensorflow/tfjs';

// Per-kernel wall time on the active backend, to find what a training step spends its time on. Every
// kernel registered for the backend is wrapped with a timer while `fn` runs (then the originals come
// back). Times are self times: a kernel that dispatches another through the engine does not count the
// inner one twice. Only meaningful on synchronous backends (wasm, cpu, tensorflow); that is all we have.

export interface KernelTime {
  kernel: string;
  calls: number;
  /** Self time, milliseconds. */
  ms: number;
  /** Input shapes of the slowest single call, for "which matmul is it". */
  slowestShapes: number[][];
  slowestMs: number;
}

export interface KernelProfile {
  backend: string;
  /** Wall time of fn, milliseconds. */
  totalMs: number;
  /** Sum of kernel self times; totalMs minus this is JS work outside kernels (tape, gradients, layers). */
  kernelMs: number;
  kernels: KernelTime[];
}

/** Runs fn once with every kernel of the current backend timed; returns the kernels, slowest first. */
export function profileKernels(fn: () => void): KernelProfile {
  const backendName = tf.getBackend();
  const configs = tf.getKernelsForBackend(backendName);
  const stats = new Map<string, KernelTime>();
  let stackChildMs = [0];
  for (const cfg of configs) {
    const inner = cfg.kernelFunc;
    const timed: tf.KernelFunc = (args) => {
      stackChildMs.push(0);
      const t0 = performance.now();
      const out = inner(args);
      const dt = performance.now() - t0;
      const child = stackChildMs.pop() ?? 0;
      stackChildMs[stackChildMs.length - 1] += dt;
      const self = dt - child;
      let s = stats.get(cfg.kernelName);
      if (!s) {
        s = { kernel: cfg.kernelName, calls: 0, ms: 0, slowestShapes: [], slowestMs: 0 };
        stats.set(cfg.kernelName, s);
      }
      s.calls++;
      s.ms += self;
      if (self > s.slowestMs) {
        s.slowestMs = self;
        s.slowestShapes = Object.values(args.inputs)
          .filter((t): t is tf.TensorInfo => t != null && Array.isArray((t as tf.TensorInfo).shape))
          .map((t) => [...t.shape]);
      }
      return out;
    };
    tf.unregisterKernel(cfg.kernelName, backendName);
    tf.registerKernel({ ...cfg, setupFunc: undefined, kernelFunc: timed });
  }
  const t0 = performance.now();
  try {
    fn();
  } finally {
    for (const cfg of configs) {
      tf.unregisterKernel(cfg.kernelName, backendName);
      tf.registerKernel({ ...cfg, setupFunc: undefined });
    }
    stackChildMs = [0];
  }
  const totalMs = performance.now() - t0;
  const kernels = [...stats.values()].sort((a, b) => b.ms - a.ms);
  return { backend: backendName, totalMs, kernelMs: kernels.reduce((s, k) => s + k.ms, 0), kernels };
}

/** A fixed-width table of the top kernels, for a terminal. */
export function formatProfile(p: KernelProfile, top = 15): string {
  const lines = [
    `${p.backend}: ${p.totalMs.toFixed(1)} ms wall, ${p.kernelMs.toFixed(1)} ms in kernels, ${(p.totalMs - p.kernelMs).toFixed(1)} ms outside`,
    `${'kernel'.padEnd(28)} ${'calls'.padStart(6)} ${'ms'.padStart(9)} ${'%'.padStart(5)}  slowest call`,
  ];
  for (const k of p.kernels.slice(0, top)) {
    const shapes = k.slowestShapes.map((s) => `[${s.join(',')}]`).join(' ');
    lines.push(
      `${k.kernel.padEnd(28)} ${String(k.calls).padStart(6)} ${k.ms.toFixed(1).padStart(9)} ${((100 * k.ms) / p.totalMs).toFixed(1).padStart(5)}  ${k.slowestMs.toFixed(2)} ms ${shapes}`,
    );
  }
  return lines.join('\n');
}
