// B. ConvNet: table B.1 against the harness's own shapes, output shapes (B.3), exact parameter count (B.2),
// on the model rebuilt in the grader.
import { test } from 'vitest';
import { attachArtifact, expectShape, fmtShape, gradeParts, GradingFailure, inspectModel, modelArtifact, num, partialCredit, useSubmission, type ArtifactValue } from 'dlgrade/kit';
import { parseShape } from '../../checks.ts';
import { convNetExpectation, convnetModel } from '../../convnet-expected.ts';
import golden from '../../golden.json' with { type: 'json' };

const sub = useSubmission();

test('B.table: shape table B.1 agrees with the shapes the harness computes', async () => {
  const expected = convNetExpectation().table;
  const got = await sub.call<unknown>('shapeTable');
  if (!Array.isArray(got)) {
    throw new GradingFailure(`SHAPE_TABLE: expected an array of ${expected.length} rows { layerType, description, outputShape }, got ${JSON.stringify(got)} (B.1)`);
  }
  const rows: ArtifactValue<'shapeTable'>[] = [];
  const wrong: string[] = [];
  // The Input row is given; the 16 rows after it are the answer.
  expected.forEach((e, i) => {
    const row = got[i] as { outputShape?: unknown } | undefined;
    const submitted = row && typeof row === 'object' ? row.outputShape : undefined;
    const ok = JSON.stringify(parseShape(submitted)) === JSON.stringify(parseShape(e.outputShape));
    rows.push({ layer: `${i}: ${e.layerType}`, expected: e.outputShape, ...(submitted === undefined ? {} : { submitted: String(submitted) }), correct: ok });
    if (!ok && i > 0) wrong.push(`row ${i} (${e.layerType}): expected ${e.outputShape}, got ${submitted === undefined ? 'no row' : JSON.stringify(submitted)}`);
  });
  for (const r of rows) attachArtifact('shapeTable', r);
  const answered = expected.length - 1;
  partialCredit((answered - wrong.length) / answered, `${answered - wrong.length} of ${answered} shapes right`);
  if (got.length !== expected.length) wrong.push(`the table has ${got.length} rows, expected ${expected.length} (Input plus one row per layer)`);
  if (wrong.length) {
    throw new GradingFailure(`SHAPE_TABLE (B.1): ${wrong.length} problem(s):\n- ${wrong.join('\n- ')}\n(a 3x3 convolution with padding 'same' keeps HxW; a 2x2 max pool with stride 2 halves it; Flatten gives H*W*C)`);
  }
});

test('B.shape: output is [batch, classes] for batches 1 and 5 and 7 classes', async () => {
  const cases: [number, number][] = [
    [1, 10],
    [5, 10],
    [2, 7],
  ];
  await gradeParts(
    cases.map(([batch, classes]) => ({
      name: `batch ${batch}, ${classes} classes`,
      check: async () => {
        const model = await convnetModel(sub, classes === 10 ? undefined : { numClasses: classes });
        const o = inspectModel(model, { inputs: [[batch, 32, 32, 3]] }).outputs[0]!;
        const where = `createConvNet(${classes === 10 ? '' : `{ numClasses: ${classes} }`}) on a [${batch}, 32, 32, 3] batch`;
        if (o.error) throw new GradingFailure(`${where}: expected logits [${batch}, ${classes}], but predict threw ${o.error} (B.3)`);
        expectShape(o.shape, [batch, classes], `${where} (B.2/B.3)`);
      },
    })),
  );
});

test('B.params: 63,402 trainable parameters, layer by layer', async () => {
  const want = convNetExpectation();
  if (want.trainable !== golden.models.convnet) throw new Error(`harness/models/convnet.ts has ${want.trainable} parameters, golden ${golden.models.convnet}: the harness's model is wrong`);
  const model = await convnetModel(sub);
  attachArtifact('models', modelArtifact(model, 'ConvNet', golden.models.convnet));
  const { params, layers } = inspectModel(model);
  const got = params.layers.filter((l) => l.params > 0);
  if (params.trainable === golden.models.convnet && got.length === want.layerParams.length) return;
  const rows = want.layerParams.map((e, i) => {
    const g = got[i];
    return `${e.kind} ${num(e.params)}${g ? (g.params === e.params && g.kind === e.kind ? '' : ` <- got ${g.kind} ${num(g.params)}`) : ' <- missing'}`;
  });
  if (got.length > want.layerParams.length) rows.push(`extra: ${got.slice(want.layerParams.length).map((g) => `${g.kind} ${num(g.params)}`).join(', ')}`);
  throw new GradingFailure(
    `createConvNet(): expected ${num(golden.models.convnet)} trainable parameters (PyTorch's figure; BatchNorm moving statistics are not parameters), got ${num(params.trainable)}. Layers with parameters, expected vs got:\n  ${rows.join('\n  ')}\n(B.2: filters 12/24/48 with 3x3 kernels, BatchNorm after each convolution, Dense(64) after the 768-wide Flatten; the last layer's output is ${fmtShape(layers.at(-1)?.outputShape)})`,
  );
});
