// Exercise C's numerical check, grader side: weights and an input the grader draws (per grading run) go
// into the submission's block (rebuilt in the grader, its parts found by block-trace.ts); its output, in
// inference mode (moving statistics) and in training mode (batch statistics), is compared with block-math.ts.
import * as tf from '@tensorflow/tfjs';
import { bottleneckBlock, type BatchNormWeights, type BlockSize, type BlockWeights, type Nhwc } from './block-math.ts';
import type { BlockLayers } from './block-trace.ts';

/** What the grader draws from: its per-run generator (uniform in [0, 1) and standard normal). */
export interface Draw {
  next(): number;
  normal(): number;
}

const normals = (rng: Draw, n: number, scale: number) => Float64Array.from({ length: n }, () => rng.normal() * scale);
const uniforms = (rng: Draw, n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => lo + (hi - lo) * rng.next());

/**
 * BatchNorm weights far from the defaults (gamma 1, beta 0, mean 0, variance 1), with some small moving
 * variances so that epsilon matters (1e-3 instead of 1e-5 changes those channels by percents).
 */
function bnWeights(rng: Draw, c: number): BatchNormWeights {
  return { gamma: uniforms(rng, c, 0.5, 1.5), beta: uniforms(rng, c, -0.5, 0.5), movingMean: uniforms(rng, c, -0.5, 0.5), movingVariance: Float64Array.from({ length: c }, (_, i) => (i % 3 === 0 ? 0.01 + 0.02 * rng.next() : 0.5 + 1.5 * rng.next())) };
}

/** Weights for a block of `size`, He-scaled kernels. */
export function drawBlockWeights(size: BlockSize, rng: Draw): BlockWeights {
  const { inChannels: i, bottleneckChannels: b, outChannels: o } = size;
  return {
    conv1: normals(rng, i * b, Math.sqrt(2 / i)),
    bn1: bnWeights(rng, b),
    conv2: normals(rng, 9 * b * b, Math.sqrt(2 / (9 * b))),
    bn2: bnWeights(rng, b),
    conv3: normals(rng, b * o, Math.sqrt(2 / b)),
    bn3: bnWeights(rng, o),
    ...(i !== o ? { shortcut: { conv: normals(rng, i * o, Math.sqrt(2 / i)), bn: bnWeights(rng, o) } } : {}),
  };
}

export function drawInput(shape: [number, number, number, number], rng: Draw): Nhwc {
  return { values: normals(rng, shape.reduce((p, d) => p * d, 1), 1), shape };
}

function setConv(layer: tf.layers.Layer | undefined, kernel: Float64Array) {
  if (!layer) throw new Error('block-forward: a traced convolution is missing');
  const [k] = layer.getWeights();
  layer.setWeights([tf.tensor(Float32Array.from(kernel), k.shape)]);
}

function setBn(layer: tf.layers.Layer | undefined, p: BatchNormWeights) {
  if (!layer) throw new Error('block-forward: a traced BatchNorm is missing');
  layer.setWeights([p.gamma, p.beta, p.movingMean, p.movingVariance].map((v) => tf.tensor1d(Float32Array.from(v))));
}

/** Writes the grader's weights into the traced parts of the submission's block. */
export function setBlockWeights(layers: BlockLayers, w: BlockWeights): void {
  setConv(layers.conv.conv1, w.conv1);
  setBn(layers.bn.bn1, w.bn1);
  setConv(layers.conv.conv2, w.conv2);
  setBn(layers.bn.bn2, w.bn2);
  setConv(layers.conv.conv3, w.conv3);
  setBn(layers.bn.bn3, w.bn3);
  if (w.shortcut) {
    setConv(layers.conv['shortcut conv'], w.shortcut.conv);
    setBn(layers.bn['shortcut bn'], w.shortcut.bn);
  }
}

export interface ForwardComparison {
  /** Largest |got - expected| / (1 + |expected|). */
  error: number;
  /** Where it is, as "[n, h, w, c]", with both values. */
  worst: string;
  shape: number[];
  expectedShape: number[];
}

/** The block's output for `x` against block-math's, in one mode; the weights must have been set. */
export function compareBlockForward(model: tf.LayersModel, size: BlockSize, w: BlockWeights, x: Nhwc, training: boolean): ForwardComparison {
  const want = bottleneckBlock(x, size, w, training);
  const got = tf.tidy(() => {
    const input = tf.tensor(Float32Array.from(x.values), x.shape);
    const y = (training ? model.apply(input, { training: true }) : model.predict(input)) as tf.Tensor;
    return { values: y.dataSync(), shape: y.shape };
  });
  const expectedShape = [...want.shape];
  if (got.shape.join() !== expectedShape.join()) return { error: Infinity, worst: '', shape: got.shape, expectedShape };
  let error = 0;
  let at = 0;
  want.values.forEach((v, i) => {
    const e = Math.abs(got.values[i] - v) / (1 + Math.abs(v));
    if (!(e <= error)) {
      error = e;
      at = i;
    }
  });
  const [, h, wd, c] = want.shape;
  const idx = [Math.floor(at / (h * wd * c)), Math.floor(at / (wd * c)) % h, Math.floor(at / c) % wd, at % c];
  return { error, worst: `[${idx.join(', ')}]: expected ${want.values[at].toFixed(5)}, got ${Number(got.values[at]).toFixed(5)}`, shape: got.shape, expectedShape };
}
