import * as tf from '@tensorflow/tfjs';
import { BN_TRAIN_GRAD, batchNormTrain, updateMovingStatistics } from './kernels/batchnorm-train.ts';
import { withGradientsExpected } from './kernels/conv-columns-cache.ts';
import { fusedReluGrad } from './kernels/relu-grad.ts';
import type { ChainOp, ChainPlan, PlanVariable } from './layer-chain.ts';

// One training step of a layer chain (layer-chain.ts) without tfjs's gradient tape: the forward pass calls the
// kernels tfjs-layers would call (same values), keeps what each backward needs, and the backward pass calls
// each layer's gradient kernels directly. For a small model at batch 32 the tape's own work (a node and a
// clone per saved tensor, ~200 kernel dispatches a step, the backprop bookkeeping) cost as much as the maths.
// The loss is softmax cross-entropy with the batch mean, computed with its gradient in float64 on the host
// (a [batch, classes] array: two dozen kernel dispatches saved). Gradients are those of the tape within float
// rounding (tested); runs are deterministic.

/** Gradients keyed like tf.variableGrads (the backing variable's name), for an optimizer's applyGradients. */
export interface ChainStep {
  /** Mean softmax cross-entropy of the batch (float64). */
  loss: number;
  grads: tf.NamedTensorMap;
}

interface Saved {
  x: tf.Tensor;
  y: tf.Tensor;
  /** sigmoid(x), kept by swish for its derivative. */
  s?: tf.Tensor;
  /** BatchNormalization's batch statistics. */
  mean?: tf.Tensor;
  variance?: tf.Tensor;
}

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> = {}): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

function reluBackward(y: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return fusedReluGrad(y, dy) ?? tf.mul(dy, tf.cast(tf.step(y), 'float32'));
}

function forward(op: ChainOp, x: tf.Tensor, training: boolean): Saved {
  switch (op.kind) {
    case 'dense': {
      const y = run('_FusedMatMul', { a: x, b: op.kernel.read(), ...(op.bias ? { bias: op.bias.read() } : {}) }, { transposeA: false, transposeB: false, activation: op.activation });
      return { x, y };
    }
    case 'conv2d': {
      const attrs = { strides: op.strides, pad: op.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: op.activation };
      return { x, y: run('FusedConv2D', { x, filter: op.kernel.read(), ...(op.bias ? { bias: op.bias.read() } : {}) }, attrs) };
    }
    case 'batchnorm': {
      const C = x.shape[x.rank - 1]!;
      const gamma = op.gamma ? op.gamma.read() : tf.ones([C]);
      const [y, mean, variance] = batchNormTrain(x, gamma, op.beta?.read(), op.epsilon);
      if (training) updateMovingStatistics(op.movingMean, op.movingVariance, mean, variance, op.momentum);
      return { x, y, mean, variance };
    }
    case 'relu':
      return { x, y: tf.relu(x) };
    case 'smooth': {
      if (op.fn === 'sigmoid') return { x, y: tf.sigmoid(x) };
      if (op.fn === 'tanh') return { x, y: tf.tanh(x) };
      // tfjs-layers' swish is sigmoid(x * 1) * x: the same values.
      const s = tf.sigmoid(x);
      return { x, y: tf.mul(s, x), s };
    }
    case 'activation':
      return { x, y: op.apply(x) };
    case 'pool':
      return { x, y: run(op.mode === 'max' ? 'MaxPool' : 'AvgPool', { x }, { filterSize: op.filterSize, strides: op.strides, pad: op.pad }) };
    case 'flatten':
      return { x, y: tf.reshape(x, [x.shape[0]!, -1]) };
  }
}

