// B.train and D.accuracy: the grader trains models itself, with the seed's budget (budget.ts) on the synthetic
// CIFAR-like set: the student's ConvNet next to SimpleMLP (the harness's own, so a broken A.1 cannot lower the
// bar), then every ITERATIONS architecture, whose measured accuracy is compared with the claimed one. An
// architecture built twice (createConvNet is usually one of the iterations) is trained once.
import * as tf from '@tensorflow/tfjs';
import { attachArtifact, countParameters, flagManual, GradingFailure, note, num, seed, useSubmission, type ArtifactValue } from 'dlgrade/kit';
import { fullyConnectedClassifier } from 'dlgrade/kit/models';
import { test } from 'vitest';
import golden from '../../golden.json' with { type: 'json' };
import { BUDGET_TEXT, budgetData, measure, type Measurement } from '../../budget.ts';
import { computeReport, convNetModel, forwardShape, hasConvolution, inputProblem, MAX_MACS } from '../../convnet-checks.ts';
import { ACCURACY_TOLERANCE, architectureKey, iterationLabel, readIterations } from '../../iterations-checks.ts';

const sub = useSubmission();
const measured = new Map<string, Measurement>();

/** The budget's measurement of a rebuilt model, once per architecture. */
function measureOnce(model: tf.LayersModel, key: string): Measurement {
  let m = measured.get(key);
  if (!m) {
    m = measure(model, budgetData(seed('data')), seed());
    measured.set(key, m);
  }
  return m;
}

/** SimpleMLP as the harness builds it (308,310 parameters), measured with the same budget and images. */
function baseline(): Measurement {
  const mlp = fullyConnectedClassifier({ imageSize: [32, 32, 3], hiddenUnits: [100], activation: 'relu' });
  try {
    const n = countParameters(mlp).trainable;
    if (n !== golden.models.simple_mlp) throw new Error(`the harness's SimpleMLP has ${n} parameters, golden ${golden.models.simple_mlp}`);
    return measureOnce(mlp, 'SimpleMLP');
  } finally {
    mlp.dispose();
  }
}

const pct = (x: number) => `${x.toFixed(1)}%`;

test('B.train: at least SimpleMLP\'s held-out accuracy, both trained by the grader with the seed\'s budget on the same images', async () => {
  const model = await convNetModel(sub);
  forwardShape(model, 2, 'createConvNet() on a [2, 32, 32, 3] batch');
  const params = countParameters(model).total;
  const input = inputProblem(model);
  if (input) throw new GradingFailure(`createConvNet(): not trained: ${input} (B)`);
  if (!hasConvolution(model)) {
    throw new GradingFailure("createConvNet(): not trained: the model has no convolution layer (Conv2D, DepthwiseConv2D or SeparableConv2D). The challenge is a convolutional network (the seed: \"construct a new network with multiple convolutional layers\") (B)");
  }
  const { total: macs } = computeReport(model);
  if (macs > MAX_MACS) throw new GradingFailure(`createConvNet(): not trained: ${num(macs)} multiply-adds per image is over the ${num(MAX_MACS)} cap (see B.compute) (B)`);
  const mlp = baseline();
  const key = architectureKey(model.toJSON(undefined, false));
  const mine = measureOnce(model, key);
  // Gradescope's leaderboard: held-out accuracy as a fraction (reports print it in percent), higher first;
  // parameters, fewer first.
  attachArtifact('leaderboard', { board: 'ConvNet challenge', values: { accuracy: Math.round(mine.accuracy * 10) / 1000, params }, order: { accuracy: 'desc', params: 'asc' } });
  attachArtifact('scatter', {
    title: 'ConvNet challenge: held-out accuracy against parameters',
    xLabel: 'parameters',
    yLabel: 'held-out accuracy (%)',
    logX: true,
    frontier: true,
    points: [
      { label: 'your ConvNet', x: params, y: mine.accuracy, group: 'ConvNet' },
      { label: 'SimpleMLP', x: golden.models.simple_mlp, y: mlp.accuracy, group: 'baseline' },
    ],
  });
  attachArtifact('curves', { title: `Your ConvNet (${num(params)} parameters): training loss per epoch`, trainLoss: mine.epochLoss });
  attachArtifact('curves', { title: `SimpleMLP (${num(golden.models.simple_mlp)} parameters), same budget`, trainLoss: mlp.epochLoss });
  note(`your ConvNet: ${num(params)} parameters, ${pct(mine.accuracy)} held-out accuracy; SimpleMLP: ${num(golden.models.simple_mlp)} parameters, ${pct(mlp.accuracy)} (${BUDGET_TEXT})`);
  if (mine.accuracy >= mlp.accuracy) return;
  const last = mine.epochLoss[mine.epochLoss.length - 1]!;
  const why =
    last > 0.9 * Math.log(10)
      ? `: its training loss ended at ${last.toFixed(3)}, near ln(10) = 2.303 (chance), so it barely learned in the budget: give it more capacity (filters), pool less aggressively, or add BatchNorm`
      : `: its training loss fell to ${last.toFixed(3)}; compare the architectures in your iterations`;
  throw new GradingFailure(`createConvNet(): expected at least SimpleMLP's held-out accuracy (${pct(mlp.accuracy)}) under the same budget, got ${pct(mine.accuracy)}${why} (B)`);
});

