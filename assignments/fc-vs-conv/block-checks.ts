// Exercise C in the grader: the student's block and the seed's two ConvNets built from it, rebuilt from what
// the probes return; parameter counts against the seed's (per block, so a difference is traced to the blocks
// and the part that causes it), and the block's output for the grader's weights and inputs (block-trace.ts
// maps the parts, block-forward.ts computes and compares).
import type * as tf from '@tensorflow/tfjs';
import { countParameters, GradingFailure, num, ProbeError, type Rng, type Submission } from 'dlgrade/kit';
import { blockParameters, type BlockSize } from './block-math.ts';
import { compareBlockForward, drawBlockWeights, drawInput, setBlockWeights } from './block-forward.ts';
import { traceBlock } from './block-trace.ts';
import { explainAddError } from './convnet-checks.ts';
import { SEED_LAYOUTS, type SeedLayoutName } from './seed-layouts.ts';

export const sizeOf = ([inChannels, bottleneckChannels, outChannels]: [number, number, number]): BlockSize => ({ inChannels, bottleneckChannels, outChannels });
export const describeBlock = (s: [number, number, number]) => `createBottleneckResBlock(${s.join(', ')})`;

/** A build error in the sandbox, with the shortcut explained when it is the residual addition that failed. */
function explained(e: unknown, what: string): never {
  const why = e instanceof ProbeError && e.kind === 'threw' ? explainAddError(e.message) : undefined;
  if (why) throw new GradingFailure(`${what} failed: ${e instanceof Error ? e.message : String(e)}: ${why}`);
  throw e;
}

export async function blockModel(sub: Submission, size: [number, number, number]): Promise<tf.LayersModel> {
  return sub.model('block', { size }, { what: describeBlock(size) }).catch((e: unknown) => explained(e, describeBlock(size)));
}

export async function seedModel(sub: Submission, layout: SeedLayoutName): Promise<tf.LayersModel> {
  const what = `the seed's ${layout} ConvNet built from your createBottleneckResBlock`;
  return sub.model('seedConvNet', { layout }, { what }).catch((e: unknown) => explained(e, what));
}

/** What a per-block difference of parameters points to, for a block of `size`. */
function blockDifference(size: BlockSize, diff: number): string {
  const { inChannels: i, bottleneckChannels: b, outChannels: o } = size;
  const projects = i !== o;
  const causes: [number, string][] = [
    [b + b + o + (projects ? o : 0), 'the convolutions have biases (useBias: false: the seed has bias=False)'],
    [projects ? -(i * o + 2 * o) : i * o + 2 * o, projects ? 'no projection shortcut (1x1 conv + BatchNorm) although the channel counts differ' : 'a projection shortcut although the channel counts are equal (nn.Identity there)'],
    [-(2 * (b + b + o) + (projects ? 2 * o : 0)), 'no BatchNorm layers (or BatchNorm without gamma and beta)'],
  ];
  return causes.find(([d]) => d === diff)?.[1] ?? `${diff > 0 ? '+' : ''}${num(diff)}`;
}

/** Trainable parameters of one block against the seed's formula; throws naming the likely cause. */
export function expectBlockParams(model: tf.LayersModel, s: [number, number, number]): void {
  const want = blockParameters(sizeOf(s));
  const got = countParameters(model).trainable;
  if (got === want) return;
  throw new GradingFailure(`${describeBlock(s)}: expected ${num(want)} parameters (PyTorch's count: three bias-free convolutions, BatchNorm gamma and beta${s[0] !== s[2] ? ', the projection shortcut' : ''}), got ${num(got)}: ${blockDifference(sizeOf(s), got - want)} (C)`);
}

/** The seed's ConvNet against its golden count, the difference traced to the blocks whose count is off. */
export function expectSeedParams(model: tf.LayersModel, layout: SeedLayoutName, golden: number): void {
  const counts = countParameters(model);
  if (counts.trainable === golden) return;
  const blocks = SEED_LAYOUTS[layout].blocks;
  // Layer paths start with the block model's name (block1/...); the probe names them block1..block5.
  const perBlock = blocks.map((s, k) => ({ s, want: blockParameters(sizeOf(s)), got: counts.layers.filter((l) => l.path.startsWith(`block${k + 1}/`)).reduce((n, l) => n + l.trainable, 0) }));
  const off = perBlock.map((b, k) => ({ ...b, k })).filter((b) => b.got !== b.want);
  const detail = off.length ? off.map((b) => `block${b.k + 1} ${b.s.join('-')}: ${num(b.got)} instead of ${num(b.want)} (${blockDifference(sizeOf(b.s), b.got - b.want)})`).join('; ') : 'the blocks count as the seed\'s, the rest differs';
  throw new GradingFailure(`the seed's ${layout} ConvNet built from your block: expected ${num(golden)} parameters (golden, PyTorch), got ${num(counts.trainable)}; ${detail} (C)`);
}

/** Relative tolerance of the block's output against float64 (observed float32 error: ~1e-5). */
export const FORWARD_TOLERANCE = 1e-3;

/**
 * The block's output for weights and an input drawn from `rng`, in inference or training mode, against the
 * grader's computation; throws GradingFailure with the structural problem or the largest difference.
 */
export function expectBlockForward(model: tf.LayersModel, s: [number, number, number], rng: Rng, input: [number, number, number], training: boolean): void {
  const size = sizeOf(s);
  const where = `${describeBlock(s)} in ${training ? 'training' : 'inference'} mode`;
  const trace = traceBlock(model, size);
  if (!trace.ok) throw new GradingFailure(`${describeBlock(s)}: the block differs from the seed's BottleneckResBlock:\n- ${trace.problems.join('\n- ')}\n(C)`);
  const w = drawBlockWeights(size, rng);
  setBlockWeights(trace.layers, w);
  const x = drawInput([input[0], input[1], input[2], s[0]], rng);
  const c = compareBlockForward(model, size, w, x, training);
  if (c.shape.join() !== c.expectedShape.join()) throw new GradingFailure(`${where} on a [${x.shape.join(', ')}] input: expected output [${c.expectedShape.join(', ')}], got [${c.shape.join(', ')}] (C)`);
  if (c.error > FORWARD_TOLERANCE) {
    throw new GradingFailure(`${where}, with weights and an input the grader chose: the output differs from the seed's computation at ${c.worst} (C: ${training ? "BatchNorm normalises with the batch's own mean and variance in training mode" : 'BatchNorm uses its moving statistics in inference mode'}; the ReLU comes after the addition)`);
  }
}
