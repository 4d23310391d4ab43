// B.1 localResponseNorm and B.2 adaptiveAvgPool2d, checked as functions on data: the golden lrn.json (PyTorch's
// own output) and inputs drawn from the run seed, against the grader's float64 maths (lrn-pool-maths.ts). A
// wrong answer is compared with the usual wrong versions so the feedback names the bug.
import { GradingFailure, type Part, type Rng, type Submission } from 'dlgrade/kit';
import golden from './golden.json' with { type: 'json' };
import type { LrnParams } from './contract.ts';
import { adaptivePoolValues, adaptiveWindows, floorWindows, lrnMistakes, lrnValues, maxRelError, nchwToNhwc, poolValues, type Nhwc } from './lrn-pool-maths.ts';
import { SEED_LRN } from './architectures.ts';

interface TensorAnswer {
  values: Float32Array;
  shape: number[];
  /** How often the dlgrade/layers layer computed during the call. */
  layerCalls: number;
}

const LRN_TOL = 1e-5;
const POOL_TOL = 1e-5;

const fmtP = (p: LrnParams) => `{ size: ${p.size}, alpha: ${p.alpha}, beta: ${p.beta}, k: ${p.k} }`;
const dims = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Random NHWC values of `shape` with magnitude `scale` (LRN needs large activations for its denominator to matter). */
export function randomNhwc(rng: Rng, shape: [number, number, number, number], scale: number): Nhwc {
  return { values: Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()), shape };
}

export const goldenLrnInput = (): { x: Nhwc; want: Float64Array } => ({ x: nchwToNhwc(golden.lrn.input), want: nchwToNhwc(golden.lrn.output).values });

/** One LRN case: the student's output against `want` (float64 maths or PyTorch's golden). */
export function lrnPart(sub: Submission, name: string, x: Nhwc, p: LrnParams, want: Float64Array = lrnValues(x, p)): Part {
  return {
    name,
    check: async () => {
      const where = `localResponseNorm(x ${dims(x.shape)}, ${fmtP(p)})${name.includes('golden') ? " on golden/lrn.json's input (PyTorch's nn.LocalResponseNorm output)" : ''}`;
      const got = await sub.call<TensorAnswer>('lrn', { x: Float32Array.from(x.values), shape: x.shape, p }, { what: where });
      if (got.layerCalls > 0) {
        throw new GradingFailure(`${where}: it calls the LocalResponseNorm layer of 'dlgrade/layers'; B.1 asks you to compute it yourself from tf operations (the layer is for the model, B.3)`);
      }
      if (JSON.stringify(got.shape) !== JSON.stringify(x.shape)) throw new GradingFailure(`${where}: expected a tensor of the input's shape ${dims(x.shape)}, got ${dims(got.shape)} (B.1)`);
      const err = maxRelError(got.values, want);
      if (err <= LRN_TOL) return;
      const mistake = lrnMistakes(p).find((m) => maxRelError(lrnValues(x, p, m.variant), want) > LRN_TOL && maxRelError(got.values, lrnValues(x, p, m.variant)) <= LRN_TOL);
      const first = Array.from(want).findIndex((v, i) => !(Math.abs(got.values[i]! - v) <= LRN_TOL * Math.max(Math.abs(v), 1e-3)));
      throw new GradingFailure(
        `${where}: expected ${want[first]!.toPrecision(7)} at flat index ${first} (NHWC), got ${got.values[first]} (largest relative error ${err.toExponential(2)})${mistake ? `: ${mistake.why}` : ''} (B.1: out[c] = x[c] / (k + alpha/size * sum of x[j]^2 for j = c - floor(size/2) .. c + floor((size-1)/2)) ^ beta, channels last)`,
      );
    },
  };
}

/** The public LRN cases: the golden, and the seed's parameters on per-run inputs (two shapes). */
export function publicLrnParts(sub: Submission, rng: Rng): Part[] {
  const g = goldenLrnInput();
  return [
    lrnPart(sub, 'golden lrn.json (size 5, alpha 1e-4, beta 0.75, k 2)', g.x, SEED_LRN, g.want),
    lrnPart(sub, 'the seed parameters on activations of a 3x3 map with 16 channels', randomNhwc(rng, [2, 3, 3, 16], 40), SEED_LRN),
    lrnPart(sub, 'the seed parameters on 7 channels', randomNhwc(rng, [1, 4, 2, 7], 60), SEED_LRN),
  ];
}