test('D.accuracy: each iteration\'s claimed accuracy against the grader\'s measurement with the same budget (a mismatch is flagged for D.1)', async () => {
  const its = await readIterations(sub);
  const mlp = baseline();
  const points: ArtifactValue<'scatter'>['points'] = [{ label: 'SimpleMLP', x: golden.models.simple_mlp, y: mlp.accuracy, group: 'baseline (measured)' }];
  const flags: string[] = its.entries.length ? [] : [`ITERATIONS ${its.kind === 'array' ? 'is empty' : `is ${its.kind}, not an array`}: no figure to compare`];
  for (const e of its.entries) {
    const label = iterationLabel(e);
    const claimed = typeof e.accuracy === 'number' ? e.accuracy : undefined;
    if (e.error || !e.model) {
      flags.push(`${label}: not measured (build() failed: ${e.error ?? 'no model'}); claimed ${claimed ?? JSON.stringify(e.accuracy)}%`);
      continue;
    }
    const model = await sub.rebuild(e.model, `ITERATIONS[${e.index}].build()`);
    forwardShape(model, 2, `ITERATIONS[${e.index}] (${label}): the model on a [2, 32, 32, 3] batch`);
    const params = countParameters(model).total;
    const input = inputProblem(model);
    if (input) {
      flags.push(`${label}: not measured: ${input}; claimed ${claimed ?? JSON.stringify(e.accuracy)}%`);
      continue;
    }
    const { total: macs } = computeReport(model);
    if (macs > MAX_MACS) {
      flags.push(`${label}: not measured: ${num(macs)} multiply-adds per image, over the ${num(MAX_MACS)} cap; claimed ${claimed ?? JSON.stringify(e.accuracy)}%`);
      continue;
    }
    const m = measureOnce(model, architectureKey(model.toJSON(undefined, false)));
    points.push({ label: String(e.name), x: params, y: m.accuracy, group: 'measured by the grader' });
    if (claimed !== undefined) points.push({ label: String(e.name), x: typeof e.params === 'number' ? e.params : params, y: claimed, group: 'claimed' });
    note(`${label}: ${num(params)} parameters, measured ${pct(m.accuracy)}, claimed ${claimed === undefined ? JSON.stringify(e.accuracy) : pct(claimed)}`);
    if (claimed === undefined || Math.abs(claimed - m.accuracy) > ACCURACY_TOLERANCE) {
      flags.push(`${label}: claimed ${claimed === undefined ? JSON.stringify(e.accuracy) : pct(claimed)}, the grader measured ${pct(m.accuracy)} on the same architecture with the same budget`);
    }
  }
  attachArtifact('scatter', { title: 'Your iterations: held-out accuracy against parameters', xLabel: 'parameters', yLabel: 'held-out accuracy (%)', logX: true, frontier: true, points });
  if (!flags.length) return;
  const message = `the figures reported in ITERATIONS do not all match the grader's measurement (${BUDGET_TEXT}; the same run on another engine differs by up to about 3 points, so more than ${ACCURACY_TOLERANCE} is flagged):\n- ${flags.join('\n- ')}`;
  flagManual('D.1', message);
  throw new GradingFailure(`${message}\nThis costs no points here; the person grading D.1 sees it. Run \`npx tsx experiments.ts\` and report what it prints (D)`);
});
