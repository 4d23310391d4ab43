// The grader's own computation of the notebook's BottleneckResBlock (exercise C), in float64 on NHWC arrays:
// what the submission's block must output for weights and inputs the grader chooses. Transcribed from the
// seed's forward(): relu(bn1(conv1(x))), relu(bn2(conv2(.))), bn3(conv3(.)), + shortcut(x), relu.

/** An NHWC array: values in row-major order of shape [n, h, w, c]. */
export interface Nhwc {
  values: Float64Array;
  shape: [number, number, number, number];
}

/** One BatchNorm2d: per-channel gamma (weight), beta (bias), running mean and running variance. */
export interface BatchNormWeights {
  gamma: Float64Array;
  beta: Float64Array;
  movingMean: Float64Array;
  movingVariance: Float64Array;
}

/** Kernels in tfjs's layout [kh, kw, cin, cout]; the shortcut only when inChannels != outChannels. */
export interface BlockWeights {
  conv1: Float64Array;
  bn1: BatchNormWeights;
  conv2: Float64Array;
  bn2: BatchNormWeights;
  conv3: Float64Array;
  bn3: BatchNormWeights;
  shortcut?: { conv: Float64Array; bn: BatchNormWeights };
}

export interface BlockSize {
  inChannels: number;
  bottleneckChannels: number;
  outChannels: number;
}

/** nn.BatchNorm2d's default epsilon. */
export const BN_EPSILON = 1e-5;

/** Trainable parameters of one block, PyTorch's count: three bias-free convs, BatchNorm gamma+beta, the projection when channels differ. */
export function blockParameters({ inChannels: i, bottleneckChannels: b, outChannels: o }: BlockSize): number {
  const main = i * b + 9 * b * b + b * o + 2 * (b + b + o);
  return main + (i !== o ? i * o + 2 * o : 0);
}

/** Cross-correlation with zero padding (k - 1) / 2 and stride 1 ('same' for odd k), no bias. */
export function conv2dSame(x: Nhwc, kernel: Float64Array, k: number, cout: number): Nhwc {
  const [n, h, w, cin] = x.shape;
  if (kernel.length !== k * k * cin * cout) throw new Error(`conv2dSame: kernel has ${kernel.length} values, expected ${k}x${k}x${cin}x${cout}`);
  const pad = (k - 1) / 2;
  const out = new Float64Array(n * h * w * cout);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        const o = ((b * h + y) * w + xx) * cout;
        for (let dy = 0; dy < k; dy++) {
          const sy = y + dy - pad;
          if (sy < 0 || sy >= h) continue;
          for (let dx = 0; dx < k; dx++) {
            const sx = xx + dx - pad;
            if (sx < 0 || sx >= w) continue;
            const src = ((b * h + sy) * w + sx) * cin;
            const kb = (dy * k + dx) * cin * cout;
            for (let ci = 0; ci < cin; ci++) {
              const v = x.values[src + ci];
              const kr = kb + ci * cout;
              for (let co = 0; co < cout; co++) out[o + co] += v * kernel[kr + co];
            }
          }
        }
      }
  return { values: out, shape: [n, h, w, cout] };
}

/**
 * BatchNorm over the channel axis. Inference: the moving statistics. Training: the batch's mean and biased
 * variance over (n, h, w), as PyTorch (and tfjs) normalise in training mode.
 */
export function batchNorm(x: Nhwc, p: BatchNormWeights, training: boolean, eps = BN_EPSILON): Nhwc {
  const c = x.shape[3];
  const count = x.values.length / c;
  let mean = p.movingMean;
  let variance = p.movingVariance;
  if (training) {
    mean = new Float64Array(c);
    variance = new Float64Array(c);
    for (let i = 0; i < x.values.length; i++) mean[i % c] += x.values[i];
    for (let ch = 0; ch < c; ch++) mean[ch] /= count;
    for (let i = 0; i < x.values.length; i++) variance[i % c] += (x.values[i] - mean[i % c]) ** 2;
    for (let ch = 0; ch < c; ch++) variance[ch] /= count;
  }
  const out = new Float64Array(x.values.length);
  for (let i = 0; i < out.length; i++) {
    const ch = i % c;
    out[i] = (p.gamma[ch] * (x.values[i] - mean[ch])) / Math.sqrt(variance[ch] + eps) + p.beta[ch];
  }
  return { values: out, shape: x.shape };
}

const relu = (x: Nhwc): Nhwc => ({ values: x.values.map((v) => Math.max(0, v)), shape: x.shape });

/** The block's output for input x (NHWC) with the given weights, in inference or training mode. */
export function bottleneckBlock(x: Nhwc, size: BlockSize, wts: BlockWeights, training: boolean): Nhwc {
  const { bottleneckChannels: b, outChannels: o } = size;
  let out = relu(batchNorm(conv2dSame(x, wts.conv1, 1, b), wts.bn1, training));
  out = relu(batchNorm(conv2dSame(out, wts.conv2, 3, b), wts.bn2, training));
  out = batchNorm(conv2dSame(out, wts.conv3, 1, o), wts.bn3, training);
  const identity = wts.shortcut ? batchNorm(conv2dSame(x, wts.shortcut.conv, 1, o), wts.shortcut.bn, training) : x;
  if (identity.shape[3] !== o) throw new Error(`bottleneckBlock: the shortcut has ${identity.shape[3]} channels, the main path ${o}`);
  const sum = out.values.map((v, i) => v + identity.values[i]);
  return relu({ values: sum, shape: out.shape });
}
