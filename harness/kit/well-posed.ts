// A check that compares what a submission computed with the grader's own replay, within a tolerance for
// float rounding, is fair only where rounding cannot decide the result. At a ReLU or max-pool kink, an argmax
// tie, or a gradient that cancels to rounding under Adam's normalisation, the last bits of two engines send
// the runs apart by far more than any fair tolerance (measured: lab4-alexnet's trainModel 187x its weight
// tolerance on 2 run seeds in 1,000; ee449-hw1's 4.recorder past its tolerance on 8 in 515). The sandbox
// multiplies on the wasm GEMM, the grader on a native BLAS when it has one: that alone is such a difference.
// So, as csci5501-a2's trainer replay does with two AdamW formulas, the grader replays a drawn set-up more
// than once, rounding differently each time (its products on the wasm GEMM; its inputs moved by a few float32
// roundings either way), and keeps the set-up only when every replay lands within WELL_POSED of the
// tolerance of the first; otherwise it draws the next one. A wrong algorithm is as far off as ever.
import { blasPaths, nativeBlas } from '../engine/native/native-blas.ts';
import { makeRng } from '../engine/seed.ts';

/** How far each input moves: a few float32 roundings (one is 6e-8 to 1.2e-7 of a value). */
export const NUDGE = 3e-7;
/** Replays that agree within this fraction of each tolerance: rounding stays far below what a check allows. */
export const WELL_POSED = 0.1;
/** Set-ups drawn before the last is used anyway (the check still runs). */
export const WELL_POSED_TRIES = 16;

/** Which way a replay's inputs move: not at all, or by NUDGE with fixed signs (1) or their opposite (-1). */
export type Side = 0 | 1 | -1;

/** `values` moved by NUDGE of themselves, each with a sign from a fixed stream (flipped for side -1). */
export function nudged(values: Float32Array, side: Side): Float32Array {
  if (side === 0) return values;
  const rng = makeRng('dlgrade:nudge');
  return values.map((v) => v * (1 + side * NUDGE * (rng.next() < 0.5 ? -1 : 1)));
}

/**
 * `f` with the engine's matrix products on the wasm GEMM, as a sandboxed submission runs them (the same
 * as `f` where the grader has no native BLAS).
 */
export function onWasmProducts<T>(f: () => T): T {
  const was = blasPaths.native;
  blasPaths.native = false;
  try {
    return f();
  } finally {
    blasPaths.native = was;
  }
}

/** The k-th seed after `seed` (steps of a prime), below `limit`: where the next set-up is drawn from. */
export const steppedSeed = (seed: number, k: number, limit = 2 ** 31 - 1) => (seed + k * 7919) % limit;

/** The largest |a - b| in units of tol(b) (Infinity when the lengths differ or a value is not a number). */
export function spreadOf(a: ArrayLike<number>, b: ArrayLike<number>, tol: (want: number) => number): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / tol(b[i]!);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

export interface WellPosed<S, R> {
  setup: S;
  /** The replay of `setup` as drawn: what the check compares with. */
  want: R;
  tries: number;
  /** How far the other replays landed from it, in tolerances. */
  spread: number;
}

export interface WellPosedOptions<S, R> {
  /** Replays by other correct implementations the check accepts too (csci5501-a2's two AdamW formulas). */
  alternatives?: ((setup: S) => R)[];
  tries?: number;
}

/**
 * The first of draw(0), draw(1), ... whose replays agree within WELL_POSED (`spread` measures two replays in
 * units of the check's tolerances): as drawn, on the wasm GEMM (when the grader has a native BLAS), with the
 * inputs nudged either way (`replay` applies `side` to them), and by the alternatives. After `tries` draws
 * the last is used.
 */
export function firstWellPosed<S, R>(draw: (k: number) => S, replay: (setup: S, side: Side) => R, spread: (a: R, b: R) => number, opts: WellPosedOptions<S, R> = {}): WellPosed<S, R> {
  const tries = opts.tries ?? WELL_POSED_TRIES;
  const others: ((setup: S) => R)[] = [(s) => replay(s, 1), (s) => replay(s, -1), ...(opts.alternatives ?? [])];
  if (nativeBlas()) others.unshift((s) => onWasmProducts(() => replay(s, 0)));
  for (let k = 0; ; k++) {
    const setup = draw(k);
    const want = replay(setup, 0);
    let worst = 0;
    for (const other of others) {
      worst = Math.max(worst, spread(other(setup), want));
      if (worst > WELL_POSED) break;
    }
    if (worst <= WELL_POSED || k === tries - 1) return { setup, want, tries: k + 1, spread: worst };
  }
}
