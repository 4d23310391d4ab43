import * as tf from '@tensorflow/tfjs';

// A tf.LayersModel seen as a chain of layers the engine can train without tfjs's gradient tape
// (chain-step.ts): one input, one output, each layer fed by the previous one only, every layer of a kind
// below with the settings below. planChain returns undefined for anything else, and callers keep the tape.
// Kinds: Dense (2-D input), Conv2D (channels last, dilation 1), BatchNormalization (last axis), ReLU and
// parameterless activation layers, MaxPooling2D / AveragePooling2D (channels last), Flatten (channels last).
// A ReLU layer right after a Dense or Conv2D without activation is folded into it (one fused kernel).

/** tfjs-layers' LayerVariable, as far as a plan uses it. */
export interface PlanVariable {
  read(): tf.Tensor;
  write(v: tf.Tensor): unknown;
  readonly trainable: boolean;
  readonly shape: tf.Shape;
}

/** The activation a Dense or Conv2D applies (itself, or a folded ReLU layer). */
export type FusedActivation = 'linear' | 'relu';

export type ChainOp =
  | { kind: 'dense'; name: string; kernel: PlanVariable; bias?: PlanVariable; activation: FusedActivation }
  | {
      kind: 'conv2d';
      name: string;
      kernel: PlanVariable;
      bias?: PlanVariable;
      activation: FusedActivation;
      strides: [number, number];
      pad: 'same' | 'valid';
    }
  | {
      kind: 'batchnorm';
      name: string;
      gamma?: PlanVariable;
      beta?: PlanVariable;
      movingMean: PlanVariable;
      movingVariance: PlanVariable;
      epsilon: number;
      momentum: number;
    }
  | { kind: 'relu'; name: string }
  /** x * sigmoid(x), sigmoid(x), tanh(x) (Activation layers), with their derivatives written out. */
  | { kind: 'smooth'; name: string; fn: 'swish' | 'sigmoid' | 'tanh' }
  /** Any other parameterless elementwise activation: forward by the layer's call, backward by tf.grad of it. */
  | { kind: 'activation'; name: string; apply: (x: tf.Tensor) => tf.Tensor }
  | { kind: 'pool'; name: string; mode: 'max' | 'avg'; filterSize: [number, number]; strides: [number, number]; pad: 'same' | 'valid' }
  | { kind: 'flatten'; name: string };

export interface ChainPlan {
  ops: ChainOp[];
  /** Shape of one input image as the model takes it (without the batch axis). */
  inputShape: number[];
}

