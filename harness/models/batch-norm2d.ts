import * as tf from '@tensorflow/tfjs';

// PyTorch's nn.BatchNorm2d on NHWC tensors (channels last). tf.layers.batchNormalization normalises the same
// way, but updates its moving variance with the BIASED batch variance, where PyTorch's running_var takes the
// unbiased one (n / (n - 1), n = N*H*W): after one training step on golden/batchnorm2d.json's 4x2x2 batch
// tfjs holds 1.2617 where PyTorch holds 1.2859, and every evaluation after training differs. This layer is
// tfjs's BatchNormalization (same weights, names and fused training kernel) with PyTorch's defaults
// (eps 1e-5, momentum 0.1, i.e. tfjs momentum 0.9) and PyTorch's running-variance update.

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** tf.layers.batchNormalization's arguments (tfjs convention: `momentum` weighs the OLD statistic). */
export type BatchNorm2dArgs = LayerArgs & {
  axis?: number;
  /** Default 0.9: PyTorch's momentum 0.1. */
  momentum?: number;
  /** Default 1e-5 (PyTorch's). */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
};

/** The private fields of tfjs-layers' BatchNormalization this layer reads. */
interface BatchNormFields {
  axis: number;
  momentum: number;
  movingVariance: tf.LayerVariable;
}

type LayerClass = new (args: BatchNorm2dArgs) => tf.layers.Layer;

/** tfjs-layers' BatchNormalization class (not exported by @tensorflow/tfjs; its serialization registry has it). */
function batchNormalizationBase(): LayerClass {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization;
  if (!entry) throw new Error('BatchNormalization is not registered as a tfjs-layers class: is @tensorflow/tfjs loaded?');
  return entry[0] as unknown as LayerClass;
}

export class BatchNorm2d extends batchNormalizationBase() {
  static readonly className = 'BatchNorm2d';

  constructor(args: BatchNorm2dArgs = {}) {
    super({ axis: -1, epsilon: 1e-5, momentum: 0.9, ...args });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (!kwargs?.training) return super.call(inputs, kwargs);
    const self = this as unknown as BatchNormFields;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const before = self.movingVariance.read().clone();
    const out = super.call(inputs, kwargs);
    // running_var = (1 - m) * running_var + m * unbiased batch variance (PyTorch's update, m = 1 - momentum).
    tf.tidy(() => {
      const axis = self.axis >= 0 ? self.axis : self.axis + x.rank;
      const axes = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== axis);
      const n = x.size / x.shape[axis];
      const { variance } = tf.moments(x, axes);
      const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
      const m = 1 - self.momentum;
      self.movingVariance.write(tf.add(tf.mul(before, 1 - m), tf.mul(unbiased, m)));
    });
    before.dispose();
    return out;
  }
}
// The base class comes from the registry, so its static side (fromConfig) is not in BatchNorm2d's type.
tf.serialization.registerClass(BatchNorm2d as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);

export function batchNorm2d(args: BatchNorm2dArgs = {}): BatchNorm2d {
  return new BatchNorm2d(args);
}
