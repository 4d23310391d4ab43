import seedrandom from 'seedrandom';

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
}

export function makeRng(seed: number | string): Rng {
  const prng = seedrandom.alea(String(seed));
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
  };
}

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
