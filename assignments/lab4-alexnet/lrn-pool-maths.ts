// The grader's float64 LocalResponseNorm and AdaptiveAvgPool2d on NHWC values (PyTorch's semantics), the usual
// wrong versions of each (so feedback can name the bug the data shows), and the golden lrn.json in NHWC.
import type { LrnParams } from './contract.ts';

export interface Nhwc {
  values: Float64Array;
  shape: [number, number, number, number];
}

/** Nested NCHW arrays (lrn.json) -> NHWC values. */
export function nchwToNhwc(a: readonly (readonly (readonly (readonly number[])[])[])[]): Nhwc {
  const [n, c, h, w] = [a.length, a[0]!.length, a[0]![0]!.length, a[0]![0]![0]!.length];
  const values = new Float64Array(n * h * w * c);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) values[((i * h + y) * w + x) * c + ch] = a[i]![ch]![y]![x]!;
  return { values, shape: [n, h, w, c] };
}

/** How a channel window and the alpha scaling are chosen: PyTorch's, or one of the usual mistakes. */
export interface LrnVariant {
  /** Channels below / above c in the window. */
  below: number;
  above: number;
  /** alpha is multiplied by this before scaling the window sum. */
  alphaScale: number;
  /** The k and alpha arguments exchanged (tf.localResponseNormalization's order is radius, bias, alpha, beta). */
  swapKAlpha?: boolean;
}

export function torchWindow(p: LrnParams): LrnVariant {
  return { below: Math.floor(p.size / 2), above: Math.floor((p.size - 1) / 2), alphaScale: 1 / p.size };
}

/** out[c] = x[c] / (k + alpha * alphaScale * sum_{window} x^2) ^ beta, channels last, zero outside. */
export function lrnValues(x: Nhwc, p: LrnParams, v: LrnVariant = torchWindow(p)): Float64Array {
  const channels = x.shape[3];
  const [k, alpha] = v.swapKAlpha ? [p.alpha, p.k] : [p.k, p.alpha];
  const out = new Float64Array(x.values.length);
  for (let base = 0; base < x.values.length; base += channels) {
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let j = Math.max(0, c - v.below); j <= Math.min(channels - 1, c + v.above); j++) s += x.values[base + j]! ** 2;
      out[base + c] = x.values[base + c]! / (k + alpha * v.alphaScale * s) ** p.beta;
    }
  }
  return out;
}

/** The wrong LRNs a port of nn.LocalResponseNorm to tfjs tends to produce, with what to tell the student. */
export function lrnMistakes(p: LrnParams): { variant: LrnVariant; why: string }[] {
  const r = Math.floor(p.size / 2);
  const torch = torchWindow(p);
  return [
    { variant: { ...torch, alphaScale: 1 }, why: `alpha is not divided by size: PyTorch scales the window sum by alpha / size (${p.alpha} / ${p.size}); tf.localResponseNormalization uses alpha itself` },
    { variant: { below: p.size, above: p.size, alphaScale: 1 / p.size }, why: `the window spans ${2 * p.size + 1} channels: size ${p.size} was used as a radius (tfjs's depthRadius); PyTorch's window is ${p.size} channels` },
    { variant: { below: p.size, above: p.size, alphaScale: 1 }, why: `this is tfjs's LRN with depthRadius ${p.size} and alpha ${p.alpha}: a window of ${2 * p.size + 1} channels and alpha not divided by size` },
    { variant: { below: r, above: r, alphaScale: 1 / p.size }, why: `the window is symmetric (${2 * r + 1} channels): for an even size PyTorch takes floor(size/2) channels below and floor((size-1)/2) above` },
    { variant: { below: r, above: r, alphaScale: 1 }, why: `this is tfjs's LRN (depthRadius ${r}): symmetric window and alpha not divided by size` },
    { variant: { ...torch, swapKAlpha: true }, why: 'k and alpha are swapped (tf.localResponseNormalization takes depthRadius, bias, alpha, beta: bias is k)' },
  ];
}

/** Output cells of nn.AdaptiveAvgPool2d along one axis: [start, end) windows. */
export function adaptiveWindows(n: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)] as [number, number]);
}

/** A plain average pool with window and stride floor(n / out) (what tf.avgPool gives when out does not divide n). */
export function floorWindows(n: number, out: number): [number, number][] {
  const k = Math.max(1, Math.floor(n / out));
  return Array.from({ length: out }, (_, i) => [Math.min(n - 1, i * k), Math.min(n, i * k + k)] as [number, number]);
}

/** Average of x over row windows `rows` and column windows `cols`, per channel: [B, rows, cols, C]. */
export function poolValues(x: Nhwc, rows: [number, number][], cols: [number, number][]): Float64Array {
  const [b, h, w, c] = x.shape;
  void h;
  const out = new Float64Array(b * rows.length * cols.length * c);
  let at = 0;
  for (let n = 0; n < b; n++) {
    for (const [h0, h1] of rows) {
      for (const [w0, w1] of cols) {
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let y = h0; y < h1; y++) for (let xx = w0; xx < w1; xx++) s += x.values[((n * x.shape[1] + y) * w + xx) * c + ch]!;
          out[at++] = s / ((h1 - h0) * (w1 - w0));
        }
      }
    }
  }
  return out;
}

export function adaptivePoolValues(x: Nhwc, outH: number, outW: number): Float64Array {
  return poolValues(x, adaptiveWindows(x.shape[1], outH), adaptiveWindows(x.shape[2], outW));
}

/** Largest |got - want| / max(|want|, floor). */
export function maxRelError(got: ArrayLike<number>, want: ArrayLike<number>, floor = 1e-3): number {
  if (got.length !== want.length) return Infinity;
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / Math.max(Math.abs(want[i]!), floor);
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : e;
  }
  return m;
}
