import * as tf from '@tensorflow/tfjs';

// PyTorch's nn.LocalResponseNorm(size, alpha, beta, k) on NHWC tensors (channels last):
//   b_c = a_c / (k + alpha / size * sum_{c' in window(c)} a_{c'}^2) ^ beta
// where window(c) = [c - floor(size/2), c + floor((size-1)/2)], zero-padded at the channel edges (PyTorch pads
// the squared input by size//2 before and (size-1)//2 after, then average-pools with count_include_pad, hence
// alpha/size). tf.localResponseNormalization differs twice: it does not divide alpha by size, and its window
// is always symmetric (2r+1), so an even size cannot be expressed; it also has no wasm kernel. This version is
// built from pad/slice/add/pow/div, which have gradients on every backend, so a model containing it trains on
// wasm and cpu alike.

export interface LrnParams {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}

/** PyTorch's defaults for nn.LocalResponseNorm except size, which has none; the Lab 4 AlexNet uses these with size 5. */
export const TORCH_LRN_DEFAULTS: Omit<LrnParams, 'size'> = { alpha: 1e-4, beta: 0.75, k: 1 };

function checkParams(p: LrnParams): void {
  if (!Number.isInteger(p.size) || p.size < 1) throw new Error(`LocalResponseNorm: size must be a positive integer, got ${p.size}`);
  for (const key of ['alpha', 'beta', 'k'] as const) {
    if (!Number.isFinite(p[key])) throw new Error(`LocalResponseNorm: ${key} must be a finite number, got ${p[key]}`);
  }
}

/** Functional form on a tensor whose last axis is the channel axis (rank >= 2). */
export function localResponseNorm(x: tf.Tensor, p: LrnParams): tf.Tensor {
  checkParams(p);
  if (x.rank < 2) throw new Error(`LocalResponseNorm: expected a tensor of rank >= 2 with channels last, got shape [${x.shape.join(', ')}]`);
  return tf.tidy(() => {
    const channels = x.shape[x.rank - 1];
    const before = Math.floor(p.size / 2);
    const after = Math.floor((p.size - 1) / 2);
    const paddings: [number, number][] = x.shape.map(() => [0, 0] as [number, number]);
    paddings[x.rank - 1] = [before, after];
    const sq = tf.pad(tf.square(x), paddings);
    // Window sum as `size` shifted slices: O(size) elementwise work, unlike a CxC banded matmul.
    // Fresh begin/size arrays for every slice: tfjs's Slice gradient keeps a reference to the attrs it was
    // given, so mutating one shared array would route every slice's gradient through the last offset.
    const window = (offset: number) =>
      tf.slice(
        sq,
        x.shape.map((_, ax) => (ax === x.rank - 1 ? offset : 0)),
        x.shape.map((_, ax) => (ax === x.rank - 1 ? channels : -1)),
      );
    let sum: tf.Tensor = window(0);
    for (let i = 1; i < p.size; i++) sum = tf.add(sum, window(i));
    const denom = tf.pow(tf.add(tf.mul(sum, p.alpha / p.size), p.k), p.beta);
    return tf.div(x, denom);
  });
}

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
export type LocalResponseNormArgs = LayerArgs & Partial<LrnParams> & { size: number };

/** A tf.layers layer wrapping localResponseNorm; registered for serialization (model.save / loadLayersModel). */
export class LocalResponseNorm extends tf.layers.Layer {
  static readonly className = 'LocalResponseNorm';
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(args: LocalResponseNormArgs) {
    super(args);
    this.size = args.size;
    this.alpha = args.alpha ?? TORCH_LRN_DEFAULTS.alpha;
    this.beta = args.beta ?? TORCH_LRN_DEFAULTS.beta;
    this.k = args.k ?? TORCH_LRN_DEFAULTS.k;
    checkParams(this);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return localResponseNorm(x, this);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, alpha: this.alpha, beta: this.beta, k: this.k };
  }
}
tf.serialization.registerClass(LocalResponseNorm);

export function localResponseNormLayer(args: LocalResponseNormArgs): LocalResponseNorm {
  return new LocalResponseNorm(args);
}
