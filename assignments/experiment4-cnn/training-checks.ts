// Exercise F's checks: train_one_epoch replayed in the grader (replay.ts) and compared weight for weight,
// its returned metrics, evaluate() in inference mode, and fit()'s best checkpoint. Shared by public and hidden
// suites, which call them with different per-run set-ups.
import * as tf from '@tensorflow/tfjs';
import { GradingFailure, type Rng } from 'dlgrade/kit';
import type { ArrayImages } from './loaders.ts';
import { loopModelWeights, type LoopModelSpec } from './loop-model.ts';
import type { LoopEpoch } from './probes.ts';
import { LOOP_MISTAKES, replayLoop, type LoopSetup, type LoopVariant } from './replay.ts';

type Call = <R>(probe: string, args: unknown) => Promise<R>;

/** Uniform noise in +-scale, plus a per-image, per-channel offset in +-offset (images that differ as wholes). */
export function randomImages(rng: Rng, n: number, shape: [number, number, number], classes: number, scale = 2, offset = 0): ArrayImages {
  const [h, w, c] = shape;
  const shift = Float32Array.from({ length: n * c }, () => (2 * rng.next() - 1) * offset);
  return {
    x: Float32Array.from({ length: n * h * w * c }, (_, i) => (2 * rng.next() - 1) * scale + shift[Math.floor(i / (h * w * c)) * c + (i % c)]!),
    y: Int32Array.from({ length: n }, () => rng.int(classes)),
    shape,
  };
}

export function loopSetup(rng: Rng, over: Partial<LoopSetup> & { n: number }): LoopSetup {
  const spec: LoopModelSpec = over.spec ?? { shape: [6, 6, 3], filters: 4, classes: 4 };
  const seed = 1 + rng.int(1e9);
  return {
    spec,
    data: over.data ?? randomImages(rng, over.n, spec.shape, spec.classes),
    batchSize: 8,
    epochs: 2,
    seed,
    initialWeights: loopModelWeights(spec, seed + 1),
    maxLr: 0.5,
    pctStart: 0.3,
    mixupAlpha: 0.4,
    maxGradNorm: 0.3,
    labelSmoothing: 0.04,
    ...over,
  };
}

const maxDiff = (a: Float32Array, b: Float32Array) => (a.length !== b.length ? Infinity : a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0));

export function describeSetup(s: LoopSetup): string {
  return `trainOneEpoch x ${s.epochs} on a small model (${s.data.y.length} images in batches of ${s.batchSize}, mixupAlpha ${s.mixupAlpha}, maxGradNorm ${s.maxGradNorm}, label smoothing ${s.labelSmoothing}, OneCycleLR to ${s.maxLr} over ${s.epochs * Math.ceil(s.data.y.length / s.batchSize)} steps)`;
}

/**
 * The weights after each epoch must be where the grader's replay of the contract's steps lands. `make` draws a
 * set-up; one where clipping acts on some step (a gradient norm above 1.2 x maxGradNorm, the replay tells) is
 * kept, so clipping at the wrong place cannot pass by luck.
 */
export async function checkLoopTrajectory(call: Call, make: () => LoopSetup): Promise<void> {
  let setup = make();
  let want = await replayLoop(setup);
  for (let tries = 1; tries < 8 && !want.gradNorms.some((n) => n > 1.2 * setup.maxGradNorm); tries++) {
    setup = make();
    want = await replayLoop(setup);
  }
  const got = await call<LoopEpoch[]>('trainEpochs', { setup });
  const where = describeSetup(setup);
  const batches = Math.ceil(setup.data.y.length / setup.batchSize);
  const bad = want.epochs.findIndex((e, i) => !(maxDiff(got[i]?.weights ?? new Float32Array(), e.weights) <= 1e-5));
  if (bad < 0) return;
  // Name the mistake: first from what the optimizer and scheduler were asked to do, then by replaying the usual mistakes.
  const g = got[bad]!;
  const steps = (g.events.match(/S/g) ?? []).length;
  const schedules = (g.events.match(/s/g) ?? []).length;
  const hints: string[] = [];
  if (steps !== batches) hints.push(`optimizer.applyGradients ran ${steps} times in epoch ${bad + 1}, once per batch is ${batches}`);
  if (schedules !== batches) hints.push(`scheduler.step() ran ${schedules} times in epoch ${bad + 1}; ${LOOP_MISTAKES['schedule-per-epoch']}`);
  if (g.stepNorms.some((n) => n > setup.maxGradNorm * (1 + 1e-4))) hints.push(`the optimizer received gradients of norm up to ${Math.max(...g.stepNorms).toFixed(4)} > maxGradNorm ${setup.maxGradNorm}: ${LOOP_MISTAKES['clip-after-step']}`);
  if (!hints.length) {
    for (const v of ['no-smoothing', 'clip-after-step', 'schedule-per-epoch'] as LoopVariant[]) {
      const alt = await replayLoop(setup, v);
      if (alt.epochs.every((e, i) => maxDiff(got[i]?.weights ?? new Float32Array(), e.weights) <= 1e-5)) {
        hints.push(LOOP_MISTAKES[v as Exclude<LoopVariant, 'torch'>]);
        break;
      }
    }
  }
  const d = maxDiff(g.weights, want.epochs[bad]!.weights);
  throw new GradingFailure(
    `${where}: after epoch ${bad + 1} the weights differ from the grader's replay of the contract's steps by up to ${Number.isFinite(d) ? d.toPrecision(3) : 'a different number of values'}${hints.length ? `: ${hints.join('; ')}` : ' (per batch: MixUp with the given random, one training-mode forward, the criterion, gradients, clip, optimizer step, scheduler step)'} (F.1, contract.ts Trainer)`,
  );
}

