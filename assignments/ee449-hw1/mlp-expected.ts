// Part 1 on the grader's side (hidden suites only: it is a float64 solution of part 1, so it must not ship with
// the public grading files), in float64: the seed's MLP (mlp.py) forward pass and update rule, the variants
// students write by mistake (to name a bug when the numbers show it), the XOR data of utils.part1CreateDataset,
// and a decision-boundary grid for the report. Plain arrays; no tfjs, no submission code.
import type { Rng } from 'dlgrade/kit';
import { ACT } from './activations.ts';
import type { ActivationName, Matrix } from './contract.ts';

export { ACT, ACTIVATIONS } from './activations.ts';
import { maxRelDiff, type MlpWeights } from './weights-compare.ts';
export { maxRelDiff, type MlpWeights };

/**
 * How an update can be computed. 'seed' is the rule contract.ts states; the others are the bugs the checks
 * name: the derivative applied to the activated value (act'(act(z))), the hidden error taken through the
 * already-updated W2, relu'(0) = 1, and gradients averaged over the batch (1/N) or with MSE's 2/N.
 */
export type UpdateRule = 'seed' | 'derivative-of-output' | 'updated-w2' | 'relu-prime-0-is-1' | 'mean' | 'two-over-n';

export const RULE_NAMES: Record<Exclude<UpdateRule, 'seed'>, string> = {
  'derivative-of-output': "the derivative is applied to the activated output (act'(act(z)), e.g. sigmoid'(sigmoid(z))) instead of the pre-activation z",
  'updated-w2': 'the hidden error is computed with W2 AFTER its update; the seed computes hidden_error before updating any weight',
  'relu-prime-0-is-1': "relu'(0) is 1; the seed's np.where(x > 0, 1, 0) gives 0 at 0",
  mean: 'the gradients are averaged over the batch (1/N); the seed sums them',
  'two-over-n': "the gradients carry MSE's 2/N factor; the seed's rule has none",
};

const clone = (m: Matrix): Matrix => m.map((r) => [...r]);

function matmul(a: Matrix, b: Matrix): Matrix {
  const k = b.length;
  const m = b[0]?.length ?? 0;
  return a.map((row) => {
    const out = new Array<number>(m).fill(0);
    for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) out[j] += row[p] * b[p][j];
    return out;
  });
}

const addBias = (a: Matrix, b: Matrix): Matrix => a.map((row) => row.map((v, j) => v + b[0][j]));

export interface Forward {
  z1: Matrix;
  h: Matrix;
  z2: Matrix;
  out: Matrix;
}

export function forward(w: MlpWeights, x: Matrix, act: ActivationName): Forward {
  const f = ACT[act].f;
  const z1 = addBias(matmul(x, w.W1), w.b1);
  const h = z1.map((r) => r.map(f));
  const z2 = addBias(matmul(h, w.W2), w.b2);
  return { z1, h, z2, out: z2.map((r) => r.map(f)) };
}

/** np.mean((out - y) ** 2) */
export function mse(out: Matrix, y: Matrix): number {
  let s = 0;
  let n = 0;
  out.forEach((r, i) => r.forEach((v, j) => ((s += (v - y[i][j]) ** 2), n++)));
  return s / n;
}

/** One update of the seed's backward (or of a named variant) from weights `w`; returns the new weights. */
export function step(w: MlpWeights, x: Matrix, y: Matrix, lr: number, act: ActivationName, rule: UpdateRule = 'seed'): MlpWeights {
  const { f, df: seedDf } = ACT[act];
  const df = rule === 'relu-prime-0-is-1' && act === 'relu' ? (z: number) => (z >= 0 ? 1 : 0) : seedDf;
  const fw = forward(w, x, act);
  const d = (z: number) => (rule === 'derivative-of-output' ? df(f(z)) : df(z));
  const scaleBy = rule === 'mean' ? 1 / x.length : rule === 'two-over-n' ? 2 / (x.length * y[0].length) : 1;
  const outDelta = fw.out.map((r, i) => r.map((o, j) => scaleBy * (o - y[i][j]) * d(fw.z2[i][j])));
  const W2 = w.W2.map((row, p) => row.map((v, j) => v - lr * fw.h.reduce((s, hr, i) => s + hr[p] * outDelta[i][j], 0)));
  const b2 = [w.b2[0].map((v, j) => v - lr * outDelta.reduce((s, r) => s + r[j], 0))];
  const W2forHidden = rule === 'updated-w2' ? W2 : w.W2;
  const hidDelta = fw.z1.map((r, i) => r.map((z, p) => outDelta[i].reduce((s, od, j) => s + od * W2forHidden[p][j], 0) * d(z)));
  const W1 = w.W1.map((row, q) => row.map((v, p) => v - lr * x.reduce((s, xr, i) => s + xr[q] * hidDelta[i][p], 0)));
  const b1 = [w.b1[0].map((v, p) => v - lr * hidDelta.reduce((s, r) => s + r[p], 0))];
  return { W1, b1, W2, b2 };
}

