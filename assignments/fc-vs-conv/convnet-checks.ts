// Exercise B in the grader: the student's ConvNet rebuilt from what createConvNet built, its forward on a
// batch the grader makes, and feedback that names the cause when it fails: a flatten size guessed for another
// pooling (the seed's skeleton: "Just a guess of dimensions"), a block whose shortcut cannot be added, the
// layers that hold most of the parameters or the multiply-adds.
import * as tf from '@tensorflow/tfjs';
import { fmtShape, GradingFailure, num, ProbeError, walkLayers, type Submission } from 'dlgrade/kit';
import { forwardMacs } from './compute-cost.ts';

/** The contract's compute cap for B (and the iterations of D): multiply-adds per 32x32x3 image. */
export const MAX_MACS = 40_000_000;
export const IMAGE: [number, number, number] = [32, 32, 3];

/** A sandbox error of the residual addition, explained (exercise C's shortcut). */
export function explainAddError(message: string): string | undefined {
  const m = /could not be broadcast together with shapes \[([^\]]*)\] \[([^\]]*)\]/.exec(message);
  if (!m) return undefined;
  const ch = (s: string) => s.split(',').pop()?.trim();
  return `the residual addition got ${ch(m[1]!)} and ${ch(m[2]!)} channels: when a block's input and output channel counts differ, the shortcut must project them (nn.Conv2d(in, out, 1, bias=False) + nn.BatchNorm2d(out)); the identity shortcut only fits when they are equal (C)`;
}

/** createConvNet(numClasses) rebuilt in the grader; a build error in the sandbox comes back explained. */
export async function convNetModel(sub: Submission, numClasses?: number): Promise<tf.LayersModel> {
  const what = `createConvNet(${numClasses ?? ''})`;
  try {
    return await sub.model('convNet', { numClasses }, { what });
  } catch (e) {
    const why = e instanceof ProbeError && e.kind === 'threw' ? explainAddError(e.message) : undefined;
    if (why) throw new GradingFailure(`${what} failed: ${e instanceof Error ? e.message : String(e)}: ${why}; your ConvNet uses createBottleneckResBlock (B)`);
    throw e;
  }
}

/** Reshape layers whose target size differs from what reaches them: the skeleton's guessed flatten size. */
export function guessedFlatten(model: tf.LayersModel): string | undefined {
  for (const { layer, path } of walkLayers(model)) {
    if (layer.getClassName() !== 'Reshape') continue;
    const target = (layer.getConfig() as { targetShape?: number[] }).targetShape ?? [];
    let input: (number | null)[];
    try {
      input = (layer.input as tf.SymbolicTensor).shape.slice(1);
    } catch {
      continue;
    }
    const have = input.reduce<number>((p, d) => p * (d ?? NaN), 1);
    const want = target.reduce((p, d) => p * (d === -1 ? NaN : d), 1);
    if (Number.isFinite(have) && Number.isFinite(want) && have !== want) {
      return `the Reshape "${path}" turns ${input.join('x')} = ${num(have)} values per image into [${target.join(', ')}] = ${num(want)}: the flatten size is a guess that does not fit the layers before it (the skeleton's 16 * 16 * 16 fits one 2x2 pooling of 16 channels; after yours the map is ${input.join('x')}). Compute it from the shape (H * W * C after the last pooling) or use tf.layers.flatten(), which needs no size`;
    }
  }
  return undefined;
}

/**
 * Runs the rebuilt ConvNet on zeros [batch, 32, 32, 3]; returns its output shape, or throws GradingFailure
 * with the cause (`where` names the call, e.g. "createConvNet() on a [2, 32, 32, 3] batch").
 */
export function forwardShape(model: tf.LayersModel, batch: number, where: string): number[] {
  try {
    return tf.tidy(() => (model.predict(tf.zeros([batch, ...IMAGE])) as tf.Tensor).shape);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const guess = guessedFlatten(model);
    const inputShape = model.inputs[0]?.shape;
    const input = inputShape && inputShape.slice(1).join() !== IMAGE.join() ? `; the model takes ${fmtShape(inputShape)}, expected [batch, 32, 32, 3] (tf.input({ shape: [32, 32, 3] }) or inputShape: [32, 32, 3])` : '';
    throw new GradingFailure(`${where}: the forward pass failed with "${msg}"${guess ? `: ${guess}` : input} (B)`);
  }
}

/** Why the grader cannot train the model on 32x32x3 images (its input is not that size), or undefined. */
export function inputProblem(model: tf.LayersModel): string | undefined {
  const shape = model.inputs[0]?.shape ?? [];
  if (shape.slice(1).join() === IMAGE.join()) return undefined;
  return `the model takes input ${fmtShape(shape)}: give it the image size, tf.input({ shape: [32, 32, 3] }) or inputShape: [32, 32, 3], so it can be trained on [batch, 32, 32, 3] batches`;
}

/** Whether the model has a convolution (the challenge is a ConvNet, not a smaller MLP). */
export function hasConvolution(model: tf.LayersModel): boolean {
  return walkLayers(model).some(({ layer }) => ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'].includes(layer.getClassName()));
}

/** "Dense 'fc' 524,352 (8192 -> 64)" for the layers with the most parameters. */
export function biggestLayers(model: tf.LayersModel, count = 3): string {
  return walkLayers(model)
    .map(({ layer, path, weights }) => ({ path, kind: layer.getClassName(), n: weights.filter((w) => w.isParameter).reduce((s, w) => s + w.variable.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0), kernel: weights.find((w) => w.shortName === 'kernel')?.variable.shape }))
    .filter((l) => l.n > 0)
    .sort((a, b) => b.n - a.n)
    .slice(0, count)
    .map((l) => `${l.kind} "${l.path}" ${num(l.n)}${l.kind === 'Dense' && l.kernel ? ` (${num(Number(l.kernel[0]))} inputs x ${num(Number(l.kernel[1]))} units)` : ''}`)
    .join(', ');
}

/** Multiply-adds per image and the layers doing most of them, for B.compute's message. */
export function computeReport(model: tf.LayersModel): { total: number; top: string } {
  const c = forwardMacs(model, IMAGE);
  const top = [...c.layers]
    .sort((a, b) => b.macs - a.macs)
    .slice(0, 3)
    .map((l) => `${l.kind} "${l.path}" ${(l.macs / 1e6).toFixed(1)} M`)
    .join(', ');
  return { total: c.total, top };
}
