import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/backend.ts';
import { makeRng } from '../engine/seed.ts';
import { LocalResponseNorm, localResponseNorm, type LrnParams } from './local-response-norm.ts';

const GOLDEN_DIR = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../../shared/golden/', import.meta.url));
const golden = JSON.parse(readFileSync(`${GOLDEN_DIR}/lrn.json`, 'utf8')) as { input: number[][][][]; output: number[][][][] };

/** NCHW nested arrays -> flat NHWC values and shape. */
function nchwToNhwc(a: number[][][][]): { values: Float64Array; shape: [number, number, number, number] } {
  const [n, c, h, w] = [a.length, a[0].length, a[0][0].length, a[0][0][0].length];
  const values = new Float64Array(n * h * w * c);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) values[((i * h + y) * w + x) * c + ch] = a[i][ch][y][x];
  return { values, shape: [n, h, w, c] };
}

/** Direct float64 transcription of torch.nn.functional.local_response_norm, channels last. */
function referenceLrn(x: Float64Array, channels: number, p: LrnParams): Float64Array {
  const out = new Float64Array(x.length);
  const lo = Math.floor(p.size / 2);
  const hi = Math.floor((p.size - 1) / 2);
  for (let base = 0; base < x.length; base += channels) {
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let j = c - lo; j <= c + hi; j++) if (j >= 0 && j < channels) s += x[base + j] ** 2;
      out[base + c] = x[base + c] / (p.k + (p.alpha / p.size) * s) ** p.beta;
    }
  }
  return out;
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-3));
  return m;
}

const ALEXNET: LrnParams = { size: 5, alpha: 1e-4, beta: 0.75, k: 2 };

describe.each(['cpu', 'wasm'])('LocalResponseNorm on %s', (backend) => {
  beforeAll(async () => {
    await initEngine(backend);
  });

  it('matches PyTorch nn.LocalResponseNorm(5, 1e-4, 0.75, 2) from golden/lrn.json within 1e-5 relative', () => {
    const x = nchwToNhwc(golden.input);
    const want = nchwToNhwc(golden.output);
    const got = tf.tidy(() => localResponseNorm(tf.tensor(Float32Array.from(x.values), x.shape, 'float32'), ALEXNET).dataSync());
    expect(got.length).toBe(want.values.length);
    expect(maxRelErr(got, want.values)).toBeLessThan(1e-5);
    // The float64 reference used below for other sizes agrees with PyTorch too.
    expect(maxRelErr(referenceLrn(x.values, x.shape[3], ALEXNET), want.values)).toBeLessThan(1e-12);
  });

  it('the layer gives the same result as the function and keeps the shape', () => {
    const x = nchwToNhwc(golden.input);
    const layer = new LocalResponseNorm({ ...ALEXNET });
    const input = tf.tensor(Float32Array.from(x.values), x.shape, 'float32');
    const out = layer.apply(input) as tf.Tensor;
    expect(out.shape).toEqual(x.shape);
    expect(maxRelErr(out.dataSync(), nchwToNhwc(golden.output).values)).toBeLessThan(1e-5);
    tf.dispose([input, out]);
  });

  it.each([1, 2, 3, 4, 5, 6, 9])('follows PyTorch window placement for size %i (even sizes reach one channel further back)', (size) => {
    const rng = makeRng(`lrn-${size}`);
    const shape: [number, number, number, number] = [2, 3, 2, 7];
    const values = Float64Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal() * 4);
    const p: LrnParams = { size, alpha: 0.5, beta: 0.75, k: 1.5 };
    const got = tf.tidy(() => localResponseNorm(tf.tensor(Float32Array.from(values), shape, 'float32'), p).dataSync());
    expect(maxRelErr(got, referenceLrn(values, shape[3], p))).toBeLessThan(1e-5);
  });

  it('has the analytic gradient (tf.grad) of a float64 finite-difference check', () => {
    const rng = makeRng('lrn-grad');
    const shape: [number, number, number, number] = [1, 2, 2, 6];
    const n = shape.reduce((a, b) => a * b);
    const values = Float64Array.from({ length: n }, () => rng.normal() * 2);
    const weights = Float64Array.from({ length: n }, () => rng.normal());
    // A strong alpha makes the normalisation (and so its gradient) far from the identity.
    for (const p of [ALEXNET, { size: 3, alpha: 2, beta: 0.75, k: 1 }, { size: 4, alpha: 1, beta: 0.5, k: 2 }]) {
      const loss = (x: Float64Array) => referenceLrn(x, shape[3], p).reduce((s, v, i) => s + v * weights[i], 0);
      const numeric = new Float64Array(n);
      const eps = 1e-6;
      for (let i = 0; i < n; i++) {
        const up = Float64Array.from(values);
        const down = Float64Array.from(values);
        up[i] += eps;
        down[i] -= eps;
        numeric[i] = (loss(up) - loss(down)) / (2 * eps);
      }
      const w = tf.tensor(Float32Array.from(weights), shape, 'float32');
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(localResponseNorm(x, p), w)));
      const analytic = tf.tidy(() => g(tf.tensor(Float32Array.from(values), shape, 'float32')).dataSync());
      w.dispose();
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(analytic[i] - numeric[i]) / Math.max(Math.abs(numeric[i]), 1e-2));
      expect(err, `size ${p.size} alpha ${p.alpha}`).toBeLessThan(1e-4);
    }
  });

  it('survives model.save / tf.loadLayersModel (registered for serialization)', async () => {
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', inputShape: [5, 5, 2] }), new LocalResponseNorm({ size: 4, alpha: 0.3, beta: 0.6, k: 1.2 })],
    });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    if (!saved) throw new Error('model.save produced no artifacts');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
    const lrn = loaded.layers[1];
    expect(lrn).toBeInstanceOf(LocalResponseNorm);
    expect((lrn as LocalResponseNorm).getConfig()).toMatchObject({ size: 4, alpha: 0.3, beta: 0.6, k: 1.2 });
    const x = tf.randomUniform([2, 5, 5, 2], -3, 3, 'float32', 7);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('trains inside a conv model (gradients flow through it on this backend)', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [6, 6, 3], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.reLU(),
        new LocalResponseNorm({ size: 5, alpha: 1e-2, beta: 0.75, k: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p) });
    const x = tf.randomNormal([8, 6, 6, 3], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3).toFloat();
    const losses: number[] = [];
    for (let i = 0; i < 15; i++) losses.push((await model.trainOnBatch(x, y)) as number);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[14]).toBeLessThan(0.5 * losses[0]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects a size that is not a positive integer, naming it', () => {
    expect(() => new LocalResponseNorm({ size: 0 })).toThrow(/size must be a positive integer, got 0/);
  });
});
