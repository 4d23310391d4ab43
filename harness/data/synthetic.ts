import { makeRng, permutation, type Rng } from '../engine/seed.ts';
import { DataError } from './errors.ts';
import { makeDataset, type ImageDataset } from './dataset.ts';

// A seeded stand-in for CIFAR-10 that needs no download: 32x32x3 images in ten classes, where the class
// is a small pattern (stripes of four orientations, a checkerboard, disc, ring, plus, cross, square
// outline) drawn at a random place (within maxShift pixels of the centre), size and slight tilt, in a
// random colour on a random mid-tone shaded background, plus pixel noise. Colour and position carry no class information; only local shape does, so
// translation-invariant features (convolutions and pooling) pay off and a pixel-wise MLP must learn each
// pattern at every position: a small ConvNet beats a larger MLP on the same short budget, as on CIFAR-10
// in seeds 002 and 003 (figures in README.md, harness/data/calibrate.ts reproduces them).

export const SYNTHETIC_CLASSES: readonly string[] = [
  'horizontal stripes',
  'vertical stripes',
  'falling stripes',
  'rising stripes',
  'checkerboard',
  'disc',
  'ring',
  'plus',
  'cross',
  'square outline',
];

export interface SyntheticOptions {
  /** Number of images. */
  n: number;
  /** Different seeds give independent sets (use one for training, another for held-out data). */
  seed: number | string;
  /** Std of the Gaussian pixel noise (default 0.08); values are clamped to [0,1] afterwards. */
  noise?: number;
  /**
   * The pattern's centre is shifted from the image centre by up to this many pixels on each axis (default
   * 3; at most 7.5 so the largest pattern stays inside). Larger is harder for an MLP, barely for a ConvNet.
   */
  maxShift?: number;
}

const SIDE = 32;
const MIN_PATTERN = 11;
const MAX_PATTERN = 17;
const MAX_TILT = (12 * Math.PI) / 180;
const STRIPE_PERIOD = 4;
const CHECK_CELL = 3;
const BACKGROUND_SPREAD = 0.3;

/** Whether local point (u, v) in [-1,1]^2 (patch half-size `half` pixels, stripe phase `phase`) is ink. */
function ink(cls: number, u: number, v: number, half: number, phase: number): boolean {
  const r = Math.hypot(u, v);
  const box = Math.max(Math.abs(u), Math.abs(v));
  const stripe = (t: number) => ((((t * half + phase) % STRIPE_PERIOD) + STRIPE_PERIOD) % STRIPE_PERIOD) < STRIPE_PERIOD / 2;
  switch (cls) {
    case 0:
      return box <= 1 && stripe(v);
    case 1:
      return box <= 1 && stripe(u);
    case 2: // lines u - v = const run down-right on screen (y grows downward)
      return box <= 1 && stripe((u - v) / Math.SQRT2);
    case 3:
      return box <= 1 && stripe((u + v) / Math.SQRT2);
    case 4: {
      const a = Math.floor((u * half + phase) / CHECK_CELL);
      const b = Math.floor((v * half + phase) / CHECK_CELL);
      return box <= 1 && ((a + b) & 1) === 0;
    }
    case 5:
      return r <= 0.95;
    case 6:
      return r <= 0.95 && r >= 0.55;
    case 7:
      return box <= 0.95 && (Math.abs(u) <= 0.22 || Math.abs(v) <= 0.22);
    case 8:
      return r <= 1.05 && (Math.abs(u - v) <= 0.3 || Math.abs(u + v) <= 0.3);
    case 9:
      return box <= 0.95 && box >= 0.6;
    default:
      throw new Error(`no pattern for class ${cls}`);
  }
}

function colour(rng: Rng): [number, number, number] {
  return [rng.next(), rng.next(), rng.next()];
}

