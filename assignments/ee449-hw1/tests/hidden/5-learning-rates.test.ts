// 5 (hidden): the plateau schedule with other settings and its defaults; trainScheduled driven by a schedule the
// grader scripts, replayed by the grader epoch by epoch.
import { test } from 'vitest';
import { attachArtifact, GradingFailure, runRng, runSeed, useSubmission } from 'dlgrade/kit';
import { syntheticSplits } from '../../image-data.ts';
import { replay } from '../../well-posed-runs.ts';
import { checkPlateau } from '../../schedule-checks.ts';
import { expectedCase, scriptedAccuracies } from '../../schedule-expected.ts';

const sub = useSubmission();

test('5.schedule.hidden: PlateauSchedule on this run\'s curves, with other factors, floors, starting rates and the defaults', async () => {
  const rng = runRng('5.schedule.hidden');
  await checkPlateau(sub, [
    ...[1, 2, 3].map((patience) => expectedCase(`patience ${patience}`, { initialLr: 0.1, factor: 0.1, patience, minLr: 0.001 }, scriptedAccuracies(rng, patience))),
    expectedCase('the defaults (new PlateauSchedule())', undefined, scriptedAccuracies(rng, 2)),
    expectedCase('factor 0.5, minLr 0.01, from 0.08, patience 2', { initialLr: 0.08, factor: 0.5, patience: 2, minLr: 0.01 }, scriptedAccuracies(rng, 2)),
    expectedCase('patience 4, from 0.2', { initialLr: 0.2, factor: 0.1, patience: 4, minLr: 0.0005 }, scriptedAccuracies(rng, 4)),
  ]);
});

test('5.scheduled: trainScheduled follows its schedule epoch by epoch', async () => {
  const rng = runRng('5.scheduled');
  const epochs = 4;
  const choices = [0.1, 0.05, 0.01, 0.001];
  // The schedule's learning rates, one per epoch, drawn per run (a forged answer would have to train).
  const lrs = Array.from({ length: epochs }, () => choices[rng.int(choices.length)]);
  const run = { kind: 'mlp' as const, activation: 'sigmoid' as const, seed: runSeed('5.scheduled:model'), sizes: { train: 500, val: 100, test: 100 } };
  const data = syntheticSplits(run.seed, run.sizes);
  const got = await sub.call<{ record: Record<string, unknown>; told: number[] }>('trainScheduled', { kind: run.kind, activation: run.activation, seed: run.seed, data, epochs, lrs }, { what: `trainScheduled on MLP1 (sigmoid) for ${epochs} epochs of 500 images` });
  let k = 0;
  const r = replay(run, { optimizer: 'sgd', lr: lrs[0], epochs, valAtRecords: false, schedule: () => lrs[Math.min(++k, epochs - 1)] }, data);
  const epochsX = lrs.map((_, e) => e + 1);
  attachArtifact('series', { title: '5.1: a scheduled run on MLP1 (the grader replay): validation accuracy after each epoch', xLabel: 'epoch', yLabel: 'validation accuracy (%)', lines: [{ name: 'validation accuracy', x: epochsX, y: r.epochValAcc }] });
  attachArtifact('series', { title: "5.1: the same run: each epoch's learning rate", xLabel: 'epoch', yLabel: 'learning rate', logY: true, lines: [{ name: 'lr', x: epochsX, y: lrs }] });
  const where = `trainScheduled(model, data, { epochs: ${epochs}, schedule }) with a schedule returning the learning rates [${lrs.join(', ')}]`;
  const rec = got.record;
  const problems: string[] = [];
  if (got.told.length !== epochs) problems.push(`schedule.step() was called ${got.told.length} times, expected once per epoch (${epochs})`);
  const lrCurve = rec.lrCurve as number[] | undefined;
  if (!Array.isArray(lrCurve) || lrCurve.join() !== lrs.join()) problems.push(`lrCurve is ${JSON.stringify(lrCurve)}, expected [${lrs.join(', ')}] (epoch 1 at schedule.lr, then each epoch at what step() returned after the previous one)`);
  const val = rec.valAccCurve as number[] | undefined;
  const near = (a: unknown, b: number) => typeof a === 'number' && Math.abs(a - b) <= 100 / run.sizes.val + 1e-9;
  if (!Array.isArray(val) || val.length !== epochs || !val.every((v, i) => near(v, r.epochValAcc[i]))) problems.push(`valAccCurve is ${JSON.stringify(val)}, the grader's replay with those learning rates gives [${r.epochValAcc.join(', ')}]`);
  else if (got.told.length === epochs && !got.told.every((v, i) => v === val[i])) problems.push(`step() was told [${got.told.join(', ')}], not the validation accuracies of valAccCurve`);
  if (!near(rec.testAcc, r.testAcc!)) problems.push(`testAcc is ${JSON.stringify(rec.testAcc)}, the replay gives ${r.testAcc}`);
  if (problems.length) throw new GradingFailure(`${where}: ${problems.join('; ')} (5.1: trainScheduled, contract.ts TrainScheduled)`);
});
