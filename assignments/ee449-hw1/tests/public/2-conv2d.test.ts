// 2. conv2d from scratch: the output-size formula, myConv2d against PyTorch's F.conv2d, the from-scratch rule.
import { test } from 'vitest';
import { gradeParts, GradingFailure, runRng, useSubmission } from 'dlgrade/kit';
import { checkConvAnswer, checkSizes, FLIPPED, randomSizeCases, type SizeCase } from '../../conv-checks.ts';
import type { Tensor4 } from '../../contract.ts';
import { build4, shapeOf, type Shape4 } from '../../tensor4.ts';
import golden from '../../golden.json' with { type: 'json' };
import mistakes from '../../mistakes.json' with { type: 'json' };
import { checkScratch } from '../../mlp-checks.ts';
import type { Outcome } from '../../probes.ts';

const sub = useSubmission();
const c = golden.conv2d;

test('2.outputSize: the output-size formula floor((N - F + 2P) / S) + 1 on the golden cases and random ones', async () => {
  const fixed: SizeCase[] = c.output_size_formula.map((k) => [k.N, k.F, k.P, k.S]);
  const random = randomSizeCases(runRng('2.outputSize'));
  const got = await sub.call<Outcome<number>[]>('convOutputSize', { cases: [...fixed, ...random] });
  await gradeParts([
    { name: 'the golden cases (golden/conv2d.json)', check: () => checkSizes(fixed, got.slice(0, fixed.length), 'the golden cases') },
    { name: 'random cases', check: () => checkSizes(random, got.slice(fixed.length), 'random cases') },
  ]);
});

test("2.golden: myConv2d against PyTorch's F.conv2d (golden/conv2d.json, stride 1, no padding)", async () => {
  const input = c.input as Tensor4;
  const kernel = c.weight as Tensor4;
  const [got] = await sub.call<Outcome<Tensor4>[]>('conv2d', { cases: [{ input, kernel }] });
  // F.conv2d added the bias; myConv2d has none: the expected output is the golden one without it.
  const want = build4(c.output_shape as Shape4, (b, o, i, j) => c.output[b][o][i][j] - c.bias[o]);
  checkConvAnswer(got, { name: 'the golden input [2, 3, 7, 7] and kernel [4, 3, 3, 3] (F.conv2d\'s output minus its bias)', input, kernel }, want, '2: myConv2d, cross-correlation, stride 1, no padding', [[FLIPPED, mistakes.conv2d_flipped as Tensor4]]);
});

test('2.scratch: conv2d-scratch.ts imports no package', async () => {
  checkScratch(['conv2d-scratch.ts'], '2');
  // Clean imports count once the file holds the work: an output of the right shape for the golden input, all
  // numbers, not constant (whether it is the right convolution is 2.golden's and 2.random's business).
  const [got] = await sub.call<Outcome<Tensor4>[]>('conv2d', { cases: [{ input: c.input as Tensor4, kernel: c.weight as Tensor4 }] });
  const values = got && 'value' in got && shapeOf(got.value).join() === c.output_shape.join() ? got.value.flat(3) : [];
  const ok = values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v)) && new Set(values).size > 1;
  if (!ok) throw new GradingFailure(`conv2d-scratch.ts imports no package, but myConv2d does not compute an output [${c.output_shape.join(', ')}] for the golden input yet${got && 'error' in got ? ` (it threw ${got.error})` : ''}: nothing from scratch to credit yet (2.golden says more)`);
});
