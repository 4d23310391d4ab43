import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, type EngineInfo } from '../engine/backend.ts';
import { budgetData, trainAndScore, type Budget } from './calibration.ts';

// What the synthetic set is for: on the same short seeded budget, the small ConvNet (63,402 parameters)
// beats both larger MLPs (seed 003's SimpleMLP, 308,310; CSCI-5501's FC [1024,512,256], 3,805,450) on
// held-out synthetic images. A cheap budget here (about 15 s on wasm); harness/data/calibrate.ts runs the
// longer one whose figures README.md reports.

const budget: Budget = { trainImages: 1200, testImages: 500, epochs: 3, batchSize: 64, learningRate: 1e-3, seed: 1 };
let engine: EngineInfo;

beforeAll(async () => {
  engine = await initEngine();
});

describe('synthetic set calibration', () => {
  it('a small ConvNet beats larger MLPs after the same seeded budget', () => {
    const { train, test } = budgetData(budget);
    const conv = trainAndScore('convnet', train, test, budget);
    const mlps = [trainAndScore('simple-mlp', train, test, budget), trainAndScore('fc-csci', train, test, budget)];
    const line = [conv, ...mlps].map((s) => `${s.model} (${s.params} params) ${s.accuracy.toFixed(1)}%`).join(', ');
    expect(conv.params, 'the ConvNet must be the smaller model').toBeLessThan(Math.min(...mlps.map((m) => m.params)));
    // Chance is 10%: the ConvNet must have learned, and by a clear margin over each MLP.
    expect(conv.accuracy, `${line} on ${engine.label}`).toBeGreaterThan(30);
    for (const m of mlps) expect(conv.accuracy - m.accuracy, `${line} on ${engine.label}`).toBeGreaterThan(10);
  });
});
