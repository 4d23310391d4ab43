// The per-run seed: inputs of checks that take the sandbox's word (a function's outputs, a Trainer's behaviour
// on a scripted sequence) are drawn from it, so they differ on every grading run and an answer cannot be
// hard-coded. gradeSubmission draws it (crypto) and passes it to the suites as DLGRADE_RUN_SEED; the result
// records it, and `dlgrade grade --run-seed N` repeats a run. Named sub-seeds keep checks independent.
import { randomInt } from 'node:crypto';
import { makeRng, type Rng } from '../engine/seed.ts';

/** `--run-seed` as typed: a whole number a result recorded (0 .. 2^31-2). */
export function parseRunSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n >= 2 ** 31 - 1) {
    throw new Error(`--run-seed must be the whole number a result recorded as its run seed (0 to ${2 ** 31 - 2}), got "${text}"`);
  }
  return n;
}

/** A fresh run seed (0 .. 2^31-2). */
export function newRunSeed(): number {
  return randomInt(2 ** 31 - 1);
}

let base: number | undefined;

/** This run's seed: DLGRADE_RUN_SEED, else one drawn once for this process (suites run by hand). */
export function runSeedBase(): number {
  if (base === undefined) {
    const env = process.env.DLGRADE_RUN_SEED;
    base = env !== undefined && /^\d+$/.test(env) ? Number(env) : newRunSeed();
  }
  return base;
}

/** A named seed derived from the run seed (an integer in 0 .. 2^31-2). */
export function runSeed(name = 'default'): number {
  return runSeedOf(runSeedBase(), name);
}

/** A named random stream derived from the run seed: .next() in [0, 1), .normal(), .int(n). */
export function runRng(name: string): Rng {
  return runRngOf(runSeedBase(), name);
}

/** runSeed(name) of the run with seed `base` (tests that replay the draws of given run seeds). */
export function runSeedOf(base: number, name = 'default'): number {
  return runRngOf(base, name).int(2 ** 31 - 1);
}

/** runRng(name) of the run with seed `base`. */
export function runRngOf(base: number, name: string): Rng {
  return makeRng(`run:${base}:${name}`);
}
