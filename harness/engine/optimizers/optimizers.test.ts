// TorchAdam / TorchSgd against PyTorch's trajectories (../shared/golden/optimizers.json): the parameter after
// each step from w0 given the recorded gradients, on wasm and cpu, through the one-pass kernel and through the
// tf-ops fallback.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../backend.ts';
import { TorchAdam } from './torch-adam.ts';
import { TorchSgd } from './torch-sgd.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenPath = path.resolve(here, '../../../../shared/golden/optimizers.json');

interface Golden {
  w0: number[];
  grads: number[][];
  [trajectory: string]: number[] | number[][] | string;
}

const golden = JSON.parse(fs.readFileSync(goldenPath, 'utf8')) as Golden;

// float32 arithmetic against PyTorch's float64 reference, parameters of size ~1.
const TOL = 2e-6;

const CASES: { key: string; make: (path: 'auto' | 'composite') => tf.Optimizer }[] = [
  { key: 'adam_lr1e-3', make: (p) => new TorchAdam({ learningRate: 1e-3, path: p }) },
  { key: 'adamw_lr1e-3_wd0.1', make: (p) => new TorchAdam({ learningRate: 1e-3, weightDecay: 0.1, decoupled: true, path: p }) },
  { key: 'adamw_lr0.00182_wd3.5e-5', make: (p) => new TorchAdam({ learningRate: 0.00182, weightDecay: 3.5e-5, decoupled: true, path: p }) },
  { key: 'sgd_lr0.01', make: (p) => new TorchSgd({ learningRate: 0.01, path: p }) },
  { key: 'sgd_lr0.01_momentum0.9_wd5e-4', make: (p) => new TorchSgd({ learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4, path: p }) },
];

function trajectory(make: () => tf.Optimizer): number[][] {
  const w = tf.variable(tf.tensor1d(golden.w0), true, `w_${Math.random().toString(36).slice(2)}`);
  const opt = make();
  const out: number[][] = [];
  for (const g of golden.grads) {
    tf.tidy(() => opt.applyGradients({ [w.name]: tf.tensor1d(g) }));
    out.push(Array.from(w.dataSync()));
  }
  opt.dispose();
  w.dispose();
  return out;
}

beforeAll(async () => {
  await initEngine('wasm');
});

describe('PyTorch optimizer trajectories', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const p of ['auto', 'composite'] as const) {
      it.each(CASES.map((c) => [c.key, c] as const))(`%s on ${backend} (${p === 'auto' ? 'one-pass kernel' : 'tf ops'})`, async (key, c) => {
        await tf.setBackend(backend);
        const want = golden[key] as number[][];
        expect(want, `golden ${key} missing from ${goldenPath}`).toBeInstanceOf(Array);
        const got = trajectory(() => c.make(p));
        expect(got.length).toBe(want.length);
        for (let s = 0; s < want.length; s++) {
          for (let i = 0; i < want[s].length; i++) {
            expect(Math.abs(got[s][i] - want[s][i]), `${key} step ${s + 1} element ${i}: got ${got[s][i]}, PyTorch ${want[s][i]}`).toBeLessThan(TOL);
          }
        }
        await tf.setBackend('wasm');
      });
    }
  }

  it('tfjs momentum SGD (buffer starts at zero, no weight decay) misses the SGD golden: the check can fail', async () => {
    await tf.setBackend('cpu');
    const got = trajectory(() => tf.train.momentum(0.01, 0.9));
    const want = golden['sgd_lr0.01_momentum0.9_wd5e-4'] as number[][];
    const worst = Math.max(...got.flatMap((row, s) => row.map((v, i) => Math.abs(v - want[s][i]))));
    expect(worst).toBeGreaterThan(TOL);
    await tf.setBackend('wasm');
  });

  it('skips parameters without a gradient and keeps per-parameter step counts', async () => {
    await tf.setBackend('wasm');
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'adam_skip_a');
    const b = tf.variable(tf.tensor1d([3]), true, 'adam_skip_b');
    const opt = new TorchAdam({ learningRate: 0.1 });
    opt.applyGradients({ [a.name]: tf.tensor1d([1, -1]) });
    expect(Array.from(b.dataSync())).toEqual([3]);
    opt.applyGradients({ [a.name]: tf.tensor1d([1, -1]), [b.name]: tf.tensor1d([2]) });
    // b's first step: Adam moves every coordinate by lr*sign(g) on its first step.
    expect(b.dataSync()[0]).toBeCloseTo(3 - 0.1, 5); // float32: a few ulps
    opt.dispose();
    tf.dispose([a, b]);
  });

  it('refuses invalid hyper-parameters and unknown variables, naming them', () => {
    expect(() => new TorchAdam({ learningRate: -1 })).toThrow(/learningRate must be a finite number >= 0, got -1/);
    expect(() => new TorchSgd({ learningRate: 0.1, nesterov: true })).toThrow(/Nesterov/);
    const opt = new TorchSgd({ learningRate: 0.1 });
    expect(() => opt.applyGradients({ no_such_variable: tf.scalar(1) })).toThrow(/no variable named "no_such_variable"/);
  });
});