/** The returned loss and lambda-weighted accuracy, on a run whose learning rate is 0 (the weights never move). */
export async function checkLoopMetrics(call: Call, rng: Rng): Promise<void> {
  // Find a set-up where weighting by lambda changes the accuracy (the grader's own replays tell), so counting
  // against yA only cannot pass by luck.
  let setup: LoopSetup | undefined;
  let want: Awaited<ReturnType<typeof replayLoop>> | undefined;
  for (let tries = 0; tries < 8; tries++) {
    const spec: LoopModelSpec = { shape: [4, 4, 3], filters: 4, classes: 5 };
    const s = loopSetup(rng, { n: 40, spec, batchSize: 16, epochs: 1, maxLr: 0, mixupAlpha: 1, data: randomImages(rng, 40, spec.shape, spec.classes, 0.5, 3) });
    s.initialWeights = loopModelWeights(spec, s.seed + 1, { logitScale: 30 });
    const w = await replayLoop(s);
    const yA = await replayLoop(s, 'accuracy-y-a');
    setup = s;
    want = w;
    if (Math.abs(w.epochs[0]!.accuracy - yA.epochs[0]!.accuracy) > 1) break;
  }
  const got = await call<LoopEpoch[]>('trainEpochs', { setup });
  const e = want!.epochs[0]!;
  const g = got[0]!;
  const where = `${describeSetup(setup!)}, learning rate 0`;
  const problems: string[] = [];
  if (!(typeof g.loss === 'number' && Math.abs(g.loss - e.loss) <= 1e-5 * Math.max(1, e.loss))) problems.push(`loss: expected ${e.loss} (the mean of the batch losses lam * criterion(yA) + (1 - lam) * criterion(yB)), got ${g.loss}`);
  if (!(typeof g.accuracy === 'number' && Math.abs(g.accuracy - e.accuracy) <= 1e-3)) {
    const yA = (await replayLoop(setup!, 'accuracy-y-a')).epochs[0]!.accuracy;
    problems.push(`accuracy: expected ${e.accuracy.toFixed(4)}%, got ${g.accuracy}${typeof g.accuracy === 'number' && Math.abs(g.accuracy - yA) <= 1e-3 ? `: ${LOOP_MISTAKES['accuracy-y-a']}` : ' (100 * the lambda-weighted correct count / the number of images)'}`);
  }
  if (problems.length) throw new GradingFailure(`${where}:\n- ${problems.join('\n- ')}\n(F.1: the metrics trainOneEpoch returns)`);
}

export interface EvalCase {
  spec: LoopModelSpec;
  weights: Float32Array[];
  data: ArrayImages;
  batchSize: number;
}

/** What evaluate() must return for `c`: inference mode, plain cross-entropy, mean of the batch means. */
export function expectedEvaluation(c: EvalCase, build: (spec: LoopModelSpec) => tf.LayersModel, setWeights: (m: tf.LayersModel, w: Float32Array[]) => void): { loss: number; accuracy: number; smoothed: number; perSample: number } {
  const model = build(c.spec);
  setWeights(model, c.weights);
  const per = c.spec.shape.reduce((a, b) => a * b, 1);
  const n = c.data.y.length;
  let lossSum = 0;
  let smoothSum = 0;
  let sampleSum = 0;
  let correct = 0;
  let batches = 0;
  try {
    for (let s = 0; s < n; s += c.batchSize) {
      const b = Math.min(c.batchSize, n - s);
      const [l, ls, hits] = tf.tidy(() => {
        const logits = model.predict(tf.tensor4d(c.data.x.subarray(s * per, (s + b) * per), [b, ...c.spec.shape])) as tf.Tensor2D;
        const onehot = tf.oneHot(tf.tensor1d(c.data.y.subarray(s, s + b), 'int32'), c.spec.classes);
        return [
          tf.losses.softmaxCrossEntropy(onehot, logits).dataSync()[0]!,
          tf.losses.softmaxCrossEntropy(onehot, logits, undefined, 0.04).dataSync()[0]!,
          tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(c.data.y.subarray(s, s + b), 'int32')), 'float32')).dataSync()[0]!,
        ];
      });
      lossSum += l;
      smoothSum += ls;
      sampleSum += l * b;
      correct += hits;
      batches++;
    }
  } finally {
    model.dispose();
  }
  return { loss: lossSum / batches, accuracy: (100 * correct) / n, smoothed: smoothSum / batches, perSample: sampleSum / n };
}

