import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/backend.ts';
import { initLikeTorch } from '../engine/torch-init.ts';
import { SpatialDropout2d } from './spatial-dropout2d.ts';

/** Per (sample, channel) of an NHWC array: the distinct values of that feature map. */
function mapValues(values: Float32Array, [n, h, w, c]: number[]): Set<number>[] {
  const maps = Array.from({ length: n * c }, () => new Set<number>());
  for (let i = 0; i < n; i++) for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) maps[i * c + k].add(values[(i * h * w + p) * c + k]);
  return maps;
}

function model(rate: number) {
  return tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [6, 6, 3], filters: 8, kernelSize: 3, padding: 'same', useBias: false }), new SpatialDropout2d({ rate }), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 2 })],
  });
}

describe.each(['cpu', 'wasm'])('SpatialDropout2d (nn.Dropout2d) on %s', (backend) => {
  beforeAll(async () => {
    await initEngine(backend);
  });

  it('zeroes whole feature maps in training mode and scales the others by 1 / (1 - rate)', () => {
    const layer = new SpatialDropout2d({ rate: 0.3, seed: 5 });
    const shape = [16, 3, 4, 32];
    const out = tf.tidy(() => (layer.apply(tf.ones(shape), { training: true }) as tf.Tensor).dataSync() as Float32Array);
    const maps = mapValues(out, shape);
    for (const m of maps) expect(m.size).toBe(1);
    const values = maps.map((m) => [...m][0]);
    const dropped = values.filter((v) => v === 0).length;
    for (const v of values) expect([0, Math.fround(1 / 0.7)]).toContain(v);
    // 512 maps at p 0.3: mean 153.6, sd 10.4.
    expect(dropped).toBeGreaterThan(110);
    expect(dropped).toBeLessThan(200);
  });

  it('is the identity at inference and for rate 0', () => {
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 1);
    expect(Array.from((new SpatialDropout2d({ rate: 0.5 }).apply(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));
    expect(Array.from((new SpatialDropout2d({ rate: 0 }).apply(x, { training: true }) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));
    x.dispose();
  });

  it('passes the gradient through the kept maps only (the mask)', () => {
    const layer = new SpatialDropout2d({ rate: 0.5, seed: 3 });
    const shape = [4, 2, 2, 8];
    const g = tf.grad((x: tf.Tensor) => tf.sum(layer.apply(x, { training: true }) as tf.Tensor))(tf.ones(shape));
    const maps = mapValues(g.dataSync() as Float32Array, shape);
    for (const m of maps) expect([[0], [2]]).toContainEqual([...m]);
    expect(maps.some((m) => m.has(0)) && maps.some((m) => m.has(2))).toBe(true);
    g.dispose();
  });

  it('draws new masks every step, the same ones run to run (seeded by initLikeTorch), other ones for another seed', () => {
    const masksOf = (seed: number) => {
      const m = model(0.5);
      initLikeTorch(m, seed);
      const layer = m.layers[1];
      const x = tf.ones([4, 6, 6, 8]);
      const steps = [0, 1].map(() => tf.tidy(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync())));
      x.dispose();
      m.dispose();
      return steps;
    };
    const [a1, a2] = masksOf(7);
    const [b1] = masksOf(7);
    const [c1] = masksOf(8);
    expect(a1).toEqual(b1);
    expect(a1).not.toEqual(a2);
    expect(a1).not.toEqual(c1);
  });

  it('survives serialization: rebuilt from the topology JSON with its class and rate', async () => {
    const m = model(0.09);
    const rebuilt = await tf.models.modelFromJSON({ modelTopology: m.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    const layer = rebuilt.layers[1];
    expect(layer.getClassName()).toBe('SpatialDropout2d');
    expect(layer.getConfig().rate).toBe(0.09);
    m.dispose();
    rebuilt.dispose();
  });

  it('refuses a rate outside [0, 1) and input that is not NHWC, naming the layer', () => {
    expect(() => new SpatialDropout2d({ rate: 1, name: 'drop' })).toThrow(/SpatialDropout2d "drop": rate must be a number in \[0, 1\), got 1/);
    expect(() => new SpatialDropout2d({ rate: 0.1, name: 'd2' }).apply(tf.ones([2, 3]), { training: true })).toThrow(/d2.*rank 4/);
  });
});
