import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from './seed.ts';
import { walkLayers, type WalkedLayer } from './layer-walk.ts';
import { seedDropout } from './seeded-dropout.ts';

// PyTorch's default initialisation, drawn from our seeded Rng, for an existing tf.LayersModel.
//   nn.Linear / nn.Conv*d: weight kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
//                          bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)); fan_in = in_channels/groups * prod(kernel).
//   nn.ConvTranspose*d: the same formula applied to its weight (in, out/groups, *k), so fan_in = out * prod(k).
//   nn.BatchNorm*d / nn.LayerNorm: weight 1, bias 0; running mean 0, running var 1.
//   nn.Embedding: N(0, 1). nn.PReLU: 0.25.
// tfjs's own initialisers (Glorot uniform, zeros) give other distributions and draw from Math.random unless
// each is given a seed, so a port that keeps PyTorch's training curves re-initialises here. The numbers are
// not PyTorch's own (different generator), only their distribution; the same seed gives the same weights
// on every backend because they are drawn in JS and written with LayerVariable.write.

export interface TorchInitOptions {
  /** Also seed every dropout layer's mask stream (see seeded-dropout.ts). Default true. */
  seedDropout?: boolean;
}

export interface TorchInitReport {
  /** Layer paths whose weights were set. */
  initialised: string[];
  /** Dropout layer paths whose masks were seeded. */
  dropout: string[];
}

type Fill = (n: number, rng: Rng) => Float32Array;

const uniform =
  (bound: number): Fill =>
  (n, rng) => {
    // a[i] = -bound + 2 * bound * rng.next(), in order (one wasm loop for large weights).
    const a = new Float32Array(n);
    rng.fill(a, -bound, 2 * bound);
    return a;
  };
const constant =
  (v: number): Fill =>
  (n) =>
    new Float32Array(n).fill(v);
const normal: Fill = (n, rng) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
};

const prod = (xs: readonly number[]) => xs.reduce((p, v) => p * v, 1);

function shapeOf(l: WalkedLayer, name: string): number[] {
  const w = l.weights.find((x) => x.shortName === name);
  if (!w) throw new Error(`initLikeTorch: layer "${l.path}" (${l.layer.getClassName()}) has no "${name}" weight (has ${l.weights.map((x) => x.shortName).join(', ') || 'none'})`);
  return w.variable.shape as number[];
}

/** Layer kinds fillsFor knows; all have weights once built. */
const WEIGHTED_KINDS = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'BatchNorm2d', 'LayerNormalization', 'Embedding', 'PReLU']);

/** The fill for each weight of a layer, by weight short name; undefined when the layer kind is unknown. */
function fillsFor(l: WalkedLayer): Record<string, Fill> | undefined {
  const kind = l.layer.getClassName();
  const linearLike = (fanIn: number): Record<string, Fill> => ({ kernel: uniform(1 / Math.sqrt(fanIn)), bias: uniform(1 / Math.sqrt(fanIn)) });
  switch (kind) {
    case 'Dense':
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D': {
      // tfjs kernels are [...kernel, in, out]: fan_in = prod(kernel) * in.
      const k = shapeOf(l, 'kernel');
      return linearLike(prod(k.slice(0, -1)));
    }
    case 'Conv2DTranspose': {
      // tfjs kernel [kh, kw, out, in]; PyTorch's weight is (in, out, kh, kw) and its fan_in is out * kh * kw.
      const k = shapeOf(l, 'kernel');
      return linearLike(k[0] * k[1] * k[2]);
    }
    case 'DepthwiseConv2D': {
      // PyTorch: Conv2d(in, in * mult, groups=in), weight (in * mult, 1, kh, kw): fan_in = kh * kw.
      const k = shapeOf(l, 'depthwise_kernel');
      const b = uniform(1 / Math.sqrt(k[0] * k[1]));
      return { depthwise_kernel: b, bias: b };
    }
    case 'SeparableConv2D': {
      // Two PyTorch convs: depthwise (fan_in kh*kw), then pointwise 1x1 (fan_in in*mult) which owns the bias.
      const d = shapeOf(l, 'depthwise_kernel');
      const p = shapeOf(l, 'pointwise_kernel');
      const pb = uniform(1 / Math.sqrt(p[2]));
      return { depthwise_kernel: uniform(1 / Math.sqrt(d[0] * d[1])), pointwise_kernel: pb, bias: pb };
    }
    case 'BatchNormalization':
    case 'BatchNorm2d': // harness/models/batch-norm2d.ts: PyTorch's running-variance update
    case 'LayerNormalization':
      return { gamma: constant(1), beta: constant(0), moving_mean: constant(0), moving_variance: constant(1) };
    case 'Embedding':
      return { embeddings: normal };
    case 'PReLU':
      return { alpha: constant(0.25) };
    default:
      return undefined;
  }
}

/**
 * Re-initialises every weight of `model` (nested models included) as PyTorch would, from `seed`, and by
 * default seeds its dropout layers from the same stream (after all weights, so the weights do not depend on
 * whether dropout is seeded). Throws, naming the layer, for a layer with weights whose PyTorch default is
 * unknown here or that is not built yet.
 */
export function initLikeTorch(model: tf.LayersModel | tf.layers.Layer, seed: number | string | Rng, opts: TorchInitOptions = {}): TorchInitReport {
  const rng = typeof seed === 'object' ? seed : makeRng(seed);
  const initialised: string[] = [];
  const walked = walkLayers(model);
  for (const l of walked) {
    if (!l.layer.built && WEIGHTED_KINDS.has(l.layer.getClassName())) {
      throw new Error(`initLikeTorch: layer "${l.path}" (${l.layer.getClassName()}) is not built yet, so it has no weights to set; give the model an inputShape or call model.build()/predict() first`);
    }
    if (l.weights.length === 0) continue;
    const fills = fillsFor(l);
    if (!fills) {
      throw new Error(
        `initLikeTorch: no PyTorch default known for layer "${l.path}" (${l.layer.getClassName()}) with weights ${l.weights.map((w) => w.shortName).join(', ')}; add it to harness/engine/torch-init.ts`,
      );
    }
    for (const w of l.weights) {
      const fill = fills[w.shortName];
      if (!fill) throw new Error(`initLikeTorch: unexpected weight "${w.shortName}" in layer "${l.path}" (${l.layer.getClassName()})`);
      const shape = w.variable.shape as number[];
      const t = tf.tensor(fill(prod(shape), rng), shape, 'float32');
      w.variable.write(t);
      t.dispose();
    }
    initialised.push(l.path);
  }
  const dropout = opts.seedDropout === false ? [] : seedDropout(model, rng);
  return { initialised, dropout };
}
