// 4-D nested arrays (NCHW, as the seed's NumPy arrays): their shape, building one, comparing two.
import type { Tensor4 } from './contract.ts';

export type Shape4 = [number, number, number, number];

export function shapeOf(t: unknown): number[] {
  const shape: number[] = [];
  let x = t;
  while (Array.isArray(x)) {
    shape.push(x.length);
    x = x[0];
  }
  return shape;
}

export function build4(shape: Shape4, f: (a: number, b: number, c: number, d: number) => number): Tensor4 {
  const [A, B, C, D] = shape;
  return Array.from({ length: A }, (_, a) => Array.from({ length: B }, (_, b) => Array.from({ length: C }, (_, c) => Array.from({ length: D }, (_, d) => f(a, b, c, d)))));
}

/** Largest |a - b| / max(|b|, 1) over two 4-D arrays; Infinity when the shapes differ or a value is not a number. */
export function maxDiff(a: unknown, b: Tensor4): number {
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  if (sa.join() !== sb.join()) return Infinity;
  const A = a as Tensor4;
  let d = 0;
  for (let i = 0; i < sb[0]; i++)
    for (let j = 0; j < sb[1]; j++)
      for (let p = 0; p < sb[2]; p++) {
        const ra = A[i][j][p];
        if (!Array.isArray(ra) || ra.length !== sb[3]) return Infinity;
        for (let q = 0; q < sb[3]; q++) {
          const v = ra[q];
          if (typeof v !== 'number' || !Number.isFinite(v)) return Infinity;
          d = Math.max(d, Math.abs(v - b[i][j][p][q]) / Math.max(Math.abs(b[i][j][p][q]), 1));
        }
      }
  return d;
}

