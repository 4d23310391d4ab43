// A (hidden): other widths, input sizes and class counts (drawn per run), and BatchNorm2d against PyTorch.
import { test } from 'vitest';
import { expectShape, GradingFailure, inspectModel, runRng, useSubmission } from 'dlgrade/kit';
import golden from '../../golden.json' with { type: 'json' };
import { checkBatchNorm, checkParams, checkSequence } from '../../model-checks.ts';

const sub = useSubmission();

test('A.params.widths: other widths, input size and classes: the same layers, PyTorch counts', async () => {
  const rng = runRng('A.params.widths');
  const widths = Array.from({ length: 6 }, () => 2 + rng.int(30));
  const size = [16, 24, 32][rng.int(3)]!;
  const classes = 2 + rng.int(12);
  const opts = { channels: widths, inputShape: [size, size, 3] as [number, number, number], numClasses: classes };
  const where = `createCnn(${JSON.stringify(opts)})`;
  const model = await sub.model('cnn', { opts }, { what: where });
  const o = inspectModel(model, { inputs: [[2, size, size, 3]] }).outputs[0]!;
  if (o.error) throw new GradingFailure(`${where} on a [2, ${size}, ${size}, 3] batch: predict threw ${o.error} (A: use opts.channels, opts.inputShape and opts.numClasses)`);
  expectShape(o.shape, [2, classes], `${where} on a [2, ${size}, ${size}, 3] batch`);
  checkParams(model, widths, 3, classes, where);
  checkSequence(model, widths, classes, where);
});

test("A.batchnorm: its BatchNorm layers match PyTorch's nn.BatchNorm2d (training step, running statistics, evaluation)", async () => {
  checkBatchNorm(await sub.model('cnn', {}, { what: 'createCnn()' }), golden.batchnorm2d, "createCnn()'s BatchNorm layers, rebuilt in the grader");
});
