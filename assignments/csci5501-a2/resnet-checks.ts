// The ResNet-18 checks (exercise F), shared by the public and hidden suites. The student's models come back
// as data and are rebuilt here: parameter counts per freeze option, output shapes, where the resize happens and
// what a training step moves are all computed in the grader, on its own copy.
import * as tf from '@tensorflow/tfjs';
import { countParameters, expectClose, expectShape, GradingFailure, initLikeTorch, inspectModel, layerTable, num, walkLayers, type ModelData, type Rng, type Submission } from 'dlgrade/kit';
import { topBlock } from './checks.ts';
import type { ResNetBlock } from './contract.ts';
import golden from './golden.json' with { type: 'json' };
import type { ResNetRow } from './probes.ts';
import { weightFileValues } from './weights-file.ts';

/** The seed's six freeze options and PyTorch's trainable counts for each (golden models.json). */
export const FREEZE_OPTIONS: { blocks: ResNetBlock[] | null; key: keyof typeof golden.models.resnet18_10_classes_trainable }[] = [
  { blocks: null, key: 'none_frozen' },
  { blocks: ['conv1', 'bn1'], key: 'frozen_conv1_bn1' },
  { blocks: ['layer1'], key: 'frozen_layer1' },
  { blocks: ['layer1', 'layer2'], key: 'frozen_layer1_layer2' },
  { blocks: ['layer1', 'layer2', 'layer3'], key: 'frozen_layer1_layer2_layer3' },
  { blocks: ['layer1', 'layer2', 'layer3', 'layer4'], key: 'frozen_layer1_to_layer4' },
];

export interface ParamsRow {
  freezeBlocks: ResNetBlock[] | null;
  error?: string;
  total: number;
  trainable: number;
  layers: { path: string; params: number; trainable: number }[];
}

const show = (b: readonly ResNetBlock[] | null) => (b ? `[${b.map((x) => `'${x}'`).join(', ')}]` : 'null');

/** The student's ResNet for each freeze option, rebuilt and counted in the grader (one at a time). */
export async function resnetParams(sub: Submission, inputSize: number, options = FREEZE_OPTIONS.map((o) => o.blocks)): Promise<ParamsRow[]> {
  const rows = await sub.call<ResNetRow[]>('resnetModels', { options, inputSize }, { what: `createResNet18 with ${options.length} freeze options` });
  const out: ParamsRow[] = [];
  for (const [i, row] of rows.entries()) {
    const freezeBlocks = options[i] ?? null;
    if (row.error || !row.model) {
      out.push({ freezeBlocks, error: row.error ?? 'no model', total: 0, trainable: 0, layers: [] });
      continue;
    }
    const model = await sub.rebuild(row.model, `createResNet18({ freezeBlocks: ${show(freezeBlocks)} })`);
    const c = countParameters(model);
    out.push({ freezeBlocks, total: c.total, trainable: c.trainable, layers: c.layers.filter((l) => l.params > 0).map((l) => ({ path: l.path, params: l.params, trainable: l.trainable })) });
    model.dispose();
  }
  return out;
}

/** One freeze option's trainable count against the golden, naming the layers frozen wrongly. */
export function checkTrainable(row: ParamsRow, expected: number): void {
  const where = `createResNet18({ freezeBlocks: ${show(row.freezeBlocks)} })`;
  if (row.error) throw new GradingFailure(`${where}: expected a model with ${num(expected)} trainable parameters, but it threw ${row.error} (F: freezeBlocks)`);
  if (row.total !== golden.models.resnet18_10_classes_trainable.none_frozen) {
    throw new GradingFailure(`${where}: expected ${num(golden.models.resnet18_10_classes_trainable.none_frozen)} parameters in all (torchvision's resnet18 with a 10-class fc), got ${num(row.total)} (F: architecture)`);
  }
  if (row.trainable === expected) return;
  const frozen = new Set<string>(row.freezeBlocks ?? []);
  const tooFrozen = row.layers.filter((l) => l.trainable < l.params && !frozen.has(topBlock(l.path))).map((l) => l.path);
  const notFrozen = row.layers.filter((l) => l.trainable > 0 && frozen.has(topBlock(l.path))).map((l) => l.path);
  const list = (xs: string[]) => `${xs.slice(0, 6).join(', ')}${xs.length > 6 ? `, ... (${xs.length} layers)` : ''}`;
  let why = '';
  if (tooFrozen.length) {
    const substring = row.freezeBlocks?.length && tooFrozen.every((p) => row.freezeBlocks!.some((b) => p.includes(b)));
    why += `; also frozen: ${list(tooFrozen)}${substring ? ` — freezing matched the block names as substrings, so every ${row.freezeBlocks!.join('/')} inside the residual blocks froze too; freeze by top-level block name (the part of the layer name before the first ".")` : ''}`;
  }
  if (notFrozen.length) why += `; still trainable: ${list(notFrozen)}`;
  throw new GradingFailure(`${where}: expected ${num(expected)} trainable parameters (PyTorch's figure), got ${num(row.trainable)}${why} (F: freezeBlocks)`);
}

