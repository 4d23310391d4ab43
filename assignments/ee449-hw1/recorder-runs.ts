// The recorder checks of parts 3-5 end to end: the student's recorder trains a harness model (the seed's
// architecture built by the grader's code, PyTorch-style weights from a per-run seed) on synthetic images the
// grader sends, in the sandbox; the grader trains the same model from the same weights on the same batches with
// its own recorder and compares what was recorded, part by part.
import { attachArtifact, gradeParts, GradingFailure, type Submission } from 'dlgrade/kit';
import { KIND_NAMES } from './harness-models.ts';
import type { RecordOptions } from './contract.ts';
import { curveProblem, recordCurveChecks, weightsProblem } from './recorder-checks.ts';
import type { GraderRecord } from './recorder.ts';
import { wellPosedRun, type RecorderRun } from './well-posed-runs.ts';

const where = (run: RecorderRun, what: string) => `${what} on ${KIND_NAMES[run.kind]} with ${run.activation} (${run.sizes.train} training, ${run.sizes.val} validation, ${run.sizes.test} test images, batches of 50)`;

/** trainAndRecord (3.1): the five things it returns, each a part. Returns the replay for the report. */
export async function checkTrainAndRecord(sub: Submission, drawn: RecorderRun, opts: RecordOptions, look: string): Promise<GraderRecord> {
  // A set-up where rounding cannot decide the records (well-posed-runs.ts), chosen before the call.
  const { setup: { run, data }, want: r } = wellPosedRun(drawn, { optimizer: opts.optimizer, lr: opts.lr, epochs: opts.epochs });
  const got = await sub.call<Record<string, unknown>>('trainAndRecord', { kind: run.kind, activation: run.activation, seed: run.seed, data, opts }, { what: where(run, `trainAndRecord(model, data, ${JSON.stringify(opts)})`) });
  const stepsPerEpoch = Math.ceil(run.sizes.train / 50);
  const checks = recordCurveChecks(got, r, run.sizes.val, stepsPerEpoch);
  const w = where(run, `trainAndRecord(model, data, ${JSON.stringify(opts)})`);
  const fail = (p: string | undefined) => {
    if (p) throw new GradingFailure(`${w}: ${p} (the grader replayed the same training: same model, initial weights and batches; ${look})`);
  };
  await gradeParts([
    ...checks.map((c) => ({ name: c.name, check: () => fail(curveProblem(c, r.steps)) })),
    {
      name: 'testAcc',
      check: () => fail(typeof got.testAcc === 'number' && Math.abs(got.testAcc - r.testAcc!) <= 100 / run.sizes.test + 1e-9 ? undefined : `testAcc: expected ${r.testAcc} (accuracy in % on data.test after training), got ${JSON.stringify(got.testAcc)}`),
    },
    { name: 'firstLayerWeights', check: () => fail(weightsProblem(got.firstLayerWeights, r)) },
  ]);
  return r;
}

/** trainAndRecordGradients (4.1): the loss of every 10th step and the first layer's gradient norm. */
export async function checkTrainAndRecordGradients(sub: Submission, drawn: RecorderRun, opts: { lr: number; epochs: number }, look: string): Promise<GraderRecord> {
  const { setup: { run, data }, want: r } = wellPosedRun(drawn, { optimizer: 'sgd', lr: opts.lr, epochs: opts.epochs, valAtRecords: false, gradients: true });
  const got = await sub.call<Record<string, unknown>>('trainAndRecordGradients', { kind: run.kind, activation: run.activation, seed: run.seed, train: data.train, ...opts }, { what: where(run, `trainAndRecordGradients(model, train, ${JSON.stringify(opts)})`) });
  const w = where(run, `trainAndRecordGradients(model, train, ${JSON.stringify(opts)})`);
  const fail = (p: string | undefined) => {
    if (p) throw new GradingFailure(`${w}: ${p} (the grader replayed the same training; ${look})`);
  };
  await gradeParts([
    {
      name: 'lossCurve',
      check: () => fail(curveProblem({ name: 'lossCurve', got: got.lossCurve, want: r.stepLossCurve, kind: 'loss', alternatives: [['the mean of the 10 steps since the previous record; the seed records loss.item() of the recording step', r.lossCurve]] }, r.steps)),
    },
    {
      name: 'gradCurve',
      check: () => {
        const alternatives: [string, number[]][] = [['the squared norm (the sum of squares, without the square root)', r.gradCurve.map((g) => g * g)]];
        fail(curveProblem({ name: 'gradCurve', got: got.gradCurve, want: r.gradCurve, kind: 'relative', alternatives }, r.steps));
      },
    },
  ]);
  return r;
}

/** The replay's curves (parts 3 and 5) as report series. */
export function attachCurves(title: string, records: { name: string; r: GraderRecord }[]): void {
  const x = (r: GraderRecord, n: number) => Array.from({ length: n }, (_, k) => 10 * (k + 1));
  attachArtifact('series', { title: `${title}: training loss (mean of 10 steps)`, xLabel: 'step', yLabel: 'loss', lines: records.map(({ name, r }) => ({ name, x: x(r, r.lossCurve.length), y: r.lossCurve })) });
  attachArtifact('series', {
    title: `${title}: accuracy (%)`,
    xLabel: 'step',
    yLabel: 'accuracy (%)',
    lines: records.flatMap(({ name, r }) => [
      ...(r.trainAccCurve.length ? [{ name: `${name} train`, x: x(r, r.trainAccCurve.length), y: r.trainAccCurve }] : []),
      ...(r.valAccCurve.length ? [{ name: `${name} validation`, x: x(r, r.valAccCurve.length), y: r.valAccCurve }] : []),
    ]),
  });
}

/** A first layer's kernel as an image grid: one cell per unit (Dense [in, out] over 32x32x3 images, Conv2D [kh, kw, in, out]). */
export function weightGrid(title: string, kernel: { shape: number[]; values: ArrayLike<number> }): Parameters<typeof attachArtifact<'images'>>[1] {
  const { shape, values } = kernel;
  if (shape.length === 2) {
    const [inputs, units] = shape;
    const side = Math.round(Math.sqrt(inputs / 3));
    return {
      title,
      columns: Math.min(units, 8),
      cells: Array.from({ length: units }, (_, u) => ({ label: `unit ${u}`, height: side, width: side, channels: 3, values: Array.from({ length: inputs }, (_, i) => values[i * units + u]) })),
    };
  }
  const [kh, kw, cin, cout] = shape;
  return {
    title,
    columns: Math.min(cout, 8),
    cells: Array.from({ length: cout }, (_, o) => ({ label: `filter ${o}`, height: kh, width: kw, channels: cin, values: Array.from({ length: kh * kw * cin }, (_, i) => values[i * cout + o]) })),
  };
}
