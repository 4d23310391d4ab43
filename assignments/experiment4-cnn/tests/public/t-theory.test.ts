// T.2: the output size of a convolution, (N - F + 2P) / S + 1 floored, on the notebook's figures and per-run cases.
import { test } from 'vitest';
import { GradingFailure, runRng, useSubmission } from 'dlgrade/kit';

const sub = useSubmission();

test('T.2: convOutputSize(N, F, P, S) = floor((N - F + 2P) / S) + 1', async () => {
  const rng = runRng('T.2');
  // Fig. 4 and 5 of the notebook, the model's 5x5 convolutions, then per-run cases with stride and padding.
  const cases: [number, number, number, number][] = [[5, 3, 0, 2], [3, 3, 1, 1], [32, 5, 2, 1], [16, 3, 1, 1], [7, 3, 0, 2]];
  for (let i = 0; i < 6; i++) {
    const f = 1 + 2 * rng.int(4);
    cases.push([f + rng.int(40), f, rng.int(3), 1 + rng.int(3)]);
  }
  const got = await sub.call<number[]>('convOutputSize', { cases });
  const wrong = cases
    .map(([n, f, p, s], i) => ({ n, f, p, s, want: Math.floor((n - f + 2 * p) / s) + 1, got: got[i] }))
    .filter((c) => c.got !== c.want)
    .map((c) => `N ${c.n}, F ${c.f}, P ${c.p}, S ${c.s}: expected ${c.want}, got ${c.got}${c.got === c.n - c.f + 1 ? ' (N - F + 1: the padding and the stride are missing)' : Number.isInteger(c.got) ? '' : ' (floor the division: a window that does not fit is dropped)'}`);
  if (wrong.length) throw new GradingFailure(`convOutputSize: ${wrong.length} of ${cases.length} wrong:\n- ${wrong.join('\n- ')}\n(T.2: Output = (N - F + 2P) / S + 1)`);
});