const HALF_PIXEL = "F: tf.image.resizeBilinear(x, size, false, true) — half-pixel centres; tf.layers.resizing and halfPixelCenters = false sample other points";

/** resizeImages on the golden 4x4 -> 7x7 input, and on this run's random images against the grader's resize. */
export async function checkResize(sub: Submission, rng: Rng): Promise<void> {
  const g = golden.interpolate;
  const [h, w] = [g.input[0]![0]!.length, g.input[0]![0]![0]!.length];
  // One channel: NCHW [1,1,h,w] and NHWC [1,h,w,1] hold the same numbers in the same order.
  const got = await sub.call<{ shape: number[]; values: Float32Array }>('resize', { input: Float32Array.from(g.input.flat(3)), shape: [1, h, w, 1], height: g.size[0], width: g.size[1] });
  const where = `resizeImages(4x4 image, ${g.size[0]}, ${g.size[1]}) against PyTorch's F.interpolate(mode='bilinear', align_corners=False)`;
  expectShape(got.shape, [1, g.size[0]!, g.size[1]!, 1], where);
  expectClose(got.values, g.output.flat(3), { abs: 1e-5 }, `${where} (${HALF_PIXEL})`);
  const shape: [number, number, number, number] = [2, 5 + rng.int(6), 5 + rng.int(6), 3];
  const [oh, ow] = [3 + rng.int(12), 3 + rng.int(12)];
  const input = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next());
  const mine = await sub.call<{ shape: number[]; values: Float32Array }>('resize', { input, shape, height: oh, width: ow });
  const want = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(input, shape), [oh, ow], false, true).dataSync() as Float32Array);
  const where2 = `resizeImages on [${shape.join(', ')}] random images to ${oh}x${ow}`;
  expectShape(mine.shape, [2, oh, ow, 3], where2);
  expectClose(mine.values, want, { abs: 1e-5 }, `${where2} (${HALF_PIXEL})`);
}

/** The model resizes inside: on the rebuilt model, model(x) equals model(resize(x, inputSize)), and a resize layer comes first. */
export async function checkResizesInside(sub: Submission, inputSize: number, xShape: [number, number, number, number], seed: number): Promise<void> {
  const model = await sub.model('resnetModel', { opts: { inputSize } }, { what: `createResNet18({ inputSize: ${inputSize} })` });
  initLikeTorch(model, seed);
  const where = `createResNet18({ inputSize: ${inputSize} }) on a ${xShape.slice(1, 3).join('x')} image, compared with the same model on that image resized to ${inputSize}x${inputSize} (bilinear, half-pixel centres)`;
  const [direct, resized] = tf.tidy(() => {
    const x = tf.randomUniform(xShape, 0, 1, 'float32', seed);
    const big = tf.image.resizeBilinear(x as tf.Tensor4D, [inputSize, inputSize], false, true);
    return [(model.predict(x) as tf.Tensor).dataSync() as Float32Array, (model.predict(big) as tf.Tensor).dataSync() as Float32Array];
  });
  expectClose(direct, resized, { abs: 1e-4, rel: 1e-3 }, `${where}: the model must resize its input to inputSize x inputSize as its first step, like the notebook's forward (F: ResizeBilinear from dlgrade/layers)`);
  const first = layerTable(model).find((l) => l.className !== 'InputLayer');
  if (first?.className !== 'ResizeBilinear') throw new GradingFailure(`${where}: expected the model's first layer to be the resize (ResizeBilinear({ size: ${inputSize} })), got ${first?.className ?? 'no layer'} (F)`);
}

