// Fused training-mode BatchNormalization on wasm against the original tfjs-layers path (on wasm: bitwise
// forward and moving statistics) and against the cpu backend: outputs, moving statistics, gradients wrt the
// input, gamma and beta; odd shapes, center/scale off; the calls that must keep the original path; training.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeRng, type Rng } from '../seed.ts';
import { initLikeTorch } from '../torch-init.ts';
import { BN_TRAIN, BN_TRAIN_GRAD, batchNormTrain } from './batchnorm-train.ts';
import { normals, relErr, setUpBackends } from './backend-compare.ts';

const TOL = 1e-5;

beforeAll(async () => {
  await setUpBackends();
});
afterEach(async () => {
  delete process.env.DLGRADE_FUSED_BATCHNORM;
  await tf.setBackend('wasm');
});

type Path = 'fused' | 'original';
function usePath(path: Path): void {
  if (path === 'original') process.env.DLGRADE_FUSED_BATCHNORM = '0';
  else delete process.env.DLGRADE_FUSED_BATCHNORM;
}

interface Case {
  shape: number[];
  axis?: number;
  center?: boolean;
  scale?: boolean;
}

interface Values {
  x: Float32Array;
  w: Float32Array; // loss = sum(y * w), so dy = w
  gamma: Float32Array;
  beta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
}

interface Result {
  y: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  dx: Float32Array;
  dgamma?: Float32Array;
  dbeta?: Float32Array;
  kernels: string[];
}

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

function values(rng: Rng, c: Case): Values {
  const C = c.shape[c.axis === undefined || c.axis === -1 ? c.shape.length - 1 : c.axis];
  // Channels with a non-zero mean and a spread far from 1, so a missing or misplaced statistic shows.
  const shift = normals(rng, C).map((v) => 3 * v);
  const spread = normals(rng, C).map((v) => 0.5 + Math.abs(v) * 2);
  const x = normals(rng, size(c.shape)).map((v, i) => v * spread[i % C] + shift[i % C]);
  return {
    x: c.axis === undefined || c.axis === -1 ? x : normals(rng, size(c.shape)),
    w: normals(rng, size(c.shape)),
    gamma: normals(rng, C).map((v) => 1 + 0.5 * v),
    beta: normals(rng, C),
    movingMean: normals(rng, C),
    movingVariance: normals(rng, C).map((v) => 1 + Math.abs(v)),
  };
}

/** One training-mode call of a BatchNormalization layer on the current backend, under a gradient tape. */
async function trainCall(c: Case, v: Values, opts: { center: boolean; scale: boolean } = { center: c.center ?? true, scale: c.scale ?? true }): Promise<Result> {
  const layer = tf.layers.batchNormalization({ axis: c.axis ?? -1, center: opts.center, scale: opts.scale, momentum: 0.9, epsilon: 1e-3 });
  layer.build(c.shape);
  const C = v.gamma.length;
  const init = [
    ...(opts.scale ? [tf.tensor1d(v.gamma)] : []),
    ...(opts.center ? [tf.tensor1d(v.beta)] : []),
    tf.tensor1d(v.movingMean),
    tf.tensor1d(v.movingVariance),
  ];
  layer.setWeights(init);
  tf.dispose(init);
  const xt = tf.tensor(v.x, c.shape);
  const xv = tf.variable(xt);
  xt.dispose();
  const w = tf.tensor(v.w, c.shape);
  const vars = layer.trainableWeights.map((t) => t.read() as tf.Variable);
  let y: tf.Tensor | undefined;
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => {
      y = tf.keep(layer.apply(xv, { training: true }) as tf.Tensor);
      return tf.sum(tf.mul(y, w)) as tf.Scalar;
    }, [xv, ...vars]);
    value.dispose();
    return Object.values(grads);
  });
  const outs = profile.result as unknown as tf.Tensor[];
  const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());
  const weights = layer.getWeights();
  const stats = weights.slice(-2).map(read);
  const r: Result = {
    y: read(y as tf.Tensor),
    movingMean: stats[0],
    movingVariance: stats[1],
    dx: read(outs[0]),
    dgamma: opts.scale ? read(outs[1]) : undefined,
    dbeta: opts.center ? read(outs[opts.scale ? 2 : 1]) : undefined,
    kernels: profile.kernels.map((k) => k.name),
  };
  expect(r.movingMean.length).toBe(C);
  [xv, w, y as tf.Tensor, ...outs].forEach((t) => t.dispose());
  layer.weights.forEach((lw) => lw.dispose());
  return r;
}

async function on(backend: 'wasm' | 'cpu', path: Path, c: Case, v: Values, opts?: { center: boolean; scale: boolean }): Promise<Result> {
  await tf.setBackend(backend);
  usePath(path);
  try {
    return await trainCall(c, v, opts);
  } finally {
    usePath('fused');
    await tf.setBackend('wasm');
  }
}

