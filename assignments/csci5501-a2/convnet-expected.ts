// What the seed says of its ConvNet, as data: table B.1's output shapes (PyTorch's, golden models.json) and the
// parameters of each layer that has any. Tests compare the submission's table and its rebuilt model with
// these, never with figures copied from the submission. (harness/models/convnet.ts builds the same network;
// harness/models/models.test.ts checks it against the same goldens. It is not imported here: grading code
// that ships to students must not carry the exercise's answer as code.)
import type * as tf from '@tensorflow/tfjs';
import { GradingFailure, type Submission } from 'dlgrade/kit';
import type { ConvNetOptions } from './contract.ts';
import golden from './golden.json' with { type: 'json' };

export interface ConvNetExpectation {
  /** Table B.1: "Input" then one row per layer, HxWxC strings as the seed writes them. */
  table: { layerType: string; outputShape: string }[];
  /** Parameters of each layer that has any, in order (Conv2D, BatchNorm, ..., Dense). */
  layerParams: { kind: string; params: number }[];
  trainable: number;
}

const BLOCK = ['Conv2D', 'BatchNorm', 'Activation', 'MaxPooling'];
const LAYER_TYPES = ['Input', ...BLOCK, ...BLOCK, ...BLOCK, 'Flatten', 'Fully Connected', 'Activation', 'Fully Connected'];

export function convNetExpectation(): ConvNetExpectation {
  const shapes = golden.models.convnet_shape_table_HxWxC;
  const table = LAYER_TYPES.map((layerType, i) => ({ layerType, outputShape: shapes[i]! }));
  // Conv2D k*k*in*out + out, BatchNorm 2*channels (gamma, beta), Dense in*out + out.
  const layerParams: { kind: string; params: number }[] = [];
  let channels = 3;
  for (const filters of [12, 24, 48]) {
    layerParams.push({ kind: 'Conv2D', params: 9 * channels * filters + filters }, { kind: 'BatchNormalization', params: 2 * filters });
    channels = filters;
  }
  layerParams.push({ kind: 'Dense', params: 768 * 64 + 64 }, { kind: 'Dense', params: 64 * 10 + 10 });
  return { table, layerParams, trainable: layerParams.reduce((s, l) => s + l.params, 0) };
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