/** tfjs-layers fields the plan reads (public in the JS objects, private in the typings). */
interface LayerFields {
  inboundNodes: { inboundLayers: unknown[] }[];
  activation?: { getClassName(): string };
  kernel?: PlanVariable;
  bias?: PlanVariable;
  useBias?: boolean;
  strides?: number[];
  padding?: string;
  dataFormat?: string;
  dilationRate?: number[];
  rank?: number;
  poolSize?: number[];
  axis?: number;
  epsilon?: number;
  momentum?: number;
  center?: boolean;
  scale?: boolean;
  gamma?: PlanVariable;
  beta?: PlanVariable;
  movingMean?: PlanVariable;
  movingVariance?: PlanVariable;
  maxValue?: number | null;
  call(inputs: tf.Tensor, kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

const fields = (l: tf.layers.Layer) => l as unknown as LayerFields;
const pair = (v: number[] | undefined): [number, number] | undefined => (v && v.length === 2 ? [v[0]!, v[1]!] : undefined);

/** Elementwise, parameterless activation layers whose call(x) needs no training flag. */
const ELEMENTWISE = new Set(['Activation', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Softmax']);

/** The layers of a single-input, single-output model that form one chain, in order; undefined otherwise. */
function chainLayers(model: tf.LayersModel): tf.layers.Layer[] | undefined {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return undefined;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  // Through the symbolic tensors: a Sequential keeps its input and output layers on an inner model.
  let prev: unknown = model.inputs[0]!.sourceLayer;
  for (const l of layers) {
    const nodes = fields(l).inboundNodes;
    if (nodes.length !== 1) return undefined;
    const from = nodes[0]!.inboundLayers;
    if (from.length !== 1 || from[0] !== prev) return undefined;
    prev = l;
  }
  return model.outputs[0]!.sourceLayer === prev ? layers : undefined;
}

function activationOf(l: tf.layers.Layer): string | undefined {
  return fields(l).activation?.getClassName();
}

function isReluLayer(l: tf.layers.Layer): boolean {
  const c = l.getClassName();
  return (c === 'ReLU' && fields(l).maxValue == null) || (c === 'Activation' && activationOf(l) === 'relu');
}

/** The op of an activation function by name (ReLU and linear excepted: Dense and Conv2D fuse those). */
function activationOp(name: string, fn: string, apply: (x: tf.Tensor) => tf.Tensor): ChainOp {
  return fn === 'swish' || fn === 'sigmoid' || fn === 'tanh' ? { kind: 'smooth', name, fn } : { kind: 'activation', name, apply };
}

/**
 * A Dense or Conv2D layer: fused with its activation when that is linear or ReLU, else the linear op then
 * the activation (tfjs-layers also applies those after the product and the bias: the same values).
 */
function withActivation(l: tf.layers.Layer, op: (activation: FusedActivation) => ChainOp): ChainOp[] | undefined {
  const act = fields(l).activation;
  const fn = act?.getClassName();
  if (!act || !fn) return undefined;
  if (fn === 'linear' || fn === 'relu') return [op(fn)];
  return [op('linear'), activationOp(`${l.name}/activation`, fn, (x) => (act as unknown as { apply(x: tf.Tensor): tf.Tensor }).apply(x))];
}

/** One layer as ops, or undefined when the engine cannot run it without the tape. */
function opOf(l: tf.layers.Layer): ChainOp | ChainOp[] | undefined {
  const f = fields(l);
  const name = l.name;
  const c = l.getClassName();
  if (c === 'Dense') {
    if (!f.kernel || f.kernel.shape.length !== 2) return undefined;
    return withActivation(l, (activation) => ({ kind: 'dense', name, kernel: f.kernel!, ...(f.useBias && f.bias ? { bias: f.bias } : {}), activation }));
  }
  if (c === 'Conv2D') {
    const strides = pair(f.strides);
    const dil = pair(f.dilationRate) ?? [1, 1];
    if (!f.kernel || !strides || f.dataFormat !== 'channelsLast' || dil[0] !== 1 || dil[1] !== 1) return undefined;
    if (f.padding !== 'same' && f.padding !== 'valid') return undefined;
    const pad = f.padding;
    return withActivation(l, (activation) => ({ kind: 'conv2d', name, kernel: f.kernel!, ...(f.useBias && f.bias ? { bias: f.bias } : {}), activation, strides, pad }));
  }
  if (c === 'BatchNormalization') {
    const axis = f.axis ?? -1;
    const rank = l.inputSpec?.[0]?.ndim;
    const last = axis === -1 || (rank !== undefined && axis === rank - 1);
    if (!last || !f.movingMean || !f.movingVariance || (f.scale && !f.gamma) || (f.center && !f.beta)) return undefined;
    return {
      kind: 'batchnorm',
      name,
      ...(f.scale && f.gamma ? { gamma: f.gamma } : {}),
      ...(f.center && f.beta ? { beta: f.beta } : {}),
      movingMean: f.movingMean,
      movingVariance: f.movingVariance,
      epsilon: f.epsilon ?? 1e-3,
      momentum: f.momentum ?? 0.99,
    };
  }
  if (isReluLayer(l)) return { kind: 'relu', name };
  if (ELEMENTWISE.has(c) || (c === 'ReLU' && f.maxValue != null)) {
    return activationOp(name, (c === 'Activation' && activationOf(l)) || c, (x) => f.call(x, {}) as tf.Tensor);
  }
  if (c === 'MaxPooling2D' || c === 'AveragePooling2D') {
    const filterSize = pair(f.poolSize);
    const strides = pair(f.strides) ?? filterSize;
    if (!filterSize || !strides || f.dataFormat !== 'channelsLast' || (f.padding !== 'same' && f.padding !== 'valid')) return undefined;
    return { kind: 'pool', name, mode: c === 'MaxPooling2D' ? 'max' : 'avg', filterSize, strides, pad: f.padding };
  }
  if (c === 'Flatten' && (f.dataFormat ?? 'channelsLast') === 'channelsLast') return { kind: 'flatten', name };
  return undefined;
}

/** The model as a chain the engine trains without the tape, or undefined (then train through the tape). */
export function planChain(model: tf.LayersModel): ChainPlan | undefined {
  const layers = chainLayers(model);
  if (!layers || layers.length === 0) return undefined;
  const inputShape = model.inputs[0]!.shape.slice(1);
  if (!inputShape.every((d): d is number => typeof d === 'number')) return undefined;
  const ops: ChainOp[] = [];
  for (const l of layers) {
    const layerOps = opOf(l);
    if (!layerOps) return undefined;
    for (const op of Array.isArray(layerOps) ? layerOps : [layerOps]) {
      const last = ops[ops.length - 1];
      // ReLU right after a linear Dense / Conv2D: one fused kernel (relu(x W + b) is the same values either way).
      if (op.kind === 'relu' && last && (last.kind === 'dense' || last.kind === 'conv2d') && last.activation === 'linear') {
        ops[ops.length - 1] = { ...last, activation: 'relu' };
        continue;
      }
      ops.push(op);
    }
  }
  // Dense layers need 2-D input: the first op, or one after a flatten or another dense (in chain order).
  let rank = inputShape.length + 1;
  for (const op of ops) {
    if (op.kind === 'dense' && rank !== 2) return undefined;
    if ((op.kind === 'conv2d' || op.kind === 'pool') && rank !== 4) return undefined;
    if (op.kind === 'flatten') rank = 2;
  }
  return { ops, inputShape };
}
