import { CIFAR_MEAN, CIFAR_STD, type Random, type Uint8Image } from '../../assignments/experiment4-cnn/contract.ts';
import { autoAugment } from './autoaugment.ts';
// STARTER: import { todo } from './todo.ts';

// E.5 The notebook's transforms (section 8):
//   train_transform = Compose([RandomHorizontalFlip(0.5), RandomCrop(32, padding=4), AutoAugment(CIFAR10),
//                              ToTensor(), Normalize(CIFAR_MEAN, CIFAR_STD)])
//   test_transform  = Compose([ToTensor(), Normalize(CIFAR_MEAN, CIFAR_STD)])
// on HWC uint8 images; the output is HWC float32. The draws and their order are in contract.ts.

/** ToTensor then Normalize: (v / 255 - mean[c]) / std[c], per value, in float32 as torchvision computes it. */
export function testTransform(img: Uint8Image): Float32Array {
  const out = new Float32Array(img.data.length);
  const mean = CIFAR_MEAN.map(Math.fround);
  const std = CIFAR_STD.map(Math.fround);
  for (let i = 0; i < out.length; i++) {
    const c = i % img.channels;
    out[i] = Math.fround(Math.fround(img.data[i] / 255) - mean[c]) / std[c];
  }
  return out;
}

export function trainTransform(img: Uint8Image, random: Random): Float32Array {
  // BEGIN SOLUTION
  const { height: h, width: w, channels: ch } = img;
  let data = img.data;
  if (random.next() < 0.5) {
    const flipped = new Uint8Array(data.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) flipped.set(data.subarray((y * w + (w - 1 - x)) * ch, (y * w + w - x) * ch), (y * w + x) * ch);
    data = flipped;
  }
  const pad = 4;
  const top = random.int(2 * pad + 1);
  const left = random.int(2 * pad + 1);
  const cropped = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    const sy = y + top - pad;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x + left - pad;
      if (sx >= 0 && sx < w) cropped.set(data.subarray((sy * w + sx) * ch, (sy * w + sx + 1) * ch), (y * w + x) * ch);
    }
  }
  return testTransform(autoAugment({ ...img, data: cropped }, random));
  // END SOLUTION
  // STARTER: return todo('E.5: trainTransform');
}
