import * as tf from '@tensorflow/tfjs';

// F.interpolate(x, size, mode='bilinear') with align_corners=False is tfjs's resizeBilinear with
// halfPixelCenters = true (tf.layers.resizing uses alignCorners = true, which differs). Inside the model,
// createResNet18 uses the same resize as a layer: ResizeBilinear from dlgrade/layers.
export function resizeImages(images: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  return tf.image.resizeBilinear(images, [height, width], false, true);
}
