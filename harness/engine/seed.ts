import seedrandom from 'seedrandom';
import { fillUniform } from './wasm-simd/host-kernels.ts';

// The one source of randomness for shuffling, splits, augmentation and initialisers. Every consumer
// takes a seed (or an Rng built from one) so that a run is reproducible bit for bit.
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** A fresh 32-bit seed drawn from this stream, for seeding tfjs ops (initialisers, dropout). */
  seed(): number;
  /**
   * out[i] = lo + span * next() for i in order: the same values and the same stream afterwards as the loop,
   * in one wasm call (initialisers fill millions of weights: a ResNet-18 has 11M).
   */
  fill(out: Float32Array, lo: number, span: number): void;
}

type AleaState = { s0: number; s1: number; s2: number; c: number };
type Alea = seedrandom.PRNG & { state(): AleaState };

export function makeRng(seed: number | string): Rng {
  // With its state exposed, so fill() can hand the stream to the wasm loop and continue from where it ends.
  let prng = seedrandom.alea(String(seed), { state: true }) as Alea;
  let spare: number | undefined;
  return {
    next: () => prng(),
    int: (n) => Math.floor(prng() * n),
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = prng();
      const v = prng();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    seed: () => prng.int32() >>> 0,
    fill(out, lo, span) {
      const st = prng.state();
      const after = out.length >= FILL_IN_WASM ? fillUniform(out, lo, span, [st.s0, st.s1, st.s2, st.c]) : undefined;
      if (!after) {
        for (let i = 0; i < out.length; i++) out[i] = lo + span * prng();
        return;
      }
      prng = seedrandom.alea('', { state: { s0: after[0], s1: after[1], s2: after[2], c: after[3] } }) as Alea;
    },
  };
}

/** Below this many values the JS loop is as fast as a wasm call and the state hand-over. */
const FILL_IN_WASM = 256;

/** Fisher-Yates shuffle of 0..n-1 with the given stream. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
