// 2 (hidden): myConv2d on per-run random shapes against the harness's own convolution, and a realistic batch
// (MNIST digits through a fixed bank of kernels) within the time limit, whose output grid goes to the report
// (the seed's figure 6).
import { test } from 'vitest';
import { attachArtifact, gradeParts, GradingFailure, loadMnist, note, runRng, testSpec, useSubmission } from 'dlgrade/kit';
import { checkConvAnswer, type ConvCase } from '../../conv-checks.ts';
import type { Tensor4 } from '../../contract.ts';
import { build4, conv64, convAlternatives, KERNEL_BANK, kernelBank, maxDiff, randomConvCase, tfConv } from '../../conv-expected.ts';
import type { Outcome } from '../../probes.ts';

const sub = useSubmission();

test('2.random: random shapes (odd sizes, 1 and 3 input channels, kernels that are not square) against the harness convolution', async () => {
  const rng = runRng('2.random');
  const cases: (ConvCase & { against: 'tfjs' | 'float64' })[] = [
    { ...randomConvCase(rng, 1, 'integers'), against: 'tfjs' },
    { ...randomConvCase(rng, 3, 'integers'), against: 'tfjs' },
    { ...randomConvCase(rng, 1, 'normals'), against: 'float64' },
    { ...randomConvCase(rng, 3, 'normals'), against: 'float64' },
  ];
  // The edges: a kernel as large as the input (a 1x1 output) and a 1-row kernel.
  const H = 5 + 2 * rng.int(3);
  const W = 7 + 2 * rng.int(3);
  const edge = build4([2, 3, H, W], () => rng.normal());
  cases.push({ name: `input [2, 3, ${H}, ${W}] with kernels [2, 3, ${H}, ${W}] (a 1x1 output) and [3, 3, 1, 4]`, input: edge, kernel: build4([2, 3, H, W], () => rng.normal()), against: 'float64' });
  const oneRow = build4([3, 3, 1, 4], () => rng.normal());
  const got = await sub.call<Outcome<Tensor4>[]>('conv2d', { cases: [...cases.map((c) => ({ input: c.input, kernel: c.kernel })), { input: edge, kernel: oneRow }] });
  await gradeParts(
    cases.map((c, i) => ({
      name: c.name,
      check: () => {
        // Small integers are exact in float32, so tfjs's conv2d (NHWC, converted) is exact there too.
        const want = c.against === 'tfjs' ? tfConv(c.input, c.kernel) : conv64(c.input, c.kernel);
        checkConvAnswer(got[i], c, want, '2: myConv2d', convAlternatives(c));
        if (i === cases.length - 1) {
          const row: ConvCase = { name: `input [2, 3, ${H}, ${W}] with a kernel [3, 3, 1, 4]`, input: edge, kernel: oneRow };
          checkConvAnswer(got[i + 1], row, conv64(edge, oneRow), '2: myConv2d', convAlternatives(row));
        }
      },
    })),
  );
});

test('2.speed: 64 MNIST digits through a bank of eight 5x5 kernels within the time limit', async () => {
  const mnist = loadMnist();
  const n = 64;
  // The first digit of each class, then the following digits: the report's grid shows one per class.
  const picks = Array.from({ length: 10 }, (_, d) => mnist.labels.indexOf(d)).concat(Array.from({ length: n - 10 }, (_, i) => 100 + i));
  const input: Tensor4 = picks.map((j) => [Array.from({ length: 28 }, (_, r) => Array.from(mnist.images.subarray(j * 784 + r * 28, j * 784 + (r + 1) * 28)))]);
  const kernel = kernelBank();
  const limit = testSpec('2.speed').timeoutMs ?? 5000;
  const t0 = Date.now();
  const [got] = await sub.call<Outcome<Tensor4>[]>('conv2d', { cases: [{ input, kernel }] }, { what: `myConv2d on ${n} MNIST digits [${n}, 1, 28, 28] with kernels [8, 1, 5, 5] (the limit is ${limit / 1000} s)` });
  const ms = Date.now() - t0;
  note(`myConv2d on [${n}, 1, 28, 28] x [8, 1, 5, 5]: ${ms} ms, sending the digits and the answer included (limit ${limit} ms)`);
  if (!got || 'error' in got) throw new GradingFailure(`myConv2d on ${n} MNIST digits threw ${got && 'error' in got ? got.error : 'nothing came back'} (2: myConv2d)`);
  // This test is about time on a realistic batch: correctness is 2.golden's and 2.random's. The answer must be a
  // convolution of these digits by these kernels (flipped or not), so a fast answer of zeros earns nothing.
  const want = conv64(input, kernel);
  if (!(maxDiff(got.value, want) <= 1e-9 || maxDiff(got.value, conv64(input, kernel, 'flipped')) <= 1e-9)) {
    throw new GradingFailure(`myConv2d on ${n} MNIST digits answered in ${ms} ms, but its output is not the convolution of the digits by the kernels (2.golden and 2.random say what is wrong with it)`);
  }
  const shown = 10;
  attachArtifact('images', {
    title: `2: myConv2d on MNIST digits (rows: digits 0-9; first column: the digit, then one map per kernel: ${KERNEL_BANK.map((k) => k.name).join(', ')})`,
    columns: 1 + kernel.length,
    cells: Array.from({ length: shown }, (_, b) => [
      { label: `digit ${mnist.labels[picks[b]]}`, height: 28, width: 28, channels: 1, values: input[b][0].flat(), range: [0, 1] as [number, number] },
      ...got.value[b].map((map, o) => ({ label: b === 0 ? KERNEL_BANK[o].name : undefined, height: 24, width: 24, channels: 1, values: map.flat() })),
    ]).flat(),
  });
});
