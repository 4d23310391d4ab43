// Part 1 checks of the hidden suites: the MLP on per-run random networks and batches against the grader's own
// float64 implementation of the seed's rule (mlp-expected.ts, which must not ship with the public grading
// files), the named mistakes, and the finite-difference check of backward against the student's own forward.
import { GradingFailure, type Rng, type Submission } from 'dlgrade/kit';
import type { ActivationName, Matrix } from './contract.ts';
import { F64_TOL, fmtMatrix as mat, unwrap } from './mlp-checks.ts';
import { forward, mse, RULE_NAMES, step, type UpdateRule } from './mlp-expected.ts';
import type { MlpWeightsData, Outcome } from './probes.ts';
import { maxRelDiff, type MlpWeights } from './weights-compare.ts';

const close = (a: number, b: number) => Math.abs(a - b) <= F64_TOL * Math.max(1, Math.abs(b));

export interface StepCase {
  name: string;
  act: ActivationName;
  w: MlpWeights;
  x: Matrix;
  y: Matrix;
  lr: number;
  /** The expected weights after one step (default: step() computed here). */
  after?: MlpWeights;
  /** The expected output and loss of forward (default: computed here). */
  output?: Matrix;
  loss?: number;
}

export async function checkForward(sub: Submission, c: StepCase): Promise<void> {
  const r = await sub.call<{ output: Outcome<Matrix>; loss: Outcome<number> }>('mlpForward', { act: c.act, w: c.w, x: c.x, y: c.y });
  const where = `MLP(${c.w.W1.length}, ${c.w.W1[0].length}, ${c.w.W2[0].length}, '${c.act}').forward on ${c.name}`;
  const out = unwrap(r.output, where, '1.2: MLP.forward');
  const want = c.output ?? forward(c.w, c.x, c.act).out;
  if (!(maxRelDiff(out, want, 1e-6) <= F64_TOL)) {
    const noOutAct = forward({ ...c.w }, c.x, c.act).z2;
    const hint = maxRelDiff(out, noOutAct, 1e-6) <= F64_TOL ? ': the output layer has no activation; the seed applies the same activation to the output (output = act(final_input))' : '';
    throw new GradingFailure(`${where}: expected output ${mat(want)}, got ${mat(out)}${hint} (1.2: forward)`);
  }
  const loss = unwrap(r.loss, `meanSquaredError on ${c.name}`, '1.2: the loss');
  const wantLoss = c.loss ?? mse(want, c.y);
  if (!close(loss, wantLoss)) {
    const sum = wantLoss * c.y.length * c.y[0].length;
    const hint = close(loss, sum) ? ': that is the sum; the seed prints the mean, np.mean((output - y) ** 2)' : close(loss, wantLoss / 2) ? ': that is half the mean' : '';
    throw new GradingFailure(`meanSquaredError on ${c.name}: expected ${wantLoss}, got ${loss}${hint} (1.2: the loss)`);
  }
}

const RULES = Object.keys(RULE_NAMES) as Exclude<UpdateRule, 'seed'>[];

function weightsDiff(got: MlpWeightsData, want: MlpWeights): { name: string; d: number }[] {
  return (['W1', 'b1', 'W2', 'b2'] as const).map((k) => ({ name: k, d: maxRelDiff(got[k], want[k], 1e-6) }));
}

export async function checkStep(sub: Submission, c: StepCase): Promise<void> {
  const got = await sub.call<MlpWeightsData>('mlpStep', { act: c.act, w: c.w, x: c.x, y: c.y, lr: c.lr });
  const want = c.after ?? step(c.w, c.x, c.y, c.lr, c.act);
  const off = weightsDiff(got, want).filter((r) => !(r.d <= F64_TOL));
  if (!off.length) return;
  const named = RULES.find((rule) => weightsDiff(got, step(c.w, c.x, c.y, c.lr, c.act, rule)).every((r) => r.d <= F64_TOL));
  const first = off[0].name as keyof MlpWeights;
  const where = `MLP(..., '${c.act}'): forward then backward(x, y, ${c.lr}) on ${c.name}`;
  throw new GradingFailure(
    `${where}: ${off.map((r) => r.name).join(', ')} differ from the seed's update (largest relative difference ${off.map((r) => r.d.toExponential(1)).join(', ')}); expected ${first} = ${mat(want[first])}, got ${mat(got[first] ?? [])}${named ? `: ${RULE_NAMES[named]}` : ''} (1.2: backward, contract.ts MLP)`,
  );
}

/** Named mistakes that cannot change an update of `act`: relu'(relu(z)) is relu'(z); relu'(0) exists for ReLU only. */
const sameByConstruction = (act: ActivationName, rule: Exclude<UpdateRule, 'seed'>) => (act === 'relu' ? rule === 'derivative-of-output' : rule === 'relu-prime-0-is-1');

