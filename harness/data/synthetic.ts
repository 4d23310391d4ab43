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

/** Whether coordinate t (in pattern half-sizes) falls on a stripe: (t*half + phase) mod period in the first half. */
function onStripe(t: number, half: number, phase: number): boolean {
  return ((((t * half + phase) % STRIPE_PERIOD) + STRIPE_PERIOD) % STRIPE_PERIOD) < STRIPE_PERIOD / 2;
}

/** The box norm max(|u|, |v|). */
function boxNorm(u: number, v: number): number {
  return Math.max(Math.abs(u), Math.abs(v));
}

/**
 * Whether local point (u, v) in [-1,1]^2 (patch half-size `half` pixels, stripe phase `phase`) is ink. A hot
 * loop (1024 calls an image): no closures (tsx and esbuild's keepNames name each one as it is created), and
 * the radius and the box norm computed only by the classes that use them.
 */
function ink(cls: number, u: number, v: number, half: number, phase: number): boolean {
  switch (cls) {
    case 0:
      return boxNorm(u, v) <= 1 && onStripe(v, half, phase);
    case 1:
      return boxNorm(u, v) <= 1 && onStripe(u, half, phase);
    case 2: // lines u - v = const run down-right on screen (y grows downward)
      return boxNorm(u, v) <= 1 && onStripe((u - v) / Math.SQRT2, half, phase);
    case 3:
      return boxNorm(u, v) <= 1 && onStripe((u + v) / Math.SQRT2, half, phase);
    case 4: {
      const a = Math.floor((u * half + phase) / CHECK_CELL);
      const b = Math.floor((v * half + phase) / CHECK_CELL);
      return boxNorm(u, v) <= 1 && ((a + b) & 1) === 0;
    }
    case 5:
      return Math.hypot(u, v) <= 0.95;
    case 6: {
      const r = Math.hypot(u, v);
      return r <= 0.95 && r >= 0.55;
    }
    case 7:
      return boxNorm(u, v) <= 0.95 && (Math.abs(u) <= 0.22 || Math.abs(v) <= 0.22);
    case 8:
      return Math.hypot(u, v) <= 1.05 && (Math.abs(u - v) <= 0.3 || Math.abs(u + v) <= 0.3);
    case 9: {
      const b = boxNorm(u, v);
      return b <= 0.95 && b >= 0.6;
    }
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

/** Generated sets kept per (seed, noise, maxShift): the largest n asked so far (grading asks the same sets again). */
const generated = new Map<string, { images: Float32Array; labels: Int32Array }>();
/** Sets kept at most (each 1,000 images is 12 MB). */
const KEEP = 4;

/**
 * `n` images [n,32,32,3] in [0,1] with labels 0..9 (SYNTHETIC_CLASSES). Image i depends only on (seed, i),
 * so a smaller n gives a prefix of a larger one; every run of 10 consecutive images holds each class once.
 * Sets are generated once per process and copied out (the caller owns what it gets).
 */
export function syntheticImages(opts: SyntheticOptions): ImageDataset {
  const { n, seed } = opts;
  const noise = opts.noise ?? 0.08;
  if (!Number.isInteger(n) || n < 0) throw new DataError('syntheticImages', `n must be a whole number >= 0, got ${n}`);
  if (!(noise >= 0)) throw new DataError('syntheticImages', `noise must be >= 0, got ${opts.noise}`);
  const maxShift = opts.maxShift ?? 3;
  const limit = (SIDE - MAX_PATTERN) / 2;
  if (!(maxShift >= 0 && maxShift <= limit)) throw new DataError('syntheticImages', `maxShift must be in [0, ${limit}] pixels (patterns up to ${MAX_PATTERN} px must fit in ${SIDE}), got ${opts.maxShift}`);
  const key = JSON.stringify([String(seed), noise, maxShift]);
  let set = generated.get(key);
  if (!set || set.labels.length < n) {
    set = generate(n, seed, noise, maxShift, set);
    generated.delete(key);
    generated.set(key, set);
    if (generated.size > KEEP) generated.delete(generated.keys().next().value!);
  }
  const per = SIDE * SIDE * 3;
  return makeDataset({
    name: `synthetic(seed=${seed}, n=${n})`,
    height: SIDE,
    width: SIDE,
    channels: 3,
    images: set.images.slice(0, n * per),
    labels: set.labels.slice(0, n),
    classNames: SYNTHETIC_CLASSES,
  });
}

/** Images 0..n-1 of a set, reusing the first ones of `from` (a smaller n of the same set). */
function generate(n: number, seed: number | string, noise: number, maxShift: number, from?: { images: Float32Array; labels: Int32Array }): { images: Float32Array; labels: Int32Array } {
  const k = SYNTHETIC_CLASSES.length;
  const per = SIDE * SIDE * 3;
  const images = new Float32Array(n * per);
  const labels = new Int32Array(n);
  // Whole blocks of 10 already drawn are copied; a block cut short is drawn again (its permutation is shared).
  const reuse = from ? Math.floor(from.labels.length / k) * k : 0;
  if (from && reuse > 0) {
    images.set(from.images.subarray(0, reuse * per));
    labels.set(from.labels.subarray(0, reuse));
  }
  for (let block = reuse / k; block * k < n; block++) {
    const classes = permutation(k, makeRng(`synthetic:${seed}:block:${block}`));
    for (let j = 0; j < k && block * k + j < n; j++) {
      const i = block * k + j;
      labels[i] = classes[j];
      draw(classes[j], makeRng(`synthetic:${seed}:image:${i}`), noise, maxShift, images, i * per);
    }
  }
  return { images, labels };
}
