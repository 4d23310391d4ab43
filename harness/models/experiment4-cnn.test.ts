import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters } from '../checks/parameter-count.ts';
import { initEngine } from '../engine/backend.ts';
import { experiment4Cnn, experiment4Params } from './experiment4-cnn.ts';

const GOLDEN_DIR = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../../shared/golden/', import.meta.url));
const golden = JSON.parse(readFileSync(`${GOLDEN_DIR}/models.json`, 'utf8')) as { experiment4_cnn: { six_block_cnn: number; per_layer: Record<string, number> } };

beforeAll(async () => {
  await initEngine('wasm');
});

describe('Experiment-4 six-block CNN (seed 001)', () => {
  it("has PyTorch's 4,079,429 trainable parameters, layer by layer as the seed's table", () => {
    const m = experiment4Cnn();
    const c = countParameters(m);
    expect(c.trainable).toBe(golden.experiment4_cnn.six_block_cnn);
    expect(c.layers.filter((l) => l.params > 0).map((l) => l.params)).toEqual(Object.values(golden.experiment4_cnn.per_layer));
    expect(experiment4Params().perLayer).toEqual(Object.values(golden.experiment4_cnn.per_layer));
    m.dispose();
  });

  it('maps [1, 32, 32, 3] to [1, 10]; narrower widths and 16x16 inputs work (global pooling)', () => {
    const m = experiment4Cnn();
    expect(tf.tidy(() => (m.predict(tf.zeros([1, 32, 32, 3])) as tf.Tensor).shape)).toEqual([1, 10]);
    m.dispose();
    const small = experiment4Cnn({ channels: [4, 5, 6, 7, 8, 9], inputShape: [16, 16, 3], numClasses: 3 });
    expect(tf.tidy(() => (small.predict(tf.zeros([2, 16, 16, 3])) as tf.Tensor).shape)).toEqual([2, 3]);
    expect(countParameters(small).trainable).toBe(experiment4Params([4, 5, 6, 7, 8, 9], 3, 3).total);
    small.dispose();
  });

  it('rejects widths that are not six positive integers', () => {
    expect(() => experiment4Cnn({ channels: [4, 5] })).toThrow(/six positive integers, got \[4,5\]/);
  });
});
