// Exercise A.1 in the grader: SimpleMLP's expected parameter count and its forward pass, on the model rebuilt
// from what createSimpleMLP built. The forward check sets weights the grader draws into the two Dense layers and
// compares the output on inputs the grader draws with its own float64 flatten -> linear -> ReLU -> linear; when
// it differs, it says which common variant the output matches (no ReLU, an activation on the output, softmax).
import * as tf from '@tensorflow/tfjs';
import { ACTIVATION_FNS, architectureTokens, fmtShape, GradingFailure, inspectModel, linear, num, walkLayers, type Rng } from 'dlgrade/kit';
import type { SimpleMLPOptions } from './contract.ts';

export const MLP_DEFAULTS = { imageShape: [32, 32, 3] as [number, number, number], hiddenDim: 100, numClasses: 10 };

export const describeOpts = (opts?: SimpleMLPOptions) => `createSimpleMLP(${opts ? JSON.stringify(opts) : ''})`;

/** nn.Linear(in, hidden) + nn.Linear(hidden, classes): weights and biases. */
export function mlpParameters(opts: SimpleMLPOptions = {}): { total: number; layers: [number, number] } {
  const { imageShape, hiddenDim, numClasses } = { ...MLP_DEFAULTS, ...opts };
  const inputs = imageShape.reduce((a, b) => a * b, 1);
  const layers: [number, number] = [inputs * hiddenDim + hiddenDim, hiddenDim * numClasses + numClasses];
  return { total: layers[0] + layers[1], layers };
}

/** "the Dense layers: 3,072 -> 100 (307,300), 100 -> 10 (1,010)" from the rebuilt model. */
export function denseSummary(model: tf.LayersModel): string {
  const dense = walkLayers(model).filter((l) => l.layer.getClassName() === 'Dense');
  if (!dense.length) return 'no Dense layer';
  return dense
    .map((l) => {
      const k = l.weights.find((w) => w.shortName === 'kernel')?.variable.shape ?? [];
      const b = l.weights.some((w) => w.shortName === 'bias');
      return `${num(Number(k[0]))} -> ${num(Number(k[1]))}${b ? '' : ' without bias'} (${num(l.weights.reduce((s, w) => s + w.variable.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0))})`;
    })
    .join(', ');
}

type Variant = { name: string; out: (h: Float64Array, k2: Float32Array, b2: Float32Array, n: number, hidden: number, classes: number) => Float64Array };

const relu = (v: Float64Array) => v.map(ACTIVATION_FNS.relu);

function softmaxRows(z: Float64Array, classes: number): Float64Array {
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i += classes) {
    const row = z.subarray(i, i + classes);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, k) => (out[i + k] = v / s));
  }
  return out;
}

// The seed's forward first; the others only name what a wrong output matches.
const VARIANTS: Variant[] = [
  { name: 'the seed', out: (h, k2, b2, n, _hidden, c) => linear(relu(h), n, k2, b2, c) },
  { name: 'no ReLU after fc1 (the hidden layer is linear)', out: (h, k2, b2, n, _hidden, c) => linear(h, n, k2, b2, c) },
  { name: 'a ReLU after fc2 as well (the logits are clipped at 0)', out: (h, k2, b2, n, _hidden, c) => relu(linear(relu(h), n, k2, b2, c)) },
  { name: 'a softmax after fc2 (the model must return raw logits: the loss applies the softmax)', out: (h, k2, b2, n, _hidden, c) => softmaxRows(linear(relu(h), n, k2, b2, c), c) },
];

/**
 * Sets the grader's weights into the rebuilt SimpleMLP and compares its output on `batch` images with the
 * seed's forward in float64. Throws GradingFailure with what came and what it matches.
 */
export function checkMlpForward(model: tf.LayersModel, opts: SimpleMLPOptions, rng: Rng, batch: number): void {
  const { imageShape, hiddenDim, numClasses } = { ...MLP_DEFAULTS, ...opts };
  const inputs = imageShape.reduce((a, b) => a * b, 1);
  const where = `${describeOpts(opts)} on a [${[batch, ...imageShape].join(', ')}] batch`;
  const dense = walkLayers(model).filter((l) => l.layer.getClassName() === 'Dense');
  const shapeOf = (l: (typeof dense)[number], w: string) => l.weights.find((x) => x.shortName === w)?.variable.shape.join();
  const ok = dense.length === 2 && shapeOf(dense[0]!, 'kernel') === [inputs, hiddenDim].join() && shapeOf(dense[1]!, 'kernel') === [hiddenDim, numClasses].join() && dense.every((l) => l.weights.length === 2);
  if (!ok) {
    throw new GradingFailure(
      `${where}: expected exactly two Dense layers with biases, fc1 ${num(inputs)} -> ${hiddenDim} and fc2 ${hiddenDim} -> ${numClasses} after a flatten, got ${denseSummary(model)}; layers: ${architectureTokens(inspectModel(model).layers).join(' -> ')} (A.1)`,
    );
  }
  const draw = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  const [k1, b1, k2, b2] = [draw(inputs * hiddenDim, 1 / Math.sqrt(inputs)), draw(hiddenDim, 0.5), draw(hiddenDim * numClasses, 1 / Math.sqrt(hiddenDim)), draw(numClasses, 0.5)];
  dense[0]!.layer.setWeights([tf.tensor(k1, [inputs, hiddenDim]), tf.tensor1d(b1)]);
  dense[1]!.layer.setWeights([tf.tensor(k2, [hiddenDim, numClasses]), tf.tensor1d(b2)]);
  // Images in [0, 1] with a shift per channel, so that flattening in another order would show.
  const x = Float32Array.from({ length: batch * inputs }, (_, i) => rng.next() + 0.2 * (i % imageShape[2]));
  const got = tf.tidy(() => {
    const y = model.predict(tf.tensor(x, [batch, ...imageShape])) as tf.Tensor;
    return { shape: y.shape, values: y.dataSync() };
  });
  if (got.shape.join() !== [batch, numClasses].join()) throw new GradingFailure(`${where}: expected logits [${batch}, ${numClasses}], got ${fmtShape(got.shape)} (A.1)`);
  const h = linear(x, batch, k1, b1, hiddenDim);
  const err = (want: Float64Array) => Math.max(...want.map((v, i) => Math.abs(got.values[i]! - v) / (1 + Math.abs(v))));
  const [seed, ...others] = VARIANTS.map((v) => ({ name: v.name, want: v.out(h, k2, b2, batch, hiddenDim, numClasses) }));
  const e = err(seed!.want);
  if (e <= 1e-4) return;
  const match = others.find((v) => err(v.want) <= 1e-4);
  const i = got.values.findIndex((v, j) => Math.abs(v - seed!.want[j]!) / (1 + Math.abs(seed!.want[j]!)) === e);
  throw new GradingFailure(
    `${where}, with weights the grader set: expected the seed's forward relu(x.flatten() @ W1 + b1) @ W2 + b2, got a different output (logit ${i}: expected ${seed!.want[i]!.toFixed(4)}, got ${got.values[i]!.toFixed(4)})${match ? `: it matches ${match.name}` : ''} (A.1)`,
  );
}
