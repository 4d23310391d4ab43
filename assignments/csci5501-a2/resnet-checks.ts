// The ResNet-18 checks (exercise F), shared by the public and hidden suites.
import { expectClose, expectShape, GradingFailure } from '../../harness/checks/report-helpers.ts';
import type { SubmissionHandle } from '../../harness/runner/submission.ts';
import { num, topBlock } from './checks.ts';
import type { ResNetBlock } from './contract.ts';
import golden from './golden.json' with { type: 'json' };
import { uniformValues } from './inputs.ts';
import type { WeightChange } from './probes.ts';

/** The seed's six freeze options and PyTorch's trainable counts for each (golden models.json). */
export const FREEZE_OPTIONS: { blocks: ResNetBlock[] | null; key: keyof typeof golden.models.resnet18_10_classes_trainable }[] = [
  { blocks: null, key: 'none_frozen' },
  { blocks: ['conv1', 'bn1'], key: 'frozen_conv1_bn1' },
  { blocks: ['layer1'], key: 'frozen_layer1' },
  { blocks: ['layer1', 'layer2'], key: 'frozen_layer1_layer2' },
  { blocks: ['layer1', 'layer2', 'layer3'], key: 'frozen_layer1_layer2_layer3' },
  { blocks: ['layer1', 'layer2', 'layer3', 'layer4'], key: 'frozen_layer1_to_layer4' },
];

type ParamsRow = { freezeBlocks: ResNetBlock[] | null; error?: string; total: number; trainable: number; layers: { path: string; params: number; trainable: number }[] };

const show = (b: ResNetBlock[] | null) => (b ? `[${b.map((x) => `'${x}'`).join(', ')}]` : 'null');

export async function resnetParams(sub: SubmissionHandle, inputSize: number): Promise<ParamsRow[]> {
  return sub.call<ParamsRow[]>('resnetParams', { options: FREEZE_OPTIONS.map((o) => o.blocks), inputSize });
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

/** resizeImages on the golden 4x4 -> 7x7 input. */
export async function checkResizeGolden(sub: SubmissionHandle): Promise<void> {
  const g = golden.interpolate;
  const [h, w] = [g.input[0][0].length, g.input[0][0][0].length];
  // One channel: NCHW [1,1,h,w] and NHWC [1,h,w,1] hold the same numbers in the same order.
  const got = await sub.call<{ shape: number[]; values: Float32Array }>('resize', { input: Float32Array.from(g.input.flat(3)), shape: [1, h, w, 1], height: g.size[0], width: g.size[1] });
  const where = `resizeImages(4x4 image, ${g.size[0]}, ${g.size[1]}) against PyTorch's F.interpolate(mode='bilinear', align_corners=False)`;
  expectShape(got.shape, [1, g.size[0], g.size[1], 1], where);
  expectClose(got.values, g.output.flat(3), { abs: 1e-5 }, `${where} (F: tf.image.resizeBilinear(x, size, false, true) — half-pixel centres; tf.layers.resizing and halfPixelCenters = false sample other points)`);
}

/** The model resizes inside: model(x) equals model(resize(x, inputSize)) on the same weights. */
export async function checkResizesInside(sub: SubmissionHandle, inputSize: number, xShape: [number, number, number, number], seed: number): Promise<{ outputs: { input: number[]; shape?: number[]; error?: string }[] }> {
  const x = uniformValues(xShape.reduce((a, b) => a * b, 1), `resnet-x:${seed}`, 1);
  const r = await sub.call<{ outputs: { input: number[]; shape?: number[]; error?: string }[]; direct: Float32Array; resized: Float32Array }>('resnetForward', { opts: { inputSize }, inputs: [], x, xShape });
  expectClose(
    r.direct,
    r.resized,
    { abs: 1e-4, rel: 1e-3 },
    `createResNet18({ inputSize: ${inputSize} }) on a ${xShape.slice(1, 3).join('x')} image, compared with the same model on that image resized to ${inputSize}x${inputSize} (bilinear, half-pixel centres): the model must resize its input to inputSize x inputSize as its first step, like the notebook's forward (F)`,
  );
  return r;
}

export async function checkOutputShapes(sub: SubmissionHandle, inputSize: number, inputs: number[][]): Promise<void> {
  const r = await sub.call<{ outputs: { input: number[]; shape?: number[]; error?: string }[] }>('resnetForward', { opts: { inputSize }, inputs, x: new Float32Array(3 * 32 * 32), xShape: [1, 32, 32, 3] });
  for (const o of r.outputs) {
    const where = `createResNet18({ inputSize: ${inputSize} }) on a [${o.input.join(', ')}] batch`;
    if (o.error) throw new GradingFailure(`${where}: expected logits [${o.input[0]}, 10], but predict threw ${o.error} (F: the model takes images of any size and resizes them)`);
    expectShape(o.shape, [o.input[0], 10], `${where} (F: a 10-class fc head)`);
  }
}

/** After one SGD step: parameters of frozen blocks unchanged, every other parameter moved. */
export async function checkFreezeStep(sub: SubmissionHandle, blocks: ResNetBlock[], seed: number): Promise<void> {
  const rows = await sub.call<WeightChange[]>('resnetStep', { freezeBlocks: blocks, inputSize: 32, seed, batch: 2 });
  const where = `createResNet18({ freezeBlocks: ${show(blocks)} }), one SGD step (lr 0.1) on model.trainableWeights`;
  const params = rows.filter((r) => r.isParameter);
  const frozen = new Set<string>(blocks);
  const movedFrozen = params.filter((r) => frozen.has(topBlock(r.name)) && r.maxChange > 0).map((r) => r.name);
  const stuck = params.filter((r) => !frozen.has(topBlock(r.name)) && !(r.maxChange > 0)).map((r) => r.name);
  const list = (xs: string[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? `, ... (${xs.length})` : ''}`;
  if (movedFrozen.length) throw new GradingFailure(`${where}: expected the weights of ${blocks.join(', ')} to stay as they were, but these changed: ${list(movedFrozen)} (F: set layer.trainable = false on every layer of a frozen block)`);
  if (stuck.length) throw new GradingFailure(`${where}: expected every parameter outside ${blocks.join(', ')} to change, but these did not: ${list(stuck)} (F: freeze only the named top-level blocks)`);
}
