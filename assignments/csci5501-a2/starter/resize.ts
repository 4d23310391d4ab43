import * as tf from '@tensorflow/tfjs';

// F.interpolate(x, size, mode='bilinear') with align_corners=False is tfjs's resizeBilinear with
// halfPixelCenters = true (tf.layers.resizing uses alignCorners = true, which differs).
export function resizeImages(images: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  return tf.image.resizeBilinear(images, [height, width], false, true);
}

/** The resize as the model's first layer. */
export class ResizeBilinear extends tf.layers.Layer {
  static className = 'ResizeBilinear';
  readonly size: number;

  constructor(args: { size: number; name?: string }) {
    super({ name: args.name });
    this.size = args.size;
  }

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return [inputShape[0], this.size, this.size, inputShape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => resizeImages(x, this.size, this.size));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
}
tf.serialization.registerClass(ResizeBilinear);
