// Part 1 checks of the public suites (they ship to students, so nothing here computes the MLP: the expected
// values are PyTorch's goldens): the student's from-scratch functions and MLP run in the sandbox on the
// grader's inputs; answers are compared to 1e-9 (float64; float32 misses it). The XOR data checks, the
// from-scratch rule. mlp-replay-checks.ts holds the hidden suites' per-run checks.
import { bundleImports, bundleReach, GradingFailure, type Rng, type Submission } from 'dlgrade/kit';
import type { ActivationName, Matrix } from './contract.ts';
import { ACT } from './activations.ts';
import { maxRelDiff, WEIGHT_NAMES, type MlpWeights } from './weights-compare.ts';
import type { MlpWeightsData, Outcome } from './probes.ts';

/** Agreement asked of float64 code (float32 misses it by orders of magnitude). */
export const F64_TOL = 1e-9;

export const fmtList = (xs: readonly number[]) => `[${xs.map((v) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v)).join(', ')}]`;
export const fmtMatrix = (m: Matrix, max = 4) => `[${m.slice(0, max).map((r) => fmtList(r.slice(0, max))).join(', ')}${m.length > max ? ', ...' : ''}]`;

export function unwrap<T>(o: Outcome<T> | undefined, what: string, look: string): T {
  if (!o) throw new GradingFailure(`${what}: no answer (${look})`);
  if ('error' in o) throw new GradingFailure(`${what} threw ${o.error} (${look})`);
  return o.value;
}

// ---- 1.activations ------------------------------------------------------------------------------------------

type ActivationAnswers = Record<'sigmoid' | 'sigmoidDerivative' | 'tanh' | 'tanhDerivative' | 'relu' | 'reluDerivative', Outcome<number[]>>;

/** The points: the golden ones (-3, -0.5, 0, 0.5, 3), 0 again, and per-run random ones, large ones included. */
export function activationPoints(golden: number[], rng: Rng): number[] {
  return [...golden, 0, ...Array.from({ length: 6 }, () => (rng.next() < 0.5 ? -1 : 1) * Math.exp(3 * rng.next() - 1)), 12 * rng.next() + 8, -(12 * rng.next() + 8)];
}

/** The derivative written for the activated value a = act(x), which is what a student passing act(x) would get right. */
const activatedFormula: Partial<Record<ActivationName, (v: number) => number>> = { sigmoid: (v) => v * (1 - v), tanh: (v) => 1 - v * v };

const close = (a: number, b: number) => Math.abs(a - b) <= F64_TOL * Math.max(1, Math.abs(b));

/** A part per activation: its value and derivative at every point, with the mistake named when it shows. */
export function activationPart(act: ActivationName, xs: number[], answers: ActivationAnswers): () => void {
  return () => {
    const { f, df } = ACT[act];
    const values = unwrap(answers[act], `${act}(x)`, '1.2: the activation functions');
    const derivs = unwrap(answers[`${act}Derivative`], `${act}Derivative(x)`, '1.2: the derivatives');
    const bad = xs.findIndex((x, i) => !close(values[i], f(x)));
    if (bad >= 0) throw new GradingFailure(`${act}(${xs[bad]}): expected ${f(xs[bad])}, got ${values[bad]} (1.2: ${act})`);
    const badD = xs.findIndex((x, i) => !close(derivs[i], df(x)));
    if (badD < 0) return;
    const x = xs[badD];
    const got = derivs[badD];
    let hint = '';
    if (act === 'relu' && x === 0) hint = ": ReLU's derivative at 0 is 0 here, as the seed's np.where(x > 0, 1, 0) gives";
    else if (activatedFormula[act] && xs.every((v, i) => close(derivs[i], activatedFormula[act]!(v)))) {
      hint = `: that is the formula for the ACTIVATED value (${act === 'sigmoid' ? 'x(1 - x)' : '1 - x^2'}); ${act}Derivative takes the pre-activation x, as the seed's ${act}_derivative(x) does`;
    }
    throw new GradingFailure(`${act}Derivative(${x}): expected ${df(x)}, got ${got}${hint} (1.2: ${act}'s derivative)`);
  };
}

// ---- 1.forward / 1.backward on the goldens -----------------------------------------------------------------------

export interface GoldenCase {
  act: ActivationName;
  w: MlpWeights;
  x: Matrix;
  y: Matrix;
  lr: number;
  /** PyTorch/NumPy's figures (golden/xor_mlp.json). */
  output: Matrix;
  loss: number;
  after: MlpWeights;
  /** What each usual mistake gives on these inputs (mistakes.json xor_mlp), to name it. */
  mistakes: Record<string, MlpWeights>;
}