function expectClose(what: string, got: Result, want: Result): void {
  for (const k of ['y', 'movingMean', 'movingVariance', 'dx', 'dgamma', 'dbeta'] as const) {
    const g = got[k];
    const w = want[k];
    expect(g === undefined, `${what}: ${k} present on one side only`).toBe(w === undefined);
    if (g && w) expect(relErr(g, w), `${what}: ${k}`).toBeLessThan(TOL);
  }
}

const count = (kernels: string[], name: string) => kernels.filter((k) => k === name).length;

const SHAPES: number[][] = [
  [37, 5], // 2-D, C not a multiple of 4
  [64, 16], // 2-D, C a multiple of 4
  [3, 7, 5, 6], // 4-D, odd sizes
  [1, 4, 4, 3], // batch 1
  [16, 9, 9, 13], // > 64 rows per block boundary, C = 3 * 4 + 1
  [4, 5, 6], // rank 3
  [9, 1], // C = 1
];

describe('fused training-mode BatchNormalization on wasm', () => {
  const rng = makeRng('batchnorm-train');

  it('is one kernel each way and replaces the composed ops', async () => {
    const c = { shape: [8, 4, 4, 6] };
    const fused = await on('wasm', 'fused', c, values(rng, c));
    expect(count(fused.kernels, BN_TRAIN)).toBe(1);
    expect(count(fused.kernels, BN_TRAIN_GRAD)).toBe(1);
    expect(count(fused.kernels, 'Mean') + count(fused.kernels, 'FusedBatchNorm') + count(fused.kernels, 'Tile')).toBe(0);
    const original = await on('wasm', 'original', c, values(rng, c));
    expect(count(original.kernels, BN_TRAIN) + count(original.kernels, BN_TRAIN_GRAD)).toBe(0);
    expect(original.kernels.length).toBeGreaterThan(fused.kernels.length + 20);
  });

  for (const shape of SHAPES) {
    it(`[${shape}]: same forward and moving statistics as the original path bit for bit, gradients within ${TOL}; cpu within ${TOL}`, async () => {
      const c = { shape };
      const v = values(rng, c);
      const fused = await on('wasm', 'fused', c, v);
      expect(count(fused.kernels, BN_TRAIN), 'fused path taken').toBe(1);
      const original = await on('wasm', 'original', c, v);
      const rows = size(shape) / shape[shape.length - 1];
      if (rows > 1) {
        // The original's per-channel Sub and FusedBatchNorm run on our SIMD kernels only for rows > 1.
        expect(Array.from(fused.y), 'y').toEqual(Array.from(original.y));
      }
      expect(Array.from(fused.movingMean), 'moving mean').toEqual(Array.from(original.movingMean));
      expect(Array.from(fused.movingVariance), 'moving variance').toEqual(Array.from(original.movingVariance));
      expectClose(`[${shape}] vs original on wasm`, fused, original);
      expectClose(`[${shape}] vs cpu`, fused, await on('cpu', 'original', c, v));
    });
  }

  it('rank 5 (the original path stops at rank 4) matches the original layer on the [rows, C] reshape, on cpu', async () => {
    const c = { shape: [2, 3, 4, 2, 5] };
    const v = values(rng, c);
    await expect(on('wasm', 'original', c, v)).rejects.toThrow(/rank 5/);
    const fused = await on('wasm', 'fused', c, v);
    const flat = await on('cpu', 'original', { shape: [size(c.shape) / 5, 5] }, v);
    expectClose('rank 5 vs cpu [rows, C]', fused, flat);
  });

  for (const [center, scale] of [
    [false, true],
    [true, false],
    [false, false],
  ] as const) {
    it(`center ${center}, scale ${scale}: trains (tfjs's own training path throws) and matches a layer with gamma 1 / beta 0 on cpu`, async () => {
      const c = { shape: [6, 5, 5, 7], center, scale };
      const v = values(rng, c);
      await expect(on('wasm', 'original', c, v)).rejects.toThrow(/read/);
      const fused = await on('wasm', 'fused', c, v);
      expect(count(fused.kernels, BN_TRAIN)).toBe(1);
      const reference = await on('cpu', 'original', c, { ...v, gamma: scale ? v.gamma : v.gamma.map(() => 1), beta: center ? v.beta : v.beta.map(() => 0) }, { center: true, scale: true });
      expectClose(`center ${center} scale ${scale} vs cpu`, fused, {
        ...reference,
        dgamma: scale ? reference.dgamma : undefined,
        dbeta: center ? reference.dbeta : undefined,
      });
    });
  }

  it('inference, another axis and the cpu backend keep the original call', async () => {
    const x = tf.tensor(normals(rng, 4 * 3 * 3 * 6), [4, 3, 3, 6]);
    const layer = tf.layers.batchNormalization({});
    layer.build(x.shape);
    const inference = await tf.profile(() => layer.apply(x, { training: false }) as tf.Tensor);
    expect(count(inference.kernels.map((k) => k.name), BN_TRAIN)).toBe(0);
    (inference.result as tf.Tensor).dispose();

    // Channels-first: the original path, whose gradient tfjs 4.22 cannot compute on any backend (its
    // batchNorm gradient reshapes a full-size tensor to [1, C, 1, 1]), so the forward only.
    const xf = tf.tensor(normals(rng, 4 * 6 * 3 * 3), [4, 6, 3, 3]);
    const forward = async (path: Path) => {
      usePath(path);
      const l = tf.layers.batchNormalization({ axis: 1 });
      l.build(xf.shape);
      const p = await tf.profile(() => l.apply(xf, { training: true }) as tf.Tensor);
      const out = { y: Array.from((p.result as tf.Tensor).dataSync()), stats: l.getWeights().slice(-2).map((t) => Array.from(t.dataSync())), kernels: p.kernels.map((k) => k.name) };
      (p.result as tf.Tensor).dispose();
      l.weights.forEach((lw) => lw.dispose());
      usePath('fused');
      return out;
    };
    const channelsFirst = await forward('fused');
    expect(count(channelsFirst.kernels, BN_TRAIN)).toBe(0);
    expect(channelsFirst.kernels).toContain('FusedBatchNorm');
    const channelsFirstOriginal = await forward('original');
    expect(channelsFirst.y).toEqual(channelsFirstOriginal.y);
    expect(channelsFirst.stats).toEqual(channelsFirstOriginal.stats);
    xf.dispose();

    const cpu = await on('cpu', 'fused', { shape: [4, 3] }, values(rng, { shape: [4, 3] }));
    expect(count(cpu.kernels, BN_TRAIN)).toBe(0);
    x.dispose();
    layer.weights.forEach((lw) => lw.dispose());
  });

  it('leaves no tensor behind (forward, tape and gradient)', async () => {
    const c = { shape: [5, 4, 4, 6] };
    const v = values(rng, c);
    await on('wasm', 'fused', c, v); // warm-up: kernels and variables created once
    const before = tf.memory().numTensors;
    await on('wasm', 'fused', c, v);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the kernel names itself and the input when a shape is wrong', () => {
    expect(() => batchNormTrain(tf.zeros([4, 3]), tf.ones([4]), undefined, 1e-3)).toThrow(/DlgradeBatchNormTrain.*gamma has shape \[4\], expected \[3\]/);
  });
});

