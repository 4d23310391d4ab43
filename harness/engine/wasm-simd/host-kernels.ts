import { kernelModule, type SimdKernels } from './simd.ts';

// Our kernels on a small memory of their own, for work on plain arrays outside any tfjs backend (the
// initialisers' fills in initLikeTorch run on every backend, and in the sandbox before one exists).
// Undefined where WebAssembly or SIMD is missing: callers keep their JS loops.

interface Host {
  exports: SimdKernels;
  memory: WebAssembly.Memory;
}

let host: Host | null | undefined;

function instance(): Host | undefined {
  if (host === undefined) {
    try {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const exports = new WebAssembly.Instance(kernelModule(false), { env: { memory } }).exports as unknown as SimdKernels;
      host = { exports, memory };
    } catch {
      host = null;
    }
  }
  return host ?? undefined;
}

/** Bytes before the output: the alea state (four doubles). */
const OUT = 64;

/**
 * out[i] = lo + span * u_i for alea's next out.length draws from `state` (s0, s1, s2, c, as seedrandom's
 * alea holds it); returns the state after them, or undefined when the kernels cannot run here.
 */
export function fillUniform(out: Float32Array, lo: number, span: number, state: readonly [number, number, number, number]): [number, number, number, number] | undefined {
  const h = instance();
  if (!h) return undefined;
  const need = OUT + out.length * 4;
  if (h.memory.buffer.byteLength < need) h.memory.grow(Math.ceil((need - h.memory.buffer.byteLength) / 65536));
  const st = new Float64Array(h.memory.buffer, 0, 4);
  st.set(state);
  h.exports.random_fill_f32(OUT, out.length, 0, lo, span, 0);
  out.set(new Float32Array(h.memory.buffer, OUT, out.length));
  const after = new Float64Array(h.memory.buffer, 0, 4);
  return [after[0]!, after[1]!, after[2]!, after[3]!];
}