/** Whether `c` tells the seed's update from every named mistake that can differ for its activation. */
export function tellsMistakesApart(c: StepCase): boolean {
  const want = step(c.w, c.x, c.y, c.lr, c.act);
  return RULES.every((rule) => sameByConstruction(c.act, rule) || weightsDiff(step(c.w, c.x, c.y, c.lr, c.act, rule), want).some((r) => r.d > F64_TOL));
}

/**
 * A per-run case: random sizes, N(0, 1) weights with random biases, a zero input row, targets in [0, 1]; drawn
 * again until it tells every named mistake apart from the seed's rule. Under ReLU a draw can hide one: when
 * the zero row's outputs are off, relu'(0) never reaches an update, and when no other row's output is on, W2
 * does not move before the hidden error (measured over 2,000 run seeds: relu'(0) = 1 hidden on 599, the
 * updated W2 on 112, a mean over the batch on 70; the fixtures with those bugs kept points).
 */
export function randomStepCase(rng: Rng, act: ActivationName, name: string): StepCase {
  for (let k = 0; ; k++) {
    const n = 3 + rng.int(4);
    const h = 3 + rng.int(7);
    const o = 1 + rng.int(3);
    const batch = 5 + rng.int(8);
    const m = (r: number, c: number, s = 1) => Array.from({ length: r }, () => Array.from({ length: c }, () => s * rng.normal()));
    const x = m(batch, n);
    x[rng.int(batch)] = new Array<number>(n).fill(0);
    // Zero hidden biases keep the zero row's pre-activations exactly 0 (where relu'(0) matters).
    const w: MlpWeights = { W1: m(n, h), b1: [new Array<number>(h).fill(0)], W2: m(h, o), b2: m(1, o, 0.5) };
    const c: StepCase = { name, act, w, x, y: Array.from({ length: batch }, () => Array.from({ length: o }, () => rng.next())), lr: 0.01 + 0.3 * rng.next() };
    if (tellsMistakesApart(c) || k === 19) return c;
  }
}

// ---- 1.gradcheck ------------------------------------------------------------------------------------------

/**
 * The update of the hidden weights against finite differences of the student's own forward pass: backward with
 * a small lr must move W1 by -lr times the gradient of 0.5 * sum((output - y)^2) (the loss the seed's rule
 * descends), whatever the forward computes.
 */
export async function checkGradient(sub: Submission, c: StepCase): Promise<void> {
  const eps = 1e-5;
  const lr = 1e-3;
  const after = await sub.call<MlpWeightsData>('mlpStep', { act: c.act, w: c.w, x: c.x, y: c.y, lr });
  const W1 = c.w.W1;
  const shifted: MlpWeights[] = [];
  W1.forEach((row, i) =>
    row.forEach((_, j) => {
      for (const s of [eps, -eps]) shifted.push({ ...c.w, W1: W1.map((r, a) => r.map((v, b) => (a === i && b === j ? v + s : v))) });
    }),
  );
  const outs = await sub.call<Matrix[]>('mlpForwardMany', { act: c.act, ws: shifted, x: c.x });
  const half = (out: Matrix) => 0.5 * out.reduce((s, r, i) => s + r.reduce((t, v, j) => t + (v - c.y[i][j]) ** 2, 0), 0);
  const where = `MLP(..., '${c.act}') on ${c.name}`;
  let worst = { i: 0, j: 0, fd: 0, upd: 0, d: 0 };
  let k = 0;
  W1.forEach((row, i) =>
    row.forEach((v, j) => {
      const fd = (half(outs[k]) - half(outs[k + 1])) / (2 * eps);
      k += 2;
      const upd = (v - Number(after.W1?.[i]?.[j])) / lr;
      const d = Math.abs(upd - fd) / Math.max(1e-3, Math.abs(fd));
      if (!(d <= worst.d) || Number.isNaN(d)) worst = { i, j, fd, upd, d: Number.isNaN(d) ? Infinity : d };
    }),
  );
  if (worst.d <= 1e-5) return;
  const ratio = worst.upd / worst.fd;
  const hint = Number.isFinite(ratio) && Math.abs(ratio - 1) > 0.01 && Math.abs(ratio - Math.round(ratio * 8) / 8) < 1e-3 ? ` (the update is ${ratio.toPrecision(3)} times the gradient)` : '';
  throw new GradingFailure(
    `${where}: backward(x, y, ${lr}) moved W1[${worst.i}][${worst.j}] by -lr * ${worst.upd.toPrecision(8)}, but the gradient of 0.5 * sum((output - y)^2) of your own forward pass there is ${worst.fd.toPrecision(8)} (central differences, eps ${eps})${hint}: the hidden layer's update is not the gradient (1.2: backward; hidden_delta = (output_delta W2^T) * act'(hidden_input), with W2 before its update)`,
  );
}

