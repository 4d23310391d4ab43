// Your experiments, measured exactly as the grader measures them: every model is exported and rebuilt as
// data (as it crosses from your code to the grader), counted the PyTorch way, and trained by the grader's own
// loop with the grading budget (grading/budget.ts: 3 epochs, Adam lr 1e-3, batch 64, 2,000 synthetic CIFAR-like
// images, accuracy on 1,000 held-out ones; seeds from grading/assignment.yaml). On the same engine you get the
// grader's figures; on another (tfjs-node, no native BLAS) a few points apart.
//   npx tsx experiments.ts                   your SimpleMLP (the bar), createConvNet() and every ITERATIONS entry
//   npx tsx experiments.ts convnet skeleton  only these (names of ITERATIONS entries, "convnet", "mlp")
// Copy the params and accuracy of an iteration into iterations.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import { countParameters, initEngine, rebuildModel, seed } from 'dlgrade/kit';
import { exportModel } from 'dlgrade/kit/probe';
// grading/ is the public grading code of the student bundle (dlgrade assign).
import { BUDGET_TEXT, budgetData, measure } from './grading/budget.ts';
import { forwardMacs } from './grading/compute-cost.ts';
import { createConvNet, createSimpleMLP, ITERATIONS } from './index.ts';

// The seeds of the grading budget are the assignment's (grading/assignment.yaml).
process.env.DLGRADE_ASSIGNMENT_DIR ??= path.join(path.dirname(fileURLToPath(import.meta.url)), 'grading');

const runs: [string, () => tf.LayersModel][] = [
  // Your SimpleMLP (A.1); the grader trains its own, the same architecture, as B.train's bar.
  ['mlp', () => createSimpleMLP()],
  ['convnet', () => createConvNet()],
  ...ITERATIONS.map((it): [string, () => tf.LayersModel] => [it.name, () => it.build()]),
];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !runs.some(([name]) => name === w));
if (unknown.length) throw new Error(`no experiment named ${unknown.join(', ')} (known: ${runs.map(([n]) => n).join(', ')})`);

// The grader's engine: tfjs-node when installed, else WebAssembly with dlgrade's training kernels.
const engine = await initEngine();
console.log(`Budget: ${BUDGET_TEXT}\nEngine: ${engine.label}\n`);
const data = budgetData(seed('data'));
console.log('| model | parameters | multiply-adds per image | held-out accuracy | seconds |\n|---|---:|---:|---:|---:|');
for (const [name, build] of runs) {
  if (wanted.length && !wanted.includes(name)) continue;
  let built: tf.LayersModel | undefined;
  try {
    built = build();
    // As the grader sees it: the model rebuilt from its data.
    const model = await rebuildModel(exportModel(built), name);
    const params = countParameters(model).total;
    const macs = forwardMacs(model, [32, 32, 3]).total;
    const m = measure(model, data, seed());
    console.log(`| ${name === 'mlp' ? 'SimpleMLP (the bar)' : name} | ${params.toLocaleString('en-US')} | ${(macs / 1e6).toFixed(1)} M | ${m.accuracy.toFixed(1)}% | ${(m.ms / 1000).toFixed(1)} |`);
    model.dispose();
  } catch (e) {
    console.log(`| ${name} | failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} | | | |`);
  } finally {
    built?.dispose();
  }
}
