// What the harness itself says about the seed's ConvNet (harness/models/convnet.ts, built here in the grader):
// the output shape after every layer (table B.1) and the parameters per layer. Tests compare the
// submission's table and its rebuilt model with these, never with figures copied from the submission.
import * as tf from '@tensorflow/tfjs';
import { countParameters, GradingFailure, type Submission } from 'dlgrade/kit';
import { convNet, formatShapeHWC } from 'dlgrade/kit/models';
import type { ConvNetOptions } from './contract.ts';

export interface ConvNetExpectation {
  /** Table B.1: "Input" then one row per layer, HxWxC strings as the seed writes them. */
  table: { layerType: string; outputShape: string }[];
  /** Parameters of each layer that has any, in order (Conv2D, BatchNorm, ..., Dense). */
  layerParams: { kind: string; params: number }[];
  trainable: number;
}

const KIND: Record<string, string> = {
  Conv2D: 'Conv2D',
  BatchNormalization: 'BatchNorm',
  ReLU: 'Activation',
  MaxPooling2D: 'MaxPooling',
  Flatten: 'Flatten',
  Dense: 'Fully Connected',
};

let cached: ConvNetExpectation | undefined;

export function convNetExpectation(): ConvNetExpectation {
  if (cached) return cached;
  const model = convNet();
  try {
    const table = [{ layerType: 'Input', outputShape: formatShapeHWC([null, 32, 32, 3]) }];
    for (const l of model.layers) table.push({ layerType: KIND[l.getClassName()] ?? l.getClassName(), outputShape: formatShapeHWC(l.outputShape as (number | null)[]) });
    const counts = countParameters(model);
    cached = {
      table,
      layerParams: counts.layers.filter((l) => l.params > 0).map((l) => ({ kind: l.kind, params: l.params })),
      trainable: counts.trainable,
    };
    return cached;
  } finally {
    model.dispose();
  }
}

/**
 * A probe failure that came from createConvNet throwing the way tfjs throws on a non-layer in the layer list
 * becomes feedback naming the likely cause (the seed's placeholder strings left in nn.Sequential); anything
 * else is rethrown as it is.
 */
export function explainConvNetError(e: unknown, opts: ConvNetOptions | undefined): never {
  const kind = (e as { kind?: string }).kind;
  if (kind === 'threw' && e instanceof Error && /layer\.apply is not a function|reading 'length'|inboundNodes|is not a Layer|Write code here/i.test(e.message)) {
    throw new GradingFailure(
      `createConvNet(${JSON.stringify(opts ?? {})}) failed: ${e.message}. Expected a model built from layers only: something in the layer list is not a tf.layers.Layer — most likely a placeholder string ("Write code here.") left in the list (B.2: remove the placeholders and add the missing layers)`,
    );
  }
  throw e;
}

/** The student's ConvNet rebuilt in the grader, with explainConvNetError's feedback. */
export async function convnetModel(sub: Submission, opts?: ConvNetOptions): Promise<tf.LayersModel> {
  try {
    return await sub.model('convnetModel', { opts }, { what: `createConvNet(${JSON.stringify(opts ?? {})})` });
  } catch (e) {
    explainConvNetError(e, opts);
  }
}
