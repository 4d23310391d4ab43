// The lab's experiments (given): train the three models with your functions, then the confusion matrices,
// classification reports, F1 scores and the comparative summary. `npm run experiments` reads CIFAR-10 from
// CIFAR10_DIR (the cifar-10-batches-bin folder of https://www.cs.toronto.edu/~kriz/cifar.html, read from disk:
// nothing is downloaded). EPOCHS (default 30), LIMIT (training images, default all 50,000) and MODELS
// (default baseline,alexnet,tinyvgg) shorten the runs: the seed's full runs took 9 to 35 GPU-minutes each, so
// on a CPU use @tensorflow/tfjs-node if it installs, or small EPOCHS and LIMIT.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from 'dlgrade/kit';
import type { DataLoader, History, ModelRun } from './contract.ts';
import * as lab from './index.ts';

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const MEAN = [0.4914, 0.4822, 0.4465];
const STD = [0.2023, 0.1994, 0.201];

interface Images {
  n: number;
  /** NHWC, normalised with the CIFAR-10 statistics. */
  x: Float32Array;
  y: Int32Array;
}

/** The binary batches: 10,000 records of 1 label byte + 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue). */
function readCifar(dir: string, files: string[], limit: number): Images {
  const records = files.map((f) => readFileSync(path.join(dir, f)));
  const n = Math.min(limit, records.reduce((s, b) => s + b.length / 3073, 0));
  const x = new Float32Array(n * 3072);
  const y = new Int32Array(n);
  let i = 0;
  for (const buf of records) {
    for (let r = 0; r < buf.length / 3073 && i < n; r++, i++) {
      const rec = buf.subarray(r * 3073, (r + 1) * 3073);
      y[i] = rec[0]!;
      for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) x[i * 3072 + p * 3 + c] = (rec[1 + c * 1024 + p]! / 255 - MEAN[c]!) / STD[c]!;
    }
  }
  return { n, x, y };
}

/** Random horizontal flip and random crop from the image padded by 4 (the seed's training transforms). */
function augment(src: Float32Array): Float32Array {
  const out = new Float32Array(3072);
  const flip = Math.random() < 0.5;
  const [dy, dx] = [Math.floor(Math.random() * 9) - 4, Math.floor(Math.random() * 9) - 4];
  for (let r = 0; r < 32; r++) {
    for (let c = 0; c < 32; c++) {
      const [sr, sc0] = [r + dy, c + dx];
      const sc = flip ? 31 - sc0 : sc0;
      if (sr < 0 || sr > 31 || sc < 0 || sc > 31) continue; // zero padding (of the normalised image)
      for (let k = 0; k < 3; k++) out[(r * 32 + c) * 3 + k] = src[(sr * 32 + sc) * 3 + k]!;
    }
  }
  return out;
}

function loader(d: Images, batchSize: number, train: boolean): DataLoader {
  return tf.data.generator(function* () {
    const order = Int32Array.from({ length: d.n }, (_, i) => i);
    if (train) tf.util.shuffle(order);
    for (let s = 0; s < d.n; s += batchSize) {
      const ids = order.subarray(s, Math.min(d.n, s + batchSize));
      const xs = new Float32Array(ids.length * 3072);
      ids.forEach((j, b) => xs.set(train ? augment(d.x.subarray(j * 3072, (j + 1) * 3072)) : d.x.subarray(j * 3072, (j + 1) * 3072), b * 3072));
      yield { xs: tf.tensor4d(xs, [ids.length, 32, 32, 3]), ys: tf.tensor1d(Int32Array.from(ids, (j) => d.y[j]!), 'int32') };
    }
  });
}

const params = (m: tf.LayersModel) => m.trainableWeights.reduce((s, w) => s + w.read().size, 0);

async function main(): Promise<void> {
  // The grader's engine: tfjs-node when installed, else WebAssembly with dlgrade's training kernels.
  console.log(`Engine: ${(await initEngine()).label}`);
  const dir = process.env.CIFAR10_DIR;
  if (!dir) throw new Error('set CIFAR10_DIR to the cifar-10-batches-bin folder (data_batch_1.bin ... test_batch.bin)');
  const epochs = Number(process.env.EPOCHS ?? 30);
  const limit = Number(process.env.LIMIT ?? 50000);
  const train = readCifar(dir, [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), limit);
  const test = readCifar(dir, ['test_batch.bin'], Math.max(200, Math.round(limit / 5)));
  console.log(`Training samples: ${train.n}, test samples: ${test.n}, backend ${tf.getBackend()}`);
  const builders: Record<string, [string, () => tf.LayersModel]> = {
    baseline: ['Baseline NN', () => lab.createBaselineNN()],
    alexnet: ['AlexNet (Adapted)', () => lab.createAlexNet()],
    tinyvgg: ['TinyVGG', () => lab.createTinyVGG()],
  };
  const runs: ModelRun[] = [];
  const f1: number[][] = [];
  for (const key of (process.env.MODELS ?? 'baseline,alexnet,tinyvgg').split(',')) {
    const [name, build] = builders[key]!;
    const model = build();
    const { optimizer, scheduler } = lab.getOptimizerScheduler({ epochs });
    const history: History = await lab.trainModel(model, loader(train, 128, true), loader(test, 128, false), optimizer, scheduler, epochs, name);
    runs.push({ name, parameters: params(model), history });
    const { preds, labels } = await lab.getPredictions(model, loader(test, 256, false));
    const cm = lab.normalizeConfusionMatrix(lab.confusionMatrix(labels, preds, 10));
    console.log(`\n${name} - normalized confusion matrix (rows true, columns predicted)`);
    cm.forEach((row, i) => console.log(`${CLASSES[i]!.padStart(10)} ${row.map((v) => v.toFixed(2)).join(' ')}`));
    console.log(`\nCLASSIFICATION REPORT - ${name}\n${lab.formatClassificationReport(lab.classificationReport(labels, preds, CLASSES), 3)}`);
    const f = lab.f1Scores(labels, preds, 10);
    f1.push(f.perClass);
    console.log(`Macro F1 - ${name}: ${f.macro.toFixed(4)}; size ${lab.modelSizeMb(model).toFixed(6)} MB`);
    optimizer.dispose();
    model.dispose();
  }
  console.log('\nCOMPARATIVE MODEL SUMMARY');
  console.table(lab.summarizeResults(runs));
  console.log('\nPer-class F1');
  console.table(Object.fromEntries(CLASSES.map((c, i) => [c, Object.fromEntries(runs.map((r, k) => [r.name, +f1[k]![i]!.toFixed(3)]))])));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
