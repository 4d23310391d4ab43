import type { Random } from './random.ts';

// The notebook's training augmentation, on one NHWC image held in a Float32Array.
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** transforms.RandomHorizontalFlip(): mirror left-right with probability p. */
export function randomHorizontalFlip(img: Float32Array, s: ImageShape, random: Random, p = 0.5): Float32Array {
  if (random() >= p) return img;
  const { height: h, width: w, channels: c } = s;
  const out = new Float32Array(img.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = img[(y * w + (w - 1 - x)) * c + k];
  return out;
}

/** transforms.RandomCrop(size, padding): a random window of the original size from the zero-padded image. */
export function randomCrop(img: Float32Array, s: ImageShape, padding: number, random: Random): Float32Array {
  const { height: h, width: w, channels: c } = s;
  const top = Math.floor(random() * (2 * padding + 1));
  const left = Math.floor(random() * (2 * padding + 1));
  const out = new Float32Array(img.length);
  for (let y = 0; y < h; y++) {
    const sy = y + top - padding;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x + left - padding;
      if (sx < 0 || sx >= w) continue;
      for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = img[(sy * w + sx) * c + k];
    }
  }
  return out;
}

/** transforms.RandomRotation(degrees): about the centre, nearest neighbour, zero fill. */
export function randomRotation(img: Float32Array, s: ImageShape, degrees: number, random: Random): Float32Array {
  const { height: h, width: w, channels: c } = s;
  const t = ((random() * 2 - 1) * degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const out = new Float32Array(img.length);
  for (let y = 0; y < h; y++) {
    const py = y + 0.5 - h / 2;
    for (let x = 0; x < w; x++) {
      const px = x + 0.5 - w / 2;
      const sx = Math.round(px * cos - py * sin + w / 2 - 0.5);
      const sy = Math.round(px * sin + py * cos + h / 2 - 0.5);
      if (sx < 0 || sx >= w || sy < 0 || sy >= h) continue;
      for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = img[(sy * w + sx) * c + k];
    }
  }
  return out;
}
