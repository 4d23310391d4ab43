// D. The iterations the student reports: at least two architectures that the grader can rebuild, each with
// the parameter count the grader counts (PyTorch's way). Their accuracies are measured by D.accuracy
// (tests/hidden), with the training budget.
import { countParameters, gradeParts, GradingFailure, note, num, useSubmission, type Part } from 'dlgrade/kit';
import { test } from 'vitest';
import { BUDGET_TEXT } from '../../budget.ts';
import { forwardShape } from '../../convnet-checks.ts';
import { iterationLabel, readIterations } from '../../iterations-checks.ts';
import { MAX_ITERATIONS } from '../../probes.ts';

const sub = useSubmission();

test('D.iterations: ITERATIONS: at least two architectures that build, each with the parameter count the grader counts', async () => {
  const its = await readIterations(sub);
  if (its.count > MAX_ITERATIONS) note(`ITERATIONS has ${its.count} entries: the first ${MAX_ITERATIONS} are checked and measured`);
  const parts: Part[] = [
    {
      name: 'at least two iterations',
      check: () => {
        if (its.count < 2) throw new GradingFailure(`ITERATIONS: expected at least two iterations (the seed asks for "at least two iterations of your architectural experiments"), got ${its.kind === 'array' ? its.count : `${its.kind}, not an array`} (D)`);
        const names = its.entries.map((e) => e.name);
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (dup !== undefined) throw new GradingFailure(`ITERATIONS: two iterations are named ${JSON.stringify(dup)}: give each a unique name (D)`);
      },
    },
    ...its.entries.map((e) => ({
      name: iterationLabel(e),
      check: async () => {
        const where = `ITERATIONS[${e.index}] (${iterationLabel(e)})`;
        if (typeof e.name !== 'string' || !e.name.trim() || typeof e.description !== 'string' || !e.description.trim()) {
          throw new GradingFailure(`${where}: expected a non-empty name and description (strings), got name ${JSON.stringify(e.name)}, description ${JSON.stringify(e.description)} (D)`);
        }
        if (typeof e.accuracy !== 'number' || !(e.accuracy >= 0 && e.accuracy <= 100)) {
          throw new GradingFailure(`${where}: expected the held-out accuracy you measured, in percent (0..100), got ${JSON.stringify(e.accuracy)} (D: \`npx tsx experiments.ts\` measures it with the grader's budget: ${BUDGET_TEXT})`);
        }
        if (e.error) throw new GradingFailure(`${where}: build() failed: ${e.error} (D)`);
        const model = await sub.rebuild(e.model, `${where}.build()`);
        forwardShape(model, 2, `${where}: the model on a [2, 32, 32, 3] batch`);
        const counted = countParameters(model).total;
        if (e.params !== counted) {
          const buffers = countParameters(model).buffers;
          const hint = typeof e.params === 'number' && e.params === counted + buffers ? ": your figure includes BatchNorm's moving mean and variance (model.countParams() counts them); PyTorch counts parameters only" : '';
          throw new GradingFailure(`${where}: you report ${typeof e.params === 'number' ? num(e.params) : JSON.stringify(e.params)} parameters, the grader counts ${num(counted)} in the model build() returns${hint} (D: experiments.ts prints the right figure)`);
        }
      },
    })),
  ];
  await gradeParts(parts);
});