/** dL/dx of one op from dL/dy; parameter gradients go into `grads` (trainable variables only). */
function backward(op: ChainOp, s: Saved, dy: tf.Tensor, needDx: boolean, grads: tf.NamedTensorMap): tf.Tensor | undefined {
  const put = (v: PlanVariable | undefined, g: () => tf.Tensor) => {
    if (v && v.trainable) grads[(v.read() as tf.Variable).name] = g();
  };
  switch (op.kind) {
    case 'dense': {
      const dz = op.activation === 'relu' ? reluBackward(s.y, dy) : dy;
      put(op.kernel, () => run('BatchMatMul', { a: s.x, b: dz }, { transposeA: true, transposeB: false }));
      put(op.bias, () => tf.sum(dz, 0));
      return needDx ? run('BatchMatMul', { a: dz, b: op.kernel.read() }, { transposeA: false, transposeB: true }) : undefined;
    }
    case 'conv2d': {
      const dz = op.activation === 'relu' ? reluBackward(s.y, dy) : dy;
      const kernel = op.kernel.read();
      const attrs = { strides: op.strides, pad: op.pad, dataFormat: 'NHWC' };
      put(op.kernel, () => run('Conv2DBackpropFilter', { x: s.x, dy: dz }, { ...attrs, filterShape: kernel.shape }));
      put(op.bias, () => tf.sum(dz, [0, 1, 2]));
      return needDx ? run('Conv2DBackpropInput', { dy: dz, filter: kernel }, { ...attrs, inputShape: s.x.shape }) : undefined;
    }
    case 'batchnorm': {
      const C = s.x.shape[s.x.rank - 1]!;
      const gamma = op.gamma ? op.gamma.read() : tf.ones([C]);
      const [dx, dgamma, dbeta] = tf.engine().runKernel(BN_TRAIN_GRAD, { x: s.x, dy, gamma, mean: s.mean!, variance: s.variance! }, { epsilon: op.epsilon }) as tf.Tensor[];
      put(op.gamma, () => dgamma!);
      put(op.beta, () => dbeta!);
      return dx;
    }
    case 'relu':
      return reluBackward(s.y, dy);
    case 'smooth':
      // sigmoid' = y (1 - y); tanh' = 1 - y^2; swish' = s + x s (1 - s) = s + y (1 - s).
      if (op.fn === 'sigmoid') return tf.mul(dy, tf.mul(s.y, tf.sub(1, s.y)));
      if (op.fn === 'tanh') return tf.mul(dy, tf.sub(1, tf.square(s.y)));
      return tf.mul(dy, tf.add(s.s!, tf.mul(s.y, tf.sub(1, s.s!))));
    case 'activation':
      return tf.grad((t: tf.Tensor) => op.apply(t))(s.x, dy);
    case 'pool':
      return op.mode === 'max'
        ? run('MaxPoolGrad', { dy, input: s.x, output: s.y }, { filterSize: op.filterSize, strides: op.strides, pad: op.pad })
        : run('AvgPoolGrad', { dy, input: s.x }, { filterSize: op.filterSize, strides: op.strides, pad: op.pad });
    case 'flatten':
      return tf.reshape(dy, s.x.shape);
  }
}

/**
 * Mean softmax cross-entropy of logits [b, k] against class indices, and its gradient (softmax - onehot) / b,
 * in float64 from the float32 logits.
 */
export function softmaxCrossEntropy(logits: Float32Array, labels: ArrayLike<number>, b: number, k: number): { loss: number; grad: Float32Array } {
  const grad = new Float32Array(b * k);
  let total = 0;
  for (let i = 0; i < b; i++) {
    const row = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[row + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[row + j]! - max);
    const logSum = max + Math.log(sum);
    const label = labels[i]!;
    total += logSum - logits[row + label]!;
    for (let j = 0; j < k; j++) grad[row + j] = (Math.exp(logits[row + j]! - logSum) - (j === label ? 1 : 0)) / b;
  }
  return { loss: total / b, grad };
}

/**
 * Forward and backward through the chain on one batch: x [b, ...inputShape], labels (class indices, one per
 * image). Returns the loss and the gradients of the trainable variables; updates BatchNormalization's moving
 * statistics as a training call does. Call inside tf.tidy (the gradients are tidy's to free).
 */
export function chainTrainStep(plan: ChainPlan, x: tf.Tensor, labels: ArrayLike<number>): ChainStep {
  const saved: Saved[] = [];
  let h = x;
  // Convolutions keep their im2col columns for the filter gradients below (conv-columns-cache.ts).
  withGradientsExpected(() => {
    for (const op of plan.ops) {
      const s = forward(op, h, true);
      saved.push(s);
      h = s.y;
    }
  });
  if (h.rank !== 2) throw new Error(`chainTrainStep: the chain's output is [${h.shape}], expected [batch, classes] logits`);
  const [b, k] = h.shape as [number, number];
  const { loss, grad } = softmaxCrossEntropy(h.dataSync() as Float32Array, labels, b, k);
  let dy: tf.Tensor | undefined = tf.tensor2d(grad, [b, k]);
  const grads: tf.NamedTensorMap = {};
  for (let i = plan.ops.length - 1; i >= 0 && dy; i--) {
    dy = backward(plan.ops[i]!, saved[i]!, dy, i > 0, grads);
  }
  return { loss, grads };
}
