// The MLP's weights as plain matrices, and how the checks compare them: the largest relative difference.
import type { Matrix } from './contract.ts';

export interface MlpWeights {
  W1: Matrix;
  b1: Matrix;
  W2: Matrix;
  b2: Matrix;
}

export const WEIGHT_NAMES = ['W1', 'b1', 'W2', 'b2'] as const;

/** The largest |a - b| / max(|b|, floor) over two matrices of the same shape; Infinity when shapes differ. */
export function maxRelDiff(a: unknown, b: Matrix, floor = 1e-6): number {
  if (!Array.isArray(a) || a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < b.length; i++) {
    const ra = a[i] as unknown;
    if (!Array.isArray(ra) || ra.length !== b[i].length) return Infinity;
    for (let j = 0; j < b[i].length; j++) {
      const v = Number(ra[j]);
      if (!Number.isFinite(v)) return Infinity;
      d = Math.max(d, Math.abs(v - b[i][j]) / Math.max(Math.abs(b[i][j]), floor));
    }
  }
  return d;
}
