import type { AutoAugmentOp, Random, Uint8Image } from '../../assignments/experiment4-cnn/contract.ts';
import { affineNearest, roundHalfEven } from './affine-grid.ts';
// STARTER: import { todo } from './todo.ts';

// E. AutoAugment(AutoAugmentPolicy.CIFAR10) (notebook section 8), the first one for tfjs: torchvision 0.14's
// operations on uint8 images, value for value. README.md "AutoAugment, exactly" gives each op's arithmetic.
// float32: torchvision computes on float32 tensors, so round to float32 (f32 = Math.fround) after every
// operation it performs, and convert to uint8 the way it does (Math.trunc after clamping to [0, 255]).

const f32 = Math.fround;

/** One step of a sub-policy: op, probability, magnitude bin (null: the op has none). */
type Step = [AutoAugmentOp, number, number | null];

/** AutoAugmentPolicy.CIFAR10 (given): 25 sub-policies of two steps. */
export const CIFAR10_POLICY: [Step, Step][] = [
  [['Invert', 0.1, null], ['Contrast', 0.2, 6]],
  [['Rotate', 0.7, 2], ['TranslateX', 0.3, 9]],
  [['Sharpness', 0.8, 1], ['Sharpness', 0.9, 3]],
  [['ShearY', 0.5, 8], ['TranslateY', 0.7, 9]],
  [['AutoContrast', 0.5, null], ['Equalize', 0.9, null]],
  [['ShearY', 0.2, 7], ['Posterize', 0.3, 7]],
  [['Color', 0.4, 3], ['Brightness', 0.6, 7]],
  [['Sharpness', 0.3, 9], ['Brightness', 0.7, 9]],
  [['Equalize', 0.6, null], ['Equalize', 0.5, null]],
  [['Contrast', 0.6, 7], ['Sharpness', 0.6, 5]],
  [['Color', 0.7, 7], ['TranslateX', 0.5, 8]],
  [['Equalize', 0.3, null], ['AutoContrast', 0.4, null]],
  [['TranslateY', 0.4, 3], ['Sharpness', 0.2, 6]],
  [['Brightness', 0.9, 6], ['Color', 0.2, 8]],
  [['Solarize', 0.5, 2], ['Invert', 0.0, null]],
  [['Equalize', 0.2, null], ['AutoContrast', 0.6, null]],
  [['Equalize', 0.2, null], ['Equalize', 0.6, null]],
  [['Color', 0.9, 9], ['Equalize', 0.6, null]],
  [['AutoContrast', 0.8, null], ['Solarize', 0.2, 8]],
  [['Brightness', 0.1, 3], ['Color', 0.7, 0]],
  [['Solarize', 0.4, 5], ['AutoContrast', 0.9, null]],
  [['TranslateY', 0.9, 9], ['TranslateY', 0.7, 9]],
  [['AutoContrast', 0.9, null], ['Solarize', 0.8, 3]],
  [['Equalize', 0.8, null], ['Invert', 0.1, null]],
  [['TranslateY', 0.7, 9], ['AutoContrast', 0.9, null]],
];

/**
 * torch.linspace(start, end, steps) in float32, as PyTorch's CPU kernel computes it (given): step = (end -
 * start) / (steps - 1) in float32, the first half counted up from start, the second half down from end, each
 * value rounded once.
 */
