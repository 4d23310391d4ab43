// Calibration of the synthetic set, longer than the test: the reference pair (CSCI-5501 ConvNet, 63,402
// parameters, against its FC classifier [1024,512,256] SiLU, 3,805,450) and seed 003's SimpleMLP, trained
// with Adam on the same seeded budget, scored on held-out synthetic images.
//   npx tsx harness/data/calibrate.ts [--backend wasm] [--seeds 1,2,3] [--train 2000] [--test 1000]
//                                     [--epochs 3] [--batch 64] [--lr 0.001] [--models convnet,fc-csci,simple-mlp]
import { Command } from 'commander';
import { initEngine } from '../engine/backend.ts';
import { budgetData, trainAndScore, type Budget, type ModelName, type Score } from './calibration.ts';

const program = new Command()
  .option('--backend <name>', 'tensorflow, wasm or cpu (default: the fastest that loads)')
  .option('--seeds <list>', 'comma-separated seeds', '1,2,3')
  .option('--train <n>', 'training images', '2000')
  .option('--test <n>', 'held-out images', '1000')
  .option('--epochs <n>', 'epochs', '3')
  .option('--batch <n>', 'batch size', '64')
  .option('--lr <x>', 'Adam learning rate', '0.001')
  .option('--models <list>', 'convnet, fc-csci, simple-mlp', 'convnet,fc-csci,simple-mlp')
  .parse();
const o = program.opts<{ backend?: string; seeds: string; train: string; test: string; epochs: string; batch: string; lr: string; models: string }>();

const engine = await initEngine(o.backend);
const models = o.models.split(',') as ModelName[];
const rows: Score[][] = [];
for (const seed of o.seeds.split(',').map(Number)) {
  const b: Budget = { trainImages: Number(o.train), testImages: Number(o.test), epochs: Number(o.epochs), batchSize: Number(o.batch), learningRate: Number(o.lr), seed };
  const { train, test } = budgetData(b);
  const row = models.map((m) => trainAndScore(m, train, test, b));
  rows.push(row);
  console.log(`seed ${seed}: ${row.map((s) => `${s.model} ${s.accuracy.toFixed(1)}% (loss ${s.lastLoss.toFixed(3)}, ${(s.ms / 1000).toFixed(1)} s)`).join(' | ')}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
console.log(`\n${engine.label}; ${o.train} training / ${o.test} held-out images, ${o.epochs} epochs, batch ${o.batch}, Adam lr ${o.lr}`);
console.log('| model | params | accuracy % per seed | median | seconds (median) |\n|---|---:|---|---:|---:|');
models.forEach((m, i) => {
  const acc = rows.map((r) => r[i].accuracy);
  console.log(`| ${m} | ${rows[0][i].params.toLocaleString('en-US')} | ${acc.map((a) => a.toFixed(1)).join(', ')} | ${median(acc).toFixed(1)} | ${(median(rows.map((r) => r[i].ms)) / 1000).toFixed(1)} |`);
});