/** Standard normal matrix (np.random.randn). */
export function randn(rows: number, cols: number, rng: Rng, scale = 1): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * rng.normal()));
}

export const zeros = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));

export function initialWeights(inputSize: number, hidden: number, output: number, rng: Rng): MlpWeights {
  return { W1: randn(inputSize, hidden, rng), b1: zeros(1, hidden), W2: randn(hidden, output, rng), b2: zeros(1, output) };
}

export const copyWeights = (w: MlpWeights): MlpWeights => ({ W1: clone(w.W1), b1: clone(w.b1), W2: clone(w.W2), b2: clone(w.b2) });

// ---------------------------------------------------------------------------------------------------------
// The XOR data (utils.part1CreateDataset: make_blobs with four centres, relabelled 0, 1, 0, 1)

export const XOR_CENTERS: readonly (readonly [number, number])[] = [
  [1, 1],
  [1, -1],
  [-1, -1],
  [-1, 1],
];
export const XOR_LABELS: readonly number[] = [0, 1, 0, 1];

export interface XorSet {
  x: Matrix;
  y: Matrix;
}

/** make_blobs(n, centres, cluster_std=std, shuffle=True), relabelled, drawn from `rng`. */
export function xorBlobs(n: number, std: number, rng: Rng): XorSet {
  const rows: { x: number[]; y: number }[] = [];
  XOR_CENTERS.forEach(([cx, cy], c) => {
    const count = Math.floor(n / 4) + (c < n % 4 ? 1 : 0);
    for (let i = 0; i < count; i++) rows.push({ x: [cx + std * rng.normal(), cy + std * rng.normal()], y: XOR_LABELS[c] });
  });
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return { x: rows.map((r) => r.x), y: rows.map((r) => [r.y]) };
}

/** The seed's validation accuracy: mean((output > 0.5) == y) in %, for a one-output MLP. */
export function xorAccuracy(w: MlpWeights, set: XorSet, act: ActivationName): number {
  const out = forward(w, set.x, act).out;
  return (100 * out.filter((r, i) => (r[0] > 0.5 ? 1 : 0) === set.y[i][0]).length) / out.length;
}

/**
 * The seed's training loop (part1_2.py) in float64 on flat arrays, for the grader's replay: `epochs` times
 * forward on the whole training set, then the seed's update. Returns the final weights.
 */
export function trainXor(w0: MlpWeights, set: XorSet, act: ActivationName, lr: number, epochs: number): MlpWeights {
  const { f, df } = ACT[act];
  const n = set.x.length;
  const H = w0.W1[0].length;
  const W1 = Float64Array.from(w0.W1.flat());
  const b1 = Float64Array.from(w0.b1[0]);
  const W2 = Float64Array.from(w0.W2.map((r) => r[0]));
  let b2 = w0.b2[0][0];
  const x = Float64Array.from(set.x.flat());
  const y = Float64Array.from(set.y.map((r) => r[0]));
  const z1 = new Float64Array(n * H);
  const h = new Float64Array(n * H);
  const od = new Float64Array(n);
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < n; i++) {
      let z2 = b2;
      for (let p = 0; p < H; p++) {
        const z = x[2 * i] * W1[p] + x[2 * i + 1] * W1[H + p] + b1[p];
        z1[i * H + p] = z;
        const hv = f(z);
        h[i * H + p] = hv;
        z2 += hv * W2[p];
      }
      od[i] = (f(z2) - y[i]) * df(z2);
    }
    const gW2 = new Float64Array(H);
    const gW1 = new Float64Array(2 * H);
    const gb1 = new Float64Array(H);
    let gb2 = 0;
    for (let i = 0; i < n; i++) {
      gb2 += od[i];
      for (let p = 0; p < H; p++) {
        gW2[p] += h[i * H + p] * od[i];
        const hd = od[i] * W2[p] * df(z1[i * H + p]);
        gW1[p] += x[2 * i] * hd;
        gW1[H + p] += x[2 * i + 1] * hd;
        gb1[p] += hd;
      }
    }
    for (let p = 0; p < H; p++) {
      W2[p] -= lr * gW2[p];
      b1[p] -= lr * gb1[p];
      W1[p] -= lr * gW1[p];
      W1[H + p] -= lr * gW1[H + p];
    }
    b2 -= lr * gb2;
  }
  return {
    W1: [Array.from(W1.subarray(0, H)), Array.from(W1.subarray(H))],
    b1: [Array.from(b1)],
    W2: Array.from(W2, (v) => [v]),
    b2: [[b2]],
  };
}

/** The network's output on a size x size grid over [lo, hi]^2 (row 0 at the top, x1 to the right): the seed's contour plot. */
export function boundaryGrid(w: MlpWeights, act: ActivationName, lo: number, hi: number, size: number): number[][] {
  const pts: Matrix = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) pts.push([lo + ((c + 0.5) * (hi - lo)) / size, hi - ((r + 0.5) * (hi - lo)) / size]);
  const out = forward(w, pts, act).out;
  return Array.from({ length: size }, (_, r) => out.slice(r * size, (r + 1) * size).map((o) => o[0]));
}
