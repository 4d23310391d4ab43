// What the augmentation exports (exercise E) must return, computed in the grader with its own torchvision-exact
// AutoAugment (torchvision-autoaugment.ts) and the contract's random draws, plus a summary of the random
// decisions, so feedback can say which op or which draw went wrong. Hidden suites only: it holds E's answer.
import { applyAutoAugmentOp, augmentationSpace, autoAugment, type AppliedOp, type AutoAugmentDraws } from './torchvision-autoaugment.ts';
import { CIFAR_MEAN, CIFAR_STD, createRandom, type Random, type Uint8Image } from './contract.ts';

export { applyAutoAugmentOp, augmentationSpace };

/** AutoAugment's draws, in the contract's order: sub-policy, two probabilities, two signs. */
export function drawAutoAugment(random: Random): AutoAugmentDraws {
  const policy = random.int(25);
  const probs = [random.next(), random.next()] as const;
  const signs = [random.int(2), random.int(2)] as const;
  return { policy, probs, signs };
}

export function expectedAutoAugment(img: Uint8Image, seed: number): { image: Uint8Image; draws: AutoAugmentDraws; applied: AppliedOp[] } {
  const draws = drawAutoAugment(createRandom(seed));
  const { image, applied } = autoAugment(img, draws);
  return { image, draws, applied };
}

/** ToTensor then Normalize, in float32 as torchvision computes them. */
export function normalise(img: Uint8Image): Float32Array {
  const mean = CIFAR_MEAN.map(Math.fround);
  const std = CIFAR_STD.map(Math.fround);
  return Float32Array.from(img.data, (v, i) => Math.fround(Math.fround(v / 255) - mean[i % img.channels]) / std[i % img.channels]);
}

export interface TrainTransformTrace {
  out: Float32Array;
  flipped: boolean;
  top: number;
  left: number;
  applied: AppliedOp[];
}

/** train_transform with the contract's draws: flip, crop (padding 4), AutoAugment, normalise. */
export function expectedTrainTransform(img: Uint8Image, seed: number): TrainTransformTrace {
  const random = createRandom(seed);
  const { height: h, width: w, channels: ch } = img;
  const flipped = random.next() < 0.5;
  const src = img.data;
  const step1 = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < ch; c++) step1[(y * w + x) * ch + c] = src[(y * w + (flipped ? w - 1 - x : x)) * ch + c];
  const top = random.int(9);
  const left = random.int(9);
  const step2 = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sy, sx] = [y + top - 4, x + left - 4];
      if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
      for (let c = 0; c < ch; c++) step2[(y * w + x) * ch + c] = step1[(sy * w + sx) * ch + c];
    }
  }
  const { image, applied } = autoAugment({ ...img, data: step2 }, drawAutoAugment(random));
  return { out: normalise(image), flipped, top, left, applied };
}