/** The mistakes of mistakes.json's xor_mlp, in words (mlp-expected.ts's RULE_NAMES; kept in step by checks.test.ts). */
export const MISTAKES: Record<string, string> = {
  'derivative-of-output': "the derivative is applied to the activated output (act'(act(z)), e.g. sigmoid'(sigmoid(z))) instead of the pre-activation z",
  'updated-w2': 'the hidden error is computed with W2 AFTER its update; the seed computes hidden_error before updating any weight',
  'relu-prime-0-is-1': "relu'(0) is 1; the seed's np.where(x > 0, 1, 0) gives 0 at 0",
  mean: 'the gradients are averaged over the batch (1/N); the seed sums them',
  'two-over-n': "the gradients carry MSE's 2/N factor; the seed's rule has none",
};

const GOLDEN_WHERE = 'the golden inputs (golden/xor_mlp.json)';

export async function checkForwardGolden(sub: Submission, c: GoldenCase): Promise<void> {
  const r = await sub.call<{ output: Outcome<Matrix>; loss: Outcome<number> }>('mlpForward', { act: c.act, w: c.w, x: c.x, y: c.y });
  const where = `MLP(2, 8, 1, '${c.act}').forward on ${GOLDEN_WHERE}`;
  const out = unwrap(r.output, where, '1.2: MLP.forward');
  if (!(maxRelDiff(out, c.output, 1e-6) <= F64_TOL)) {
    throw new GradingFailure(`${where}: expected output ${fmtMatrix(c.output)}, got ${fmtMatrix(out)} (1.2: forward; the output layer uses the same activation as the hidden layer)`);
  }
  const loss = unwrap(r.loss, `meanSquaredError on ${GOLDEN_WHERE}`, '1.2: the loss');
  if (!close(loss, c.loss)) {
    const n = c.y.length * c.y[0].length;
    const hint = close(loss, c.loss * n) ? ': that is the sum; the seed prints the mean, np.mean((output - y) ** 2)' : close(loss, c.loss / 2) ? ': that is half the mean' : '';
    throw new GradingFailure(`meanSquaredError on ${GOLDEN_WHERE}: expected ${c.loss}, got ${loss}${hint} (1.2: the loss)`);
  }
}

export async function checkStepGolden(sub: Submission, c: GoldenCase): Promise<void> {
  const got = await sub.call<MlpWeightsData>('mlpStep', { act: c.act, w: c.w, x: c.x, y: c.y, lr: c.lr });
  const off = WEIGHT_NAMES.map((k) => ({ k, d: maxRelDiff(got[k], c.after[k], 1e-6) })).filter((r) => !(r.d <= F64_TOL));
  if (!off.length) return;
  const first = off[0].k;
  const named = Object.entries(c.mistakes).find(([, w]) => WEIGHT_NAMES.every((k) => maxRelDiff(got[k], w[k], 1e-6) <= F64_TOL));
  const hint = named ? `: ${MISTAKES[named[0]]}` : '';
  throw new GradingFailure(
    `MLP(2, 8, 1, '${c.act}'): forward then backward(x, y, ${c.lr}) on ${GOLDEN_WHERE}: ${off.map((r) => r.k).join(', ')} differ from the seed's update (largest relative difference ${off.map((r) => r.d.toExponential(1)).join(', ')}); expected ${first} = ${fmtMatrix(c.after[first])}, got ${fmtMatrix(got[first] ?? [])}${hint} (1.2: backward, contract.ts MLP: the derivative at the pre-activation, every delta from the weights before this update, sums over the batch)`,
  );
}

// ---- 1.data ---------------------------------------------------------------------------------------------------

export interface XorAnswer {
  xTrain: Matrix;
  yTrain: Matrix;
  xVal: Matrix;
  yVal: Matrix;
}

const XOR_CENTRE_OF = (p: number[], label: number): [number, number] => {
  // Label 0: (1, 1) or (-1, -1), told apart by x1 + x2; label 1: (1, -1) or (-1, 1), by x1 - x2.
  const s = label === 0 ? Math.sign(p[0] + p[1]) || 1 : Math.sign(p[0] - p[1]) || 1;
  return label === 0 ? [s, s] : [s, -s];
};