/** The hidden LRN cases: other sizes (an even one), strong alpha, fewer channels than the window. */
export function hiddenLrnParts(sub: Submission, rng: Rng): Part[] {
  const beta = 0.5 + rng.next() * 0.4;
  return [
    lrnPart(sub, 'size 3, strong alpha', randomNhwc(rng, [2, 2, 3, 9], 3), { size: 3, alpha: 0.5 + rng.next(), beta, k: 1 + rng.next() }),
    lrnPart(sub, 'size 4 (even: one more channel below than above)', randomNhwc(rng, [1, 3, 3, 10], 3), { size: 4, alpha: 0.8, beta: 0.75, k: 1.5 }),
    lrnPart(sub, 'size 6 on 3 channels', randomNhwc(rng, [2, 2, 2, 3], 4), { size: 6, alpha: 1.2, beta, k: 2 }),
  ];
}

/** One adaptive-pooling case against the float64 maths; names a plain floor(n/out) average pool. */
export function poolPart(sub: Submission, x: Nhwc, out: [number, number]): Part {
  const [, h, w] = x.shape;
  return {
    name: `${h}x${w} -> ${out[0]}x${out[1]}`,
    check: async () => {
      const where = `adaptiveAvgPool2d(x ${dims(x.shape)}, [${out.join(', ')}])`;
      const got = await sub.call<TensorAnswer>('pool', { x: Float32Array.from(x.values), shape: x.shape, outputSize: out }, { what: where });
      if (got.layerCalls > 0) throw new GradingFailure(`${where}: it calls the AdaptiveAvgPool2d layer of 'dlgrade/layers'; B.2 asks you to compute the pooling yourself from tf operations`);
      const wantShape = [x.shape[0], out[0], out[1], x.shape[3]];
      if (JSON.stringify(got.shape) !== JSON.stringify(wantShape)) throw new GradingFailure(`${where}: expected shape ${dims(wantShape)}, got ${dims(got.shape)} (B.2)`);
      const want = adaptivePoolValues(x, out[0], out[1]);
      const err = maxRelError(got.values, want, 1);
      if (err <= POOL_TOL) return;
      const floor = poolValues(x, floorWindows(h, out[0]), floorWindows(w, out[1]));
      const named = maxRelError(floor, want, 1) > POOL_TOL && maxRelError(got.values, floor, 1) <= POOL_TOL;
      const rows = adaptiveWindows(h, out[0]).map(([a, b]) => `${a}..${b - 1}`);
      throw new GradingFailure(
        `${where}: values differ from PyTorch's by up to ${err.toExponential(2)}${named ? `: these are plain windows of floor(${h}/${out[0]}) = ${Math.floor(h / out[0])} rows (tf.avgPool with a fixed window); AdaptiveAvgPool2d's windows are rows floor(i*H/out) .. ceil((i+1)*H/out) - 1, here ${rows.join(', ')}` : ''} (B.2)`,
      );
    },
  };
}

export function publicPoolParts(sub: Submission, rng: Rng): Part[] {
  return [
    poolPart(sub, randomNhwc(rng, [2, 8, 8, 3], 1), [4, 4]),
    poolPart(sub, randomNhwc(rng, [1, 7, 7, 4], 1), [4, 4]),
    poolPart(sub, randomNhwc(rng, [2, 10, 6, 2], 1), [4, 4]),
  ];
}

export function hiddenPoolParts(sub: Submission, rng: Rng): Part[] {
  return [poolPart(sub, randomNhwc(rng, [1, 3, 3, 2], 1), [4, 4]), poolPart(sub, randomNhwc(rng, [2, 9, 5, 3], 1), [4, 3]), poolPart(sub, randomNhwc(rng, [1, 5, 5, 2], 1), [2, 2])];
}