export function linspaceF32(start: number, end: number, steps: number): number[] {
  const s = f32(start);
  const e = f32(end);
  const step = f32((e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  return Array.from({ length: steps }, (_, i) => (i < half ? f32(s + step * i) : f32(e - step * (steps - i - 1))));
}

/** E.1 _augmentation_space(10, (height, width)): the magnitude of each bin, and whether the op is signed. */
export function magnitudeBins(op: AutoAugmentOp, height: number, width: number): { bins: number[]; signed: boolean } {
  // BEGIN SOLUTION
  switch (op) {
    case 'ShearX':
    case 'ShearY':
      return { bins: linspaceF32(0, 0.3, 10), signed: true };
    case 'TranslateX':
      return { bins: linspaceF32(0, (150 / 331) * width, 10), signed: true };
    case 'TranslateY':
      return { bins: linspaceF32(0, (150 / 331) * height, 10), signed: true };
    case 'Rotate':
      return { bins: linspaceF32(0, 30, 10), signed: true };
    case 'Brightness':
    case 'Color':
    case 'Contrast':
    case 'Sharpness':
      return { bins: linspaceF32(0, 0.9, 10), signed: true };
    case 'Posterize':
      // 8 - round(arange(10) / 2.25): a float32 division, rounded half to even.
      return { bins: Array.from({ length: 10 }, (_, i) => 8 - roundHalfEven(f32(i / 2.25))), signed: false };
    case 'Solarize':
      return { bins: linspaceF32(255, 0, 10), signed: false };
    default:
      return { bins: [0], signed: false };
  }
  // END SOLUTION
  // STARTER: return todo(`E.1: the magnitude bins of ${op} for a ${height}x${width} image`);
}

// ---- geometry ---------------------------------------------------------------------------------------------

/** E.2 torchvision's _get_inverse_affine_matrix(center, angle, translate, scale, shear), angles in degrees. */
export function inverseAffineMatrix(center: [number, number], angle: number, translate: [number, number], scale: number, shear: [number, number]): number[] {
  // BEGIN SOLUTION
  const rad = Math.PI / 180;
  const rot = angle * rad;
  const sx = shear[0] * rad;
  const sy = shear[1] * rad;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  // Rotation-scale-shear matrix RSS without scaling, then its inverse.
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((v) => v / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
  // END SOLUTION
  // STARTER: return todo('E.2: inverseAffineMatrix');
}

// ---- colour -----------------------------------------------------------------------------------------------

/** _blend: ratio * img + (1 - ratio) * other in float32, clamped to [0, 255], truncated to uint8. */
function blend(img: Uint8Image, other: (i: number) => number, ratio: number): Uint8Image {
  // BEGIN SOLUTION
  const r = f32(ratio);
  const q = f32(1 - ratio);
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.trunc(Math.min(255, Math.max(0, f32(f32(r * img.data[i]) + f32(q * other(i))))));
  return { ...img, data };
  // END SOLUTION
  // STARTER: return todo('E.3: blend');
}

/** rgb_to_grayscale: 0.2989 R + 0.587 G + 0.114 B in float32, truncated; one value per pixel. */
function grayscale(img: Uint8Image): Uint8Array {
  // BEGIN SOLUTION
  const out = new Uint8Array(img.height * img.width);
  const d = img.data;
  for (let p = 0; p < out.length; p++) {
    out[p] = Math.trunc(f32(f32(f32(f32(0.2989) * d[3 * p]) + f32(f32(0.587) * d[3 * p + 1])) + f32(f32(0.114) * d[3 * p + 2])));
  }
  return out;
  // END SOLUTION
  // STARTER: return todo('E.3: grayscale');
}

/** _blurred_degenerate_image: the 3x3 kernel [1 1 1; 1 5 1; 1 1 1] / 13 inside the border (rounded), border kept. */
function blurred(img: Uint8Image): Uint8Array {
  // BEGIN SOLUTION
  const { height: h, width: w, data } = img;
  const out = data.slice();
  const [edge, centre] = [f32(1 / 13), f32(5 / 13)];
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += data[((y + dy) * w + x + dx) * 3 + c] * (dx || dy ? edge : centre);
        out[(y * w + x) * 3 + c] = roundHalfEven(s);
      }
    }
  }
  return out;
  // END SOLUTION
  // STARTER: return todo('E.3: blurred');
}

function perChannel(img: Uint8Image, f: (values: number[], c: number) => (v: number) => number): Uint8Image {
  const data = new Uint8Array(img.data.length);
  for (let c = 0; c < 3; c++) {
    const values: number[] = [];
    for (let i = c; i < img.data.length; i += 3) values.push(img.data[i]);
    const map = f(values, c);
    for (let i = c; i < img.data.length; i += 3) data[i] = map(img.data[i]);
  }
  return { ...img, data };
}

