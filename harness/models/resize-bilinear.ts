import * as tf from '@tensorflow/tfjs';

// PyTorch's F.interpolate(x, size, mode='bilinear', align_corners=False) as a layer: tfjs's resizeBilinear with
// halfPixelCenters = true (tf.layers.resizing uses alignCorners = true, which differs). A model that resizes its
// input inside itself (seed 002's ResNet-18 fine-tuning) uses it, so the resize is part of its topology and
// the grader rebuilds it from data (dlgrade/layers).

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export class ResizeBilinear extends tf.layers.Layer {
  static readonly className = 'ResizeBilinear';
  readonly size: number;

  constructor(args: LayerArgs & { size: number }) {
    super(args);
    if (!Number.isInteger(args.size) || args.size < 1) throw new Error(`ResizeBilinear: size must be a positive integer, got ${args.size}`);
    this.size = args.size;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], this.size, this.size, s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => tf.image.resizeBilinear(x, [this.size, this.size], false, true));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
}
tf.serialization.registerClass(ResizeBilinear);