/** The problems of one set (x, y) of n points drawn with std; [] when it is what make_blobs + relabelling gives. */
export function xorSetProblems(x: Matrix, y: Matrix, n: number, std: number, name: string): string[] {
  if (x.length !== n || y.length !== n) return [`${name}: expected ${n} points and ${n} labels, got ${x.length} and ${y.length}`];
  if (!x.every((p) => p.length === 2) || !y.every((l) => l.length === 1)) return [`${name}: expected points [n][2] and labels [n][1], got rows of ${x[0]?.length} and ${y[0]?.length}`];
  const labels = y.map((l) => l[0]);
  if (!labels.every((l) => l === 0 || l === 1)) return [`${name}: labels must be 0 or 1, got ${fmtList([...new Set(labels)].slice(0, 5))}`];
  const problems: string[] = [];
  // Points whose quadrant disagrees with their label: about 1.2% with std 0.4 (a coordinate crossing an axis).
  const xor = (p: number[]) => (Math.sign(p[0]) === Math.sign(p[1]) ? 0 : 1);
  const wrong = x.filter((p, i) => xor(p) !== labels[i]).length / n;
  if (wrong > 0.05 + 3 * std * std) {
    const or = x.filter((p, i) => (p[0] > 0 || p[1] > 0 ? 1 : 0) === labels[i]).length / n;
    problems.push(`${name}: ${(wrong * 100).toFixed(1)}% of the points are labelled against the XOR of their quadrant${or > 0.9 ? ' (the labels look like an OR)' : ''}: centres (1, 1) and (-1, -1) are class 0, (1, -1) and (-1, 1) class 1`);
    return problems;
  }
  const counts = new Map<string, number>();
  const res: number[][] = [];
  x.forEach((p, i) => {
    const c = XOR_CENTRE_OF(p, labels[i]);
    counts.set(c.join(), (counts.get(c.join()) ?? 0) + 1);
    res.push([p[0] - c[0], p[1] - c[1]]);
  });
  const want = [[1, 1], [1, -1], [-1, -1], [-1, 1]].map((c, k) => [c.join(), Math.floor(n / 4) + (k < n % 4 ? 1 : 0)] as const);
  const off = want.filter(([c, m]) => Math.abs((counts.get(c) ?? 0) - m) > 2 + 0.01 * n);
  if (off.length) problems.push(`${name}: points per centre ${want.map(([c]) => `(${c}): ${counts.get(c) ?? 0}`).join(', ')}; make_blobs gives ${want.map(([, m]) => m).join(', ')} (n // 4 each, the first n % 4 centres one more)`);
  for (const axis of [0, 1]) {
    const v = res.map((r) => r[axis]);
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    if (Math.abs(mean) > (4 * std) / Math.sqrt(n) + 1e-9) problems.push(`${name}: the points sit ${mean.toFixed(3)} off their centres along x${axis + 1} on average; the centres are (±1, ±1)`);
    if (Math.abs(sd - std) > (5 * std) / Math.sqrt(2 * n) + 1e-9) {
      const hint = Math.abs(sd - std * std) < (5 * std * std) / Math.sqrt(2 * n) ? ' (std * std: the variance was used as the standard deviation)' : '';
      problems.push(`${name}: the spread around the centres along x${axis + 1} is ${sd.toFixed(3)}, expected std ${std}${hint}`);
    }
  }
  // make_blobs(shuffle=True): the centres come mixed, not in blocks.
  let changes = 0;
  for (let i = 1; i < n; i++) if (XOR_CENTRE_OF(x[i], labels[i]).join() !== XOR_CENTRE_OF(x[i - 1], labels[i - 1]).join()) changes++;
  if (n >= 20 && changes < n / 3) problems.push(`${name}: the points come in blocks by centre (${changes} changes of centre in ${n} points); the seed's make_blobs shuffles them`);
  return problems;
}

// ---- 1.scratch / 2.scratch ------------------------------------------------------------------------------------

/** Own files a from-scratch file may import (given helpers); type-only imports leave no trace in the bundle. */
export const SCRATCH_HELPERS = ['matrix.ts', 'random.ts', 'todo.ts'];

/**
 * The named files (and the given helpers, when present) import no package at all, as the grader's compiler
 * saw them (the bundle's inputs, not anything the sandbox said).
 */
export function checkScratch(files: string[], part: string): void {
  const imports = bundleImports();
  const byBase = new Map(Object.entries(imports).map(([f, pkgs]) => [f.split('/').pop()!, { file: f, pkgs }]));
  const problems: string[] = [];
  for (const f of files) {
    if (!byBase.has(f)) problems.push(`${f} is not part of your submission (index.ts exports ${part}'s functions from it; the grader found ${Object.keys(imports).join(', ') || 'no file'})`);
  }
  // Through any own file they import, too (bundleReach follows the submission's file-to-file imports).
  const reach = bundleReach();
  for (const f of [...files, ...SCRATCH_HELPERS]) {
    const e = byBase.get(f);
    const r = e && reach[e.file];
    if (r && r.packages.length) problems.push(r.packages.map((p) => (r.via[p] === e.file ? `${e.file} imports ${p}` : `${e.file} imports ${r.via[p]}, which imports ${p}`)).join(', '));
  }
  if (problems.length) {
    throw new GradingFailure(`${problems.join('; ')}: part ${part} is from scratch, with plain arrays and no package (no tfjs, no autodiff); ${files.join(', ')} may import only each other and ${SCRATCH_HELPERS.join(', ')} (contract.ts, Conventions)`);
  }
}