describe('a model with BatchNormalization trains on the fused path', () => {
  const build = () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', inputShape: [8, 8, 3] }),
        tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
        tf.layers.reLU(),
        tf.layers.flatten(),
        tf.layers.dense({ units: 16 }),
        tf.layers.batchNormalization({}), // 2-D
        tf.layers.reLU(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });

  async function train(path: Path): Promise<{ losses: number[]; weights: Float32Array[]; kernels: string[] }> {
    usePath(path);
    const rng = makeRng('bn-model-data');
    const x = tf.tensor4d(normals(rng, 32 * 8 * 8 * 3), [32, 8, 8, 3]);
    const y = tf.tidy(() => tf.oneHot(tf.argMax(tf.sum(x, [1, 2]), -1), 10).toFloat()); // learnable: the brightest colour
    const model = build();
    initLikeTorch(model, 7);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const losses: number[] = [];
    let kernels: string[] = [];
    for (let step = 0; step < 25; step++) {
      if (step === 0) {
        const p = await tf.profile(async () => {
          losses.push((await model.trainOnBatch(x, y)) as number);
        });
        kernels = p.kernels.map((k) => k.name);
      } else losses.push((await model.trainOnBatch(x, y)) as number);
    }
    const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
    tf.dispose([x, y]);
    model.dispose();
    usePath('fused');
    return { losses, weights, kernels };
  }

  it('loss falls, runs repeat bit for bit, and follow the original path', async () => {
    const a = await train('fused');
    expect(count(a.kernels, BN_TRAIN)).toBe(2);
    expect(count(a.kernels, BN_TRAIN_GRAD)).toBe(2);
    expect(a.losses[a.losses.length - 1]).toBeLessThan(a.losses[0] / 2);
    const b = await train('fused');
    expect(b.losses).toEqual(a.losses);
    b.weights.forEach((w, i) => expect(Array.from(w), `weight ${i}`).toEqual(Array.from(a.weights[i])));
    const o = await train('original');
    expect(count(o.kernels, BN_TRAIN)).toBe(0);
    expect(a.losses[0], 'first loss: a forward quantity, bitwise the same').toBe(o.losses[0]);
    expect(relErr(a.losses, o.losses)).toBeLessThan(1e-4);
    a.weights.forEach((w, i) => expect(relErr(w, o.weights[i]), `weight ${i}`).toBeLessThan(1e-4));
  });
});
