import { createHash } from 'node:crypto';
import { SIMD_WASM } from './wasm-simd/simd-binaries.ts';

// What the engine computes can change without its label changing (a kernel's summation order, the tapeless
// training step, an optimizer's arithmetic): anything that remembers results across runs (the grader's
// training cache) keys them on this too. The SIMD kernels' bytes count themselves; NUMERICS is bumped by hand
// when JS-side numerics change (chain-step.ts, optimizers/, kernels' JS paths, torch-init.ts, seed.ts).

/** Bump when the engine's JS computes different numbers for the same inputs. */
export const NUMERICS = 1;

let cached: string | undefined;

/** A short hex fingerprint of the engine's numerics (SIMD kernels + NUMERICS). */
export function engineNumerics(): string {
  cached ??= createHash('sha256').update(SIMD_WASM).update(`numerics:${NUMERICS}`).digest('hex').slice(0, 16);
  return cached;
}
