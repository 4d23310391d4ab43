import { DataError } from './errors.ts';
import type { Rng } from '../engine/seed.ts';
import { imageLength, type ImageDataset } from './dataset.ts';

// Training-time augmentation of seed 002, per image on NHWC host arrays, every random draw from one
// seeded Rng (engine/seed.ts) so a run is reproducible on any backend:
//   CIFAR-10: RandomHorizontalFlip() then RandomCrop(32, padding=4)   (zero padding)
//   MNIST:    RandomRotation(10)                                       (nearest neighbour, zero fill)

export interface AugmentOptions {
  /** Probability of a horizontal flip (torchvision RandomHorizontalFlip: 0.5). Default 0: never. */
  hflip?: number;
  /** Zero padding on each side before a random crop back to the original size (RandomCrop(32, padding=4)). */
  cropPadding?: number;
  /** Rotation by an angle uniform in [-deg, +deg], counter-clockwise positive (RandomRotation(10)). */
  rotateDegrees?: number;
}

export const CIFAR10_AUGMENT: Readonly<AugmentOptions> = { hflip: 0.5, cropPadding: 4 };
export const MNIST_AUGMENT: Readonly<AugmentOptions> = { rotateDegrees: 10 };

/** One image's geometry: h x w pixels of c channels, NHWC order. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** The image mirrored left-right. */
export function flipHorizontal(src: Float32Array, s: ImageShape): Float32Array {
  const { height: h, width: w, channels: c } = s;
  const out = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * c;
      const i = (y * w + (w - 1 - x)) * c;
      for (let k = 0; k < c; k++) out[o + k] = src[i + k];
    }
  }
  return out;
}

/**
 * The h x w window at (top, left) of the image zero-padded by `padding` on every side; top and left run
 * 0..2*padding, and (padding, padding) gives the image back unchanged.
 */
export function cropPadded(src: Float32Array, s: ImageShape, padding: number, top: number, left: number): Float32Array {
  const { height: h, width: w, channels: c } = s;
  const out = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) {
    const sy = y + top - padding;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x + left - padding;
      if (sx < 0 || sx >= w) continue;
      const o = (y * w + x) * c;
      const i = (sy * w + sx) * c;
      for (let k = 0; k < c; k++) out[o + k] = src[i + k];
    }
  }
  return out;
}

/**
 * Rotation about the image centre by `degrees`, counter-clockwise as seen (torchvision's sign), same size,
 * nearest neighbour, zero where the rotated image does not reach (torchvision's defaults).
 */
export function rotate(src: Float32Array, s: ImageShape, degrees: number): Float32Array {
  const { height: h, width: w, channels: c } = s;
  const out = new Float32Array(h * w * c);
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const cx = w / 2;
  const cy = h / 2;
  for (let y = 0; y < h; y++) {
    // Pixel centres relative to the image centre; y grows downward, so a visual CCW turn maps the
    // output point back to the source by (x cos - y sin, x sin + y cos).
    const py = y + 0.5 - cy;
    for (let x = 0; x < w; x++) {
      const px = x + 0.5 - cx;
      const sx = Math.round(px * cos - py * sin + cx - 0.5);
      const sy = Math.round(px * sin + py * cos + cy - 0.5);
      if (sx < 0 || sx >= w || sy < 0 || sy >= h) continue;
      const o = (y * w + x) * c;
      const i = (sy * w + sx) * c;
      for (let k = 0; k < c; k++) out[o + k] = src[i + k];
    }
  }
  return out;
}

function validate(opts: AugmentOptions, source: string): void {
  const p = opts.hflip ?? 0;
  if (!(p >= 0 && p <= 1)) throw new DataError(source, `hflip is a probability in [0,1], got ${opts.hflip}`);
  const pad = opts.cropPadding ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new DataError(source, `cropPadding must be a whole number of pixels >= 0, got ${opts.cropPadding}`);
  const deg = opts.rotateDegrees ?? 0;
  if (!Number.isFinite(deg) || deg < 0) throw new DataError(source, `rotateDegrees must be >= 0, got ${opts.rotateDegrees}`);
}

/**
 * One random augmentation of one image: flip, then crop, then rotation, each only if enabled. The draws
 * per image are fixed (one for the flip, two for the crop, one for the angle), so the stream stays aligned.
 */
export function augmentImage(src: Float32Array, s: ImageShape, opts: AugmentOptions, rng: Rng): Float32Array {
  let img = src;
  if (opts.hflip) {
    if (rng.next() < opts.hflip) img = flipHorizontal(img, s);
  }
  if (opts.cropPadding) {
    const span = 2 * opts.cropPadding + 1;
    const top = rng.int(span);
    const left = rng.int(span);
    img = cropPadded(img, s, opts.cropPadding, top, left);
  }
  if (opts.rotateDegrees) {
    const deg = (rng.next() * 2 - 1) * opts.rotateDegrees;
    img = rotate(img, s, deg);
  }
  return img === src ? src.slice() : img;
}

/** Augments images `indices` of `ds` into `out` (one after another, NHWC). */
export function augmentInto(ds: ImageDataset, indices: ArrayLike<number>, opts: AugmentOptions, rng: Rng, out: Float32Array): void {
  validate(opts, ds.name);
  const per = imageLength(ds);
  if (out.length < indices.length * per) throw new DataError(ds.name, `augmentation output holds ${out.length} values, ${indices.length} images need ${indices.length * per}`);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    out.set(augmentImage(ds.images.subarray(j * per, (j + 1) * per), ds, opts, rng), i * per);
  }
}

/** A randomly augmented copy of the whole dataset (e.g. to look at what augmentation does). */
export function augmentDataset(ds: ImageDataset, opts: AugmentOptions, rng: Rng): ImageDataset {
  const images = new Float32Array(ds.images.length);
  const all = Int32Array.from({ length: ds.n }, (_, i) => i);
  augmentInto(ds, all, opts, rng, images);
  return { ...ds, name: `${ds.name} augmented`, images, labels: ds.labels.slice() };
}
