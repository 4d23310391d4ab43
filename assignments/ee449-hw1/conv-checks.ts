// Part 2 checks, shared by the public and hidden suites (so nothing here computes a convolution: the expected
// output and the usual wrong ones come from the caller, PyTorch's golden in the public suite, conv-expected.ts
// in the hidden ones): the student's convOutputSize and myConv2d run in the sandbox on the grader's inputs; a
// wrong answer is matched against the mistakes given (a flipped kernel, swapped kernel axes), the shapes of a
// wrong output size, and float32 arithmetic.
import { GradingFailure, type Rng } from 'dlgrade/kit';
import type { Tensor4 } from './contract.ts';
import { maxDiff, shapeOf } from './tensor4.ts';
import type { Outcome } from './probes.ts';

export const CONV_TOL = 1e-9;

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Why an output of the wrong shape has that shape. */
function shapeHint(got: number[], input: number[], kernel: number[]): string {
  const [B, C, H, W] = input;
  const [O, , Fh, Fw] = kernel;
  if (got.join() === [B, O, H - Fh, W - Fw].join()) return ': one row and column short: the output is H - F + 1 wide (the seed: input_height - filter_height + 1)';
  if (got.join() === [B, H - Fh + 1, W - Fw + 1, O].join()) return ': channels last (NHWC); the contract keeps PyTorch\'s [B][Cout][H][W]';
  if (got.join() === [B, O, W - Fw + 1, H - Fh + 1].join()) return ': height and width are swapped';
  if (got.join() === [B, O, H - Fw + 1, W - Fh + 1].join()) return ': the kernel\'s height runs along the width (kernel[o][c][p][q]: p along the height)';
  if (got.join() === [B, C, H - Fh + 1, W - Fw + 1].join() && C !== O) return ': one map per INPUT channel; the output has one per kernel (Cout), each summing over the input channels';
  return '';
}

export interface ConvCase {
  name: string;
  input: Tensor4;
  kernel: Tensor4;
}

/** What a named mistake would have returned, and how to say it. */
export type ConvAlternative = [explanation: string, output: Tensor4];

export const FLIPPED = ": that is the true convolution, with the kernel flipped (rotated by 180 degrees); deep-learning 'convolution' is cross-correlation: out[b][o][i][j] = sum of input[b][c][i + p][j + q] * kernel[o][c][p][q], p and q counting forward";
export const AXES_SWAPPED = ": the kernel is read as kernel[c][o]; its layout is [Cout][Cin][Fh][Fw] (PyTorch's)";

/** Checks one myConv2d answer against `want`; throws a GradingFailure naming the case and, when `alternatives` shows it, the bug. */
export function checkConvAnswer(got: Outcome<Tensor4> | undefined, c: ConvCase, want: Tensor4, look: string, alternatives: ConvAlternative[] = []): void {
  const where = `myConv2d on ${c.name}`;
  if (!got) throw new GradingFailure(`${where}: no answer (${look})`);
  if ('error' in got) throw new GradingFailure(`${where} threw ${got.error} (${look})`);
  const shape = shapeOf(got.value);
  const wantShape = shapeOf(want);
  if (shape.join() !== wantShape.join()) {
    throw new GradingFailure(`${where}: expected an output of shape ${fmt(wantShape)}, got ${fmt(shape)}${shapeHint(shape, shapeOf(c.input), shapeOf(c.kernel))} (${look})`);
  }
  const d = maxDiff(got.value, want);
  if (d <= CONV_TOL) return;
  const named = alternatives.find(([, alt]) => maxDiff(got.value, alt) <= CONV_TOL);
  const hint = named ? named[0] : d < 1e-5 ? ` (largest relative difference ${d.toExponential(1)}: float32 arithmetic? compute with JS numbers, float64)` : '';
  const first = firstDifference(got.value, want);
  throw new GradingFailure(`${where}: expected out${first.at} = ${first.want}, got ${first.got}${hint} (${look})`);
}

function firstDifference(a: Tensor4, b: Tensor4): { at: string; want: number; got: number } {
  const s = shapeOf(b);
  for (let i = 0; i < s[0]; i++)
    for (let j = 0; j < s[1]; j++)
      for (let p = 0; p < s[2]; p++)
        for (let q = 0; q < s[3]; q++) {
          const v = a[i][j][p][q];
          if (!(Math.abs(v - b[i][j][p][q]) <= CONV_TOL * Math.max(1, Math.abs(b[i][j][p][q])))) return { at: `[${i}][${j}][${p}][${q}]`, want: b[i][j][p][q], got: v };
        }
  return { at: '', want: NaN, got: NaN };
}

// ---- 2.outputSize ----------------------------------------------------------------------------------------------

export type SizeCase = [n: number, f: number, p: number, s: number];

export const outputSize = ([n, f, p, s]: SizeCase) => Math.floor((n - f + 2 * p) / s) + 1;

/** Per-run cases with padding and strides where every term matters (and one where the division is not exact). */
export function randomSizeCases(rng: Rng): SizeCase[] {
  return Array.from({ length: 6 }, (_, k) => {
    const f = 1 + 2 * rng.int(4);
    const p = k === 0 ? 0 : 1 + rng.int(3);
    const s = k === 1 ? 1 : 2 + rng.int(2);
    const n = f + 5 + rng.int(200);
    return [n, f, p, s] as SizeCase;
  });
}

export function checkSizes(cases: SizeCase[], got: Outcome<number>[], name: string): void {
  const wrong = cases.map((c, i) => ({ c, want: outputSize(c), got: got[i] })).filter((r) => !r.got || 'error' in r.got || r.got.value !== r.want);
  if (!wrong.length) return;
  const w = wrong[0];
  const [n, f, p, s] = w.c;
  if (!w.got || 'error' in w.got) throw new GradingFailure(`convOutputSize(${w.c.join(', ')}) threw ${w.got && 'error' in w.got ? w.got.error : 'nothing came back'} (2: the output size)`);
  const g = w.got.value;
  const hint =
    g === n - f + 1
      ? ': that is N - F + 1, which ignores the padding and the stride; with them it is floor((N - F + 2P) / S) + 1'
      : g === (n - f + 2 * p) / s + 1
        ? ': the division must round down (floor) when the stride does not divide N - F + 2P'
        : g === Math.floor((n - f + p) / s) + 1
          ? ': the padding is added on both sides (2P)'
          : g === Math.floor((n - f + 2 * p) / s)
            ? ': the + 1 is missing'
            : '';
  throw new GradingFailure(`convOutputSize(N=${n}, F=${f}, P=${p}, S=${s}) on ${name}: expected ${w.want}, got ${g}${hint}; ${wrong.length} of ${cases.length} cases wrong (2: the output-size formula)`);
}