/** Draws one image of class `cls` into out[at .. at+3072) with its own stream. */
function draw(cls: number, rng: Rng, noise: number, maxShift: number, out: Float32Array, at: number): void {
  // Backgrounds stay mid-tone (0.35..0.65 per channel): with fully random ones the image-wide colour swamps
  // an MLP's inputs and it learns nothing in a short budget, which would make "beats the MLP" meaningless.
  const bg = colour(rng).map((v) => 0.5 + (v - 0.5) * BACKGROUND_SPREAD) as [number, number, number];
  let fg = colour(rng);
  // Enough contrast that the pattern is visible whatever the colours.
  while (Math.hypot(fg[0] - bg[0], fg[1] - bg[1], fg[2] - bg[2]) < 0.45) fg = colour(rng);
  // A gentle linear shade across the background, so the background is not a flat, easily subtracted colour.
  const gx = (rng.next() - 0.5) * 0.3;
  const gy = (rng.next() - 0.5) * 0.3;
  const size = MIN_PATTERN + rng.int(MAX_PATTERN - MIN_PATTERN + 1);
  const half = size / 2;
  const cx = SIDE / 2 + (rng.next() * 2 - 1) * maxShift;
  const cy = SIDE / 2 + (rng.next() * 2 - 1) * maxShift;
  const tilt = (rng.next() * 2 - 1) * MAX_TILT;
  const cos = Math.cos(tilt);
  const sin = Math.sin(tilt);
  const phase = rng.next() * STRIPE_PERIOD;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (dx * cos + dy * sin) / half;
      const v = (-dx * sin + dy * cos) / half;
      const on = Math.abs(u) <= 1.1 && Math.abs(v) <= 1.1 && ink(cls, u, v, half, phase);
      const shade = gx * (x / SIDE - 0.5) + gy * (y / SIDE - 0.5);
      const o = at + (y * SIDE + x) * 3;
      for (let k = 0; k < 3; k++) {
        const base = on ? fg[k] : bg[k] + shade;
        const val = base + noise * rng.normal();
        out[o + k] = val < 0 ? 0 : val > 1 ? 1 : val;
      }
    }
  }
}

/**
 * `n` images [n,32,32,3] in [0,1] with labels 0..9 (SYNTHETIC_CLASSES). Image i depends only on (seed, i),
 * so a smaller n gives a prefix of a larger one; every run of 10 consecutive images holds each class once.
 */
export function syntheticImages(opts: SyntheticOptions): ImageDataset {
  const { n, seed } = opts;
  const noise = opts.noise ?? 0.08;
  if (!Number.isInteger(n) || n < 0) throw new DataError('syntheticImages', `n must be a whole number >= 0, got ${n}`);
  if (!(noise >= 0)) throw new DataError('syntheticImages', `noise must be >= 0, got ${opts.noise}`);
  const maxShift = opts.maxShift ?? 3;
  const limit = (SIDE - MAX_PATTERN) / 2;
  if (!(maxShift >= 0 && maxShift <= limit)) throw new DataError('syntheticImages', `maxShift must be in [0, ${limit}] pixels (patterns up to ${MAX_PATTERN} px must fit in ${SIDE}), got ${opts.maxShift}`);
  const k = SYNTHETIC_CLASSES.length;
  const images = new Float32Array(n * SIDE * SIDE * 3);
  const labels = new Int32Array(n);
  for (let block = 0; block * k < n; block++) {
    const classes = permutation(k, makeRng(`synthetic:${seed}:block:${block}`));
    for (let j = 0; j < k && block * k + j < n; j++) {
      const i = block * k + j;
      labels[i] = classes[j];
      draw(classes[j], makeRng(`synthetic:${seed}:image:${i}`), noise, maxShift, images, i * SIDE * SIDE * 3);
    }
  }
  return makeDataset({ name: `synthetic(seed=${seed}, n=${n})`, height: SIDE, width: SIDE, channels: 3, images, labels, classNames: SYNTHETIC_CLASSES });
}
