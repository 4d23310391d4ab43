// Training a layer chain without the gradient tape (layer-chain.ts + chain-step.ts): which models qualify, and
// that one step gives the tape's loss, gradients and BatchNormalization statistics on wasm.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convNet } from '../models/convnet.ts';
import { fullyConnectedClassifier } from '../models/fully-connected.ts';
import { initEngine } from './backend.ts';
import { chainTrainStep, softmaxCrossEntropy } from './chain-step.ts';
import { keptColumns } from './kernels/conv-columns-cache.ts';
import { planChain } from './layer-chain.ts';
import { initLikeTorch } from './torch-init.ts';

beforeAll(async () => {
  await initEngine('wasm');
});

/** A small conv net exercising what the ConvNet does not: valid padding, stride 2, BN without scale/center, avg pooling, other activations. */
function variedNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 2], filters: 5, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu' }),
      tf.layers.batchNormalization({ center: false, scale: false, epsilon: 1e-5, momentum: 0.9 }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 1, useBias: false }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 7, activation: 'tanh' }),
      tf.layers.activation({ activation: 'sigmoid' }),
      tf.layers.dense({ units: 6 }),
      tf.layers.activation({ activation: 'swish' }),
      tf.layers.dense({ units: 3 }),
    ],
  });
}

const cases: { name: string; make: () => tf.LayersModel; input: number[]; classes: number; ops: string }[] = [
  {
    name: 'ConvNet (conv, BN, ReLU, max pooling, dense)',
    make: () => convNet(),
    input: [32, 32, 3],
    classes: 10,
    ops: 'conv2d batchnorm relu pool conv2d batchnorm relu pool conv2d batchnorm relu pool flatten dense:relu dense',
  },
  { name: 'FC [128, 64] SiLU', make: () => fullyConnectedClassifier({ imageSize: [28, 28, 1], hiddenUnits: [128, 64], activation: 'silu' }), input: [28, 28, 1], classes: 10, ops: 'flatten dense smooth dense smooth dense' },
  { name: 'valid/strided conv, plain BN, avg pooling, tanh, sigmoid, leaky ReLU', make: variedNet, input: [12, 12, 2], classes: 3, ops: 'conv2d:relu batchnorm activation conv2d pool flatten dense smooth smooth dense smooth dense' },
];

const describeOps = (m: tf.LayersModel) =>
  planChain(m)
    ?.ops.map((o) => o.kind + ('activation' in o && o.activation === 'relu' ? ':relu' : ''))
    .join(' ');

/** Gradients by variable (name without the uniquifying suffix), the loss and BN's moving statistics after one step. */
function step(m: tf.LayersModel, x: tf.Tensor, labels: Int32Array, classes: number, tape: boolean): { loss: number; grads: Record<string, Float32Array>; stats: Float32Array[] } {
  const plan = planChain(m)!;
  const out = tf.tidy(() => {
    let loss: number;
    let grads: tf.NamedTensorMap;
    if (tape) {
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      const r = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
      loss = r.value.dataSync()[0]!;
      grads = r.grads;
    } else {
      const r = chainTrainStep(plan, x, labels);
      loss = r.loss;
      grads = r.grads;
    }
    // By position among the trainable weights with the layer's kind (layer names differ between two instances).
    const byName = new Map(m.trainableWeights.map((w, i) => [(w.read() as tf.Variable).name, `${i}:${w.originalName.split('/').pop()}`]));
    return { loss, grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [byName.get(k) ?? k, Float32Array.from(g.dataSync() as Float32Array)])) };
  });
  const stats = m.weights.filter((w) => /moving_(mean|variance)/.test(w.originalName)).map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
  return { ...out, stats };
}

describe('planChain', () => {
  for (const c of cases) it(`recognises ${c.name}`, () => expect(describeOps(c.make())).toBe(c.ops));

  it('leaves to the tape what it cannot run: dropout, branches, dilation, channels first, nested models', () => {
    const dropout = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 2 })] });
    const input = tf.input({ shape: [8] });
    const a = tf.layers.dense({ units: 8 }).apply(input) as tf.SymbolicTensor;
    const branch = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.add().apply([input, a]) as tf.SymbolicTensor) as tf.SymbolicTensor });
    const dilated = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, dilationRate: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    const first = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [1, 8, 8], filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
    const nested = tf.sequential({ layers: [inner, tf.layers.dense({ units: 2 })] });
    for (const m of [dropout, branch, dilated, first, nested]) expect(planChain(m), m.name).toBeUndefined();
    // A functional chain qualifies like a Sequential one.
    const i2 = tf.input({ shape: [6] });
    const chain = tf.model({ inputs: i2, outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.dense({ units: 5, activation: 'relu' }).apply(i2)) as tf.SymbolicTensor });
    expect(describeOps(chain)).toBe('dense:relu dense');
  });
});

describe('chainTrainStep on wasm', () => {
  for (const c of cases) {
    it(`gives the tape's loss, gradients and moving statistics: ${c.name}`, () => {
      const [m1, m2] = [c.make(), c.make()];
      initLikeTorch(m1, 3);
      initLikeTorch(m2, 3);
      const x = tf.randomNormal([6, ...c.input], 0, 1, 'float32', 5);
      const labels = Int32Array.from({ length: 6 }, (_, i) => (i * 7) % c.classes);
      const tensors = tf.memory().numTensors;
      const chain = step(m1, x, labels, c.classes, false);
      expect(tf.memory().numTensors).toBe(tensors); // nothing leaks out of the step
      expect(keptColumns()).toBe(0); // every convolution's kept columns went to its filter gradient
      const tape = step(m2, x, labels, c.classes, true);
      expect(chain.loss).toBeCloseTo(tape.loss, 5);
      expect(Object.keys(chain.grads).sort()).toEqual(Object.keys(tape.grads).sort());
      // Relative to the largest gradient of the model: a conv bias feeding BatchNormalization has a gradient
      // of zero up to rounding, which no per-tensor relative error can compare.
      const scale = Math.max(...Object.values(tape.grads).map((g) => g.reduce((s, v) => Math.max(s, Math.abs(v)), 0)));
      for (const [name, g] of Object.entries(tape.grads)) {
        const got = chain.grads[name]!;
        const err = got.reduce((s, v, i) => Math.max(s, Math.abs(v - g[i]!)), 0) / scale;
        expect(err, `${name}: max |chain - tape| / max |gradient| = ${err}`).toBeLessThan(1e-5);
      }
      expect(chain.stats).toEqual(tape.stats); // same BN kernel, same update ops: bitwise
      tf.dispose([x]);
      m1.dispose();
      m2.dispose();
    });
  }

  it('computes softmax cross-entropy and its gradient like tfjs', () => {
    const logits = Float32Array.from([2, -1, 0.5, 30, 30.5, -40, 0, 0, 0]);
    const labels = [0, 1, 2];
    const { loss, grad } = softmaxCrossEntropy(logits, labels, 3, 3);
    const l = tf.tensor2d(logits, [3, 3]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    expect(loss).toBeCloseTo((tf.losses.softmaxCrossEntropy(y, l) as tf.Scalar).dataSync()[0]!, 5);
    const want = tf.grad((t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, t))(l).dataSync();
    grad.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6));
  });
});
