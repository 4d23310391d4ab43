// Exercise E's checks: comparing the submission's AutoAugment outputs with expected images (torchvision's own
// from the golden file, or the grader's from augment-expected.ts in the hidden suites), op by op.
import { GradingFailure, type Rng } from 'dlgrade/kit';
import type { AutoAugmentOp, Uint8Image } from './contract.ts';

export const OPS: AutoAugmentOp[] = ['ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate', 'Brightness', 'Color', 'Contrast', 'Sharpness', 'Posterize', 'Solarize', 'AutoContrast', 'Equalize', 'Invert'];

export function randomImage(rng: Rng, height: number, width: number): Uint8Image {
  // A smooth colour field plus noise: histograms and edges like a photo's, every channel different.
  const base = [rng.int(200), rng.int(200), rng.int(200)];
  const slope = [rng.normal() * 4, rng.normal() * 4, rng.normal() * 4];
  const data = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(base[c]! + slope[c]! * (x - y) + 25 * rng.normal())));
  return { data, height, width, channels: 3 };
}

/** Where two images differ: the first pixel and how many values. */
export function imageDifference(got: Uint8Array | string | undefined, want: Uint8Array, width: number): string | null {
  if (typeof got === 'string') return `it threw ${got}`;
  if (!got || got.length !== want.length) return `expected ${want.length} values, got ${got?.length ?? 'nothing'}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return null;
  const p = Math.floor(first / 3);
  return `${count} of ${want.length} values differ; first at (y ${Math.floor(p / width)}, x ${p % width}, channel ${first % 3}): expected ${want[first]}, got ${got[first]}`;
}

/** Hints for the usual slips, from what each op's output looks like next to the expected one. */
export function opHint(op: AutoAugmentOp, magnitude: number): string {
  switch (op) {
    case 'ShearX':
    case 'ShearY':
      return "the inverse matrix with shear [atan(m) in degrees] and centre (-w/2, -h/2) (the top-left corner), resampled by affineNearest";
    case 'TranslateX':
    case 'TranslateY':
      return 'translate by trunc(m) pixels (int(magnitude)), centre (0, 0)';
    case 'Rotate':
      return 'F.rotate passes -angle to _get_inverse_affine_matrix';
    case 'Brightness':
    case 'Color':
    case 'Contrast':
    case 'Sharpness':
      return `blend with factor 1 + m = ${1 + magnitude}: float32 (Math.fround) after each operation, then clamp and truncate`;
    case 'Posterize':
      return 'keep the top trunc(m) bits';
    case 'Solarize':
      return 'invert the values >= the threshold';
    case 'AutoContrast':
      return 'per channel; scale = float32(float32(1 / (max - min)) * 255); truncate';
    case 'Equalize':
      return "per channel; torchvision's lookup table from the histogram";
    case 'Invert':
      return '255 - v';
  }
}

export interface OpCase {
  op: AutoAugmentOp;
  magnitude: number;
  want: Uint8Array;
}

/** One gradeParts part per op: every case of that op on `image` must match value for value. */
export function opParts(call: <R>(probe: string, args: unknown) => Promise<R>, image: Uint8Image, cases: OpCase[], what: string) {
  let results: Promise<(Uint8Array | string)[]> | undefined;
  const all = () => (results ??= call<(Uint8Array | string)[]>('autoAugmentOps', { image, cases: cases.map(({ op, magnitude }) => ({ op, magnitude })) }));
  return OPS.filter((op) => cases.some((c) => c.op === op)).map((op) => ({
    name: op,
    check: async () => {
      const got = await all();
      const mine = cases.map((c, i) => ({ c, got: got[i] })).filter((x) => x.c.op === op);
      const threw = mine.map((x) => x.got).filter((g): g is string => typeof g === 'string');
      if (threw.length === mine.length && new Set(threw).size === 1) throw new GradingFailure(`applyAutoAugmentOp(image, '${op}', m) threw ${threw[0]} (E.3)`);
      const wrong = mine
        .map((x) => ({ c: x.c, diff: imageDifference(x.got, x.c.want, image.width) }))
        .filter((x) => x.diff !== null)
        .map((x) => `magnitude ${x.c.magnitude}: ${x.diff}`);
      if (wrong.length) throw new GradingFailure(`applyAutoAugmentOp(image, '${op}', m) on ${what} (${image.height}x${image.width}):\n  ${wrong.join('\n  ')}\n  (E.3: ${opHint(op, cases.find((c) => c.op === op)!.magnitude)}; README.md "AutoAugment, exactly")`);
    },
  }));
}

