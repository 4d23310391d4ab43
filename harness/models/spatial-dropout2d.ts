import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from '../engine/seed.ts';

// PyTorch's nn.Dropout2d on NHWC tensors: in training mode each (sample, channel) feature map is zeroed as a
// whole with probability `rate` and the kept maps are scaled by 1 / (1 - rate); at inference it is the
// identity. tf.layers.dropout drops single activations (nn.Dropout), which has the same parameter count, so
// a model that means Dropout2d must say so: this layer (or tf.layers.dropout with noiseShape [null, 1, 1, C]).
// The masks come from a seeded stream (engine/seed.ts), drawn in JS, so they repeat run to run and on every
// backend: `seed` in the config, or the stream seedDropout / initLikeTorch hand it (setRandomStream), else one
// derived from the layer's name. Inference calls draw nothing.

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
export type SpatialDropout2dArgs = LayerArgs & { rate: number; seed?: number };

export class SpatialDropout2d extends tf.layers.Layer {
  static readonly className = 'SpatialDropout2d';
  readonly rate: number;
  readonly seed: number | undefined;
  private stream: Rng | undefined;

  constructor(args: SpatialDropout2dArgs) {
    super(args);
    if (!(typeof args.rate === 'number' && args.rate >= 0 && args.rate < 1)) {
      throw new Error(`SpatialDropout2d "${this.name}": rate must be a number in [0, 1), got ${JSON.stringify(args.rate)}`);
    }
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  /** seedDropout / initLikeTorch call this: the layer draws its masks from `rng` from now on. */
  setRandomStream(rng: Rng): void {
    this.stream = rng;
  }

  private rng(): Rng {
    this.stream ??= makeRng(this.seed ?? `SpatialDropout2d:${this.name}`);
    return this.stream;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== 4) throw new Error(`SpatialDropout2d "${this.name}": expected NHWC input of rank 4, got [${x.shape.join(', ')}]`);
    if (!kwargs?.training || this.rate === 0) return tf.clone(x);
    const [n, , , c] = x.shape;
    const rng = this.rng();
    const keep = 1 - this.rate;
    // One draw per (sample, channel), in sample-major order: kept maps are scaled, dropped ones are zero.
    const mask = new Float32Array(n * c);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < this.rate ? 0 : 1 / keep;
    return tf.tidy(() => tf.mul(x, tf.tensor4d(mask, [n, 1, 1, c])));
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), rate: this.rate };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(SpatialDropout2d);

export function spatialDropout2d(args: SpatialDropout2dArgs): SpatialDropout2d {
  return new SpatialDropout2d(args);
}