/** E.3 autoaugment._apply_op(img, op, magnitude, NEAREST, fill=None). */
export function applyAutoAugmentOp(img: Uint8Image, op: AutoAugmentOp, magnitude: number): Uint8Image {
  const { width: w, height: h } = img;
  const degrees = (v: number) => Math.atan(v) * (180 / Math.PI);
  // BEGIN SOLUTION
  switch (op) {
    case 'ShearX':
      return affineNearest(img, inverseAffineMatrix([-w * 0.5, -h * 0.5], 0, [0, 0], 1, [degrees(magnitude), 0]));
    case 'ShearY':
      return affineNearest(img, inverseAffineMatrix([-w * 0.5, -h * 0.5], 0, [0, 0], 1, [0, degrees(magnitude)]));
    case 'TranslateX':
      return affineNearest(img, inverseAffineMatrix([0, 0], 0, [Math.trunc(magnitude), 0], 1, [0, 0]));
    case 'TranslateY':
      return affineNearest(img, inverseAffineMatrix([0, 0], 0, [0, Math.trunc(magnitude)], 1, [0, 0]));
    case 'Rotate':
      return affineNearest(img, inverseAffineMatrix([0, 0], -magnitude, [0, 0], 1, [0, 0]));
    case 'Brightness':
      return blend(img, () => 0, 1 + magnitude);
    case 'Color': {
      const gray = grayscale(img);
      return blend(img, (i) => gray[Math.floor(i / 3)], 1 + magnitude);
    }
    case 'Contrast': {
      const gray = grayscale(img);
      const mean = f32(gray.reduce((s, v) => s + v, 0) / gray.length);
      return blend(img, () => mean, 1 + magnitude);
    }
    case 'Sharpness': {
      if (w <= 2 || h <= 2) return { ...img, data: img.data.slice() };
      const blur = blurred(img);
      return blend(img, (i) => blur[i], 1 + magnitude);
    }
    case 'Posterize': {
      const mask = (0xff << (8 - Math.trunc(magnitude))) & 0xff;
      return { ...img, data: img.data.map((v) => v & mask) };
    }
    case 'Solarize':
      return { ...img, data: img.data.map((v) => (v >= f32(magnitude) ? 255 - v : v)) };
    case 'AutoContrast':
      return perChannel(img, (values) => {
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        if (hi === lo) return (v) => v;
        // 255 / (max - min) on a tensor is reciprocal() * 255 in torch: two roundings.
        const scale = f32(f32(1 / (hi - lo)) * 255);
        return (v) => Math.trunc(Math.min(255, Math.max(0, f32((v - lo) * scale))));
      });
    case 'Equalize':
      return perChannel(img, (values) => {
        const hist = new Array<number>(256).fill(0);
        for (const v of values) hist[v]++;
        const nonzero = hist.filter((n) => n > 0);
        const step = Math.floor(nonzero.slice(0, -1).reduce((s, n) => s + n, 0) / 255);
        if (step === 0) return (v) => v;
        const lut = [0];
        let cum = 0;
        for (let v = 0; v < 255; v++) {
          cum += hist[v];
          lut.push(Math.min(255, Math.floor((cum + Math.floor(step / 2)) / step)));
        }
        return (v) => lut[v];
      });
    case 'Invert':
      return { ...img, data: img.data.map((v) => 255 - v) };
  }
  // END SOLUTION
  // STARTER: void [w, h, degrees, blend, grayscale, blurred, perChannel, affineNearest];
  // STARTER: return todo(`E.3: applyAutoAugmentOp ${op}`);
}

/** E.4 AutoAugment.forward with the CIFAR-10 policy; the draws and their order are in contract.ts. */
export function autoAugment(img: Uint8Image, random: Random): Uint8Image {
  // BEGIN SOLUTION
  const policy = CIFAR10_POLICY[random.int(CIFAR10_POLICY.length)];
  const probs = [random.next(), random.next()];
  const signs = [random.int(2), random.int(2)];
  let out: Uint8Image = { ...img, data: img.data.slice() };
  policy.forEach(([op, p, bin], i) => {
    if (probs[i] > p) return;
    const { bins, signed } = magnitudeBins(op, img.height, img.width);
    let magnitude = bin === null ? 0 : bins[bin];
    if (signed && signs[i] === 0) magnitude = -magnitude;
    out = applyAutoAugmentOp(out, op, magnitude);
  });
  return out;
  // END SOLUTION
  // STARTER: return todo('E.4: autoAugment');
}