export async function checkOutputShapes(sub: Submission, inputSize: number, inputs: number[][]): Promise<void> {
  const model = await sub.model('resnetModel', { opts: { inputSize } }, { what: `createResNet18({ inputSize: ${inputSize} })` });
  for (const o of inspectModel(model, { inputs }).outputs) {
    const where = `createResNet18({ inputSize: ${inputSize} }) on a [${o.input.join(', ')}] batch`;
    if (o.error) throw new GradingFailure(`${where}: expected logits [${o.input[0]}, 10], but predict threw ${o.error} (F: the model takes images of any size and resizes them)`);
    expectShape(o.shape, [o.input[0]!, 10], `${where} (F: a 10-class fc head)`);
  }
}

/** After one SGD step on the grader's copy: parameters of frozen blocks unchanged, every other parameter moved. */
export async function checkFreezeStep(sub: Submission, blocks: ResNetBlock[], seed: number): Promise<void> {
  const [row] = await sub.call<ResNetRow[]>('resnetModels', { options: [blocks], inputSize: 32 });
  const where = `createResNet18({ freezeBlocks: ${show(blocks)} }), one SGD step (lr 0.1) on model.trainableWeights`;
  if (!row?.model) throw new GradingFailure(`${where}: expected a model, but it threw ${row?.error ?? 'nothing'} (F: freezeBlocks)`);
  const model = await sub.rebuild(row.model, where);
  initLikeTorch(model, seed);
  const walked = walkLayers(model).flatMap((l) => l.weights);
  const before = walked.map((w) => w.variable.read().clone());
  const optimizer = tf.train.sgd(0.1);
  tf.tidy(() => {
    const xs = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', seed);
    const ys = tf.oneHot(tf.tensor1d([seed % 10, (seed + 1) % 10], 'int32'), 10);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, false, variables);
  });
  optimizer.dispose();
  const moved = walked.map((w, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(w.variable.read(), before[i]!))).dataSync()[0]!));
  tf.dispose(before);
  const params = walked.map((w, i) => ({ name: w.variable.originalName, isParameter: w.isParameter, moved: moved[i]! })).filter((r) => r.isParameter);
  const frozen = new Set<string>(blocks);
  const movedFrozen = params.filter((r) => frozen.has(topBlock(r.name)) && r.moved > 0).map((r) => r.name);
  const stuck = params.filter((r) => !frozen.has(topBlock(r.name)) && !(r.moved > 0)).map((r) => r.name);
  const list = (xs: string[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? `, ... (${xs.length})` : ''}`;
  if (movedFrozen.length) throw new GradingFailure(`${where}: expected the weights of ${blocks.join(', ')} to stay as they were, but these changed: ${list(movedFrozen)} (F: set layer.trainable = false on every layer of a frozen block)`);
  if (stuck.length) throw new GradingFailure(`${where}: expected every parameter outside ${blocks.join(', ')} to change, but these did not: ${list(stuck)} (F: freeze only the named top-level blocks)`);
}

/** The weights a model loaded from the manifest the probe wrote are the values the grader draws from the same seed. */
export async function checkWeightsFile(sub: Submission, seed: number, inputSize: number): Promise<void> {
  const data = await sub.call<ModelData>('resnetWeightsFile', { seed, inputSize }, { what: `createResNet18({ inputSize: ${inputSize}, weightsPath }) on a weights manifest of seeded values` });
  const model = await sub.rebuild(data, 'createResNet18({ weightsPath })');
  const names = (data.weights ?? []).map((w) => w.name);
  const expected = weightFileValues((data.weights ?? []).map((w) => ({ shape: w.shape })), seed);
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  const wrong: string[] = [];
  names.forEach((name, i) => {
    const got = byName.get(name)?.read().dataSync();
    const want = expected[i]!;
    if (!got || got.length !== want.length || got.some((v, k) => v !== want[k])) wrong.push(name);
  });
  if (wrong.length || !names.length) {
    throw new GradingFailure(
      `createResNet18({ weightsPath }) with a weights manifest holding seeded values for all ${names.length} weights of the model: expected the model to hold exactly those values, but ${wrong.length} weight(s) do not: ${wrong.slice(0, 5).join(', ')} (F: read the manifest and the .bin next to it, tf.io.decodeWeights, model.loadWeights; contract.ts describes the format)`,
    );
  }
}
