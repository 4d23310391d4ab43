// Small matrix helpers on number[][] (given, nothing to do here): what numpy does for the seed's mlp.py.
// Every function returns a new matrix and leaves its arguments as they were.
import type { Matrix } from '../../assignments/ee449-hw1/contract.ts';

/** A rows x cols matrix of zeros (np.zeros). */
export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** A rows x cols matrix filled by f(i, j). */
export function fromFunction(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(i, j)));
}

/** The matrix product a b (np.dot): [n][k] x [k][m] -> [n][m]. */
export function dot(a: Matrix, b: Matrix): Matrix {
  const k = b.length;
  if (a.length > 0 && a[0].length !== k) throw new Error(`dot: shapes [${a.length}][${a[0].length}] and [${k}][${b[0]?.length}] do not align`);
  const m = k > 0 ? b[0].length : 0;
  return a.map((row) => {
    const out = new Array<number>(m).fill(0);
    for (let p = 0; p < k; p++) {
      const v = row[p];
      const bp = b[p];
      for (let j = 0; j < m; j++) out[j] += v * bp[j];
    }
    return out;
  });
}

/** a^T (a.T). */
export function transpose(a: Matrix): Matrix {
  const cols = a.length > 0 ? a[0].length : 0;
  return Array.from({ length: cols }, (_, j) => a.map((row) => row[j]));
}

/** f applied to every entry. */
export function map(a: Matrix, f: (x: number) => number): Matrix {
  const out: Matrix = new Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const row = a[i];
    const r = new Array<number>(row.length);
    for (let j = 0; j < row.length; j++) r[j] = f(row[j]);
    out[i] = r;
  }
  return out;
}

/** Entry by entry f(a, b); b may be one row [1][m], repeated for every row of a (numpy broadcasting). */
export function zip(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  const broadcast = b.length === 1 && a.length !== 1;
  if (!broadcast && b.length !== a.length) throw new Error(`shapes [${a.length}][${a[0]?.length}] and [${b.length}][${b[0]?.length}] do not broadcast`);
  const out: Matrix = new Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const row = a[i];
    const other = broadcast ? b[0] : b[i];
    if (other.length !== row.length) throw new Error(`rows of ${row.length} and ${other.length} entries do not broadcast`);
    const r = new Array<number>(row.length);
    for (let j = 0; j < row.length; j++) r[j] = f(row[j], other[j]);
    out[i] = r;
  }
  return out;
}

export const add = (a: Matrix, b: Matrix): Matrix => zip(a, b, (x, y) => x + y);
export const subtract = (a: Matrix, b: Matrix): Matrix => zip(a, b, (x, y) => x - y);
/** Entry-by-entry product (numpy's a * b). */
export const multiply = (a: Matrix, b: Matrix): Matrix => zip(a, b, (x, y) => x * y);
export const scale = (a: Matrix, s: number): Matrix => map(a, (x) => x * s);

/** Column sums as one row [1][m] (np.sum(a, axis=0, keepdims=True)). */
export function columnSums(a: Matrix): Matrix {
  const m = a.length > 0 ? a[0].length : 0;
  const out = new Array<number>(m).fill(0);
  for (const row of a) for (let j = 0; j < m; j++) out[j] += row[j];
  return [out];
}
