// C (hidden): OneCycleLR with other lengths, phases (pctStart * total not a whole number), factors and momenta,
// every step compared.
import { test } from 'vitest';
import { gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import type { OneCycleOptions } from '../../contract.ts';
import { checkOneCycle } from '../../schedule-checks.ts';

const sub = useSubmission();
const call = <R>(probe: string, args: unknown) => sub.call<R>(probe, args);

test('C.onecycle.hidden: OneCycleLR with other totals, pctStart, divFactor, finalDivFactor and momenta, every step', async () => {
  const rng = runRng('C.onecycle.hidden');
  const cases: OneCycleOptions[] = [
    { maxLr: 0.001 + 0.05 * rng.next(), totalSteps: 37 + rng.int(200), pctStart: 0.17 + 0.3 * rng.next() },
    { maxLr: 0.001 + 0.05 * rng.next(), epochs: 3 + rng.int(5), stepsPerEpoch: 7 + rng.int(20), pctStart: 0.25, divFactor: 5 + 40 * rng.next(), finalDivFactor: 100 + 1e5 * rng.next(), baseMomentum: 0.8 + 0.05 * rng.next(), maxMomentum: 0.9 + 0.09 * rng.next() },
  ];
  await gradeParts(
    cases.map((opts, i) => {
      const total = opts.totalSteps ?? opts.epochs! * opts.stepsPerEpoch!;
      return { name: `schedule ${i + 1} (${total} steps)`, check: () => checkOneCycle(call, opts, Array.from({ length: total + 1 }, (_, s) => s), 'per-run') };
    }),
  );
});
