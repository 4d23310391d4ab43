// The homework's experiments on YOUR code, printed as text (given; not graded): `npx tsx experiments.ts <part>`
// with part 1, 2, 3, 4 or 5, and optionally a budget (part 1: epochs; parts 3-5: epochs over the images).
// The grader runs smaller versions of the same experiments; use these to write your discussions.
import * as tf from '@tensorflow/tfjs';
import { channelStats, loadMnist, syntheticImages, type RawImages } from 'dlgrade/kit';
import { loaderOf } from 'dlgrade/kit/probe';
import type { ArchName, ImageData } from './contract.ts';
import { createModel, createXorDataset, firstLayerGradientNorm, MLP, meanSquaredError, myConv2d, PlateauSchedule, trainAndRecord, trainAndRecordGradients, trainScheduled } from './index.ts';

const ARCHS: ArchName[] = ['mlp_1', 'mlp_2', 'cnn_3', 'cnn_4', 'cnn_5'];
const fmt = (xs: number[], d = 1) => xs.map((v) => v.toFixed(d)).join(' ');

function part1(epochs: number): void {
  const data = createXorDataset({ seed: 1 });
  for (const activation of ['sigmoid', 'tanh', 'relu'] as const) {
    console.log(`\nTraining with ${activation} activation function...`);
    const model = new MLP(2, 8, 1, activation);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const output = model.forward(data.xTrain);
      if (epoch % Math.max(1, Math.floor(epochs / 10)) === 0) console.log(`Epoch ${epoch}: Loss = ${meanSquaredError(output, data.yTrain)}`);
      model.backward(data.xTrain, data.yTrain, 0.001);
    }
    const pred = model.forward(data.xVal);
    const acc = (100 * pred.filter((r, i) => (r[0] > 0.5 ? 1 : 0) === data.yVal[i][0]).length) / pred.length;
    console.log(`Validation Accuracy with ${activation}: ${acc.toFixed(2)}%`);
    // The decision boundary as text: '#' where the network outputs > 0.5, over [-2.5, 2.5]^2.
    for (let r = 0; r < 15; r++) {
      const y = 2.5 - (r + 0.5) / 3;
      const row = Array.from({ length: 40 }, (_, c) => [-2.5 + (c + 0.5) / 8, y]);
      console.log('  ' + model.forward(row).map((o) => (o[0] > 0.5 ? '#' : '.')).join(''));
    }
  }
}

function part2(): void {
  const mnist = loadMnist();
  const digits = Array.from({ length: 6 }, (_, b) => [Array.from({ length: 28 }, (_, i) => Array.from(mnist.images.subarray((b * 28 + i) * 28, (b * 28 + i + 1) * 28)))]);
  const k = (f: (r: number, c: number) => number) => [Array.from({ length: 5 }, (_, r) => Array.from({ length: 5 }, (_, c) => f(r - 2, c - 2)))];
  const kernel = [k((_, c) => Math.sign(c)), k((r) => Math.sign(r)), k((r, c) => (r === c ? 1 : -0.25)), k(() => 1 / 25)];
  const t = Date.now();
  const out = myConv2d(digits, kernel);
  console.log(`myConv2d: [6, 1, 28, 28] x [4, 1, 5, 5] -> [${out.length}, ${out[0].length}, ${out[0][0].length}, ${out[0][0][0].length}] in ${Date.now() - t} ms`);
  out.forEach((maps, b) => console.log(`digit ${mnist.labels[b]}: ${maps.map((m, o) => `kernel ${o} range [${Math.min(...m.flat()).toFixed(2)}, ${Math.max(...m.flat()).toFixed(2)}]`).join(', ')}`));
}

/** The synthetic CIFAR-like images, normalised with the training images' statistics, as DataLoaders. */
function imageData(train: number, seed = 1): ImageData {
  const all = syntheticImages({ n: train + 500, seed });
  const per = 32 * 32 * 3;
  const part = (from: number, n: number): RawImages => ({ n, height: 32, width: 32, channels: 3, images: all.images.slice(from * per, (from + n) * per), labels: all.labels.slice(from, from + n) });
  const { mean, std } = channelStats({ ...part(0, train), name: 'train', classNames: all.classNames });
  const norm = (x: RawImages) => {
    for (let i = 0; i < x.images.length; i++) x.images[i] = (x.images[i] - mean[i % 3]) / std[i % 3];
    return x;
  };
  return { train: loaderOf(norm(part(0, train)), 50, seed), val: loaderOf(norm(part(train, 100)), 50), test: loaderOf(norm(part(train + 100, 400)), 50) };
}

async function part3(epochs: number): Promise<void> {
  for (const arch of ARCHS) {
    const model = createModel(arch);
    const r = await trainAndRecord(model, imageData(1500), { optimizer: 'adam', lr: 1e-3, epochs });
    console.log(`\n${arch}: test accuracy ${r.testAcc.toFixed(1)}%\n  loss      ${fmt(r.lossCurve, 3)}\n  train acc ${fmt(r.trainAccCurve)}\n  val acc   ${fmt(r.valAccCurve)}`);
    model.dispose();
  }
}

async function part4(epochs: number): Promise<void> {
  for (const arch of ARCHS) {
    for (const activation of ['relu', 'sigmoid'] as const) {
      const model = createModel(arch, activation);
      const data = imageData(1000);
      const first = await data.train.take(1).toArray();
      const norm0 = firstLayerGradientNorm(model, first[0].xs, first[0].ys);
      tf.dispose([first[0].xs, first[0].ys]);
      const r = await trainAndRecordGradients(model, data.train, { lr: 0.01, epochs });
      console.log(`${arch} ${activation.padEnd(7)}: gradient norm at the start ${norm0.toExponential(2)}, every 10 steps ${r.gradCurve.map((v) => v.toExponential(1)).join(' ')}`);
      model.dispose();
    }
  }
}

async function part5(epochs: number): Promise<void> {
  for (const lr of [0.1, 0.01, 0.001]) {
    const model = createModel('cnn_3');
    const r = await trainAndRecord(model, imageData(1500), { optimizer: 'sgd', lr, epochs });
    console.log(`\ncnn_3, SGD lr ${lr}: test ${r.testAcc.toFixed(1)}%\n  loss    ${fmt(r.lossCurve, 3)}\n  val acc ${fmt(r.valAccCurve)}`);
    model.dispose();
  }
  const model = createModel('cnn_3');
  const r = await trainScheduled(model, imageData(1500), { epochs: 3 * epochs, schedule: new PlateauSchedule() });
  console.log(`\ncnn_3, scheduled lr: test ${r.testAcc.toFixed(1)}%\n  lr      ${r.lrCurve.join(' ')}\n  val acc ${fmt(r.valAccCurve)}`);
  model.dispose();
}

const [part = '1', budget] = process.argv.slice(2);
switch (part) {
  case '1':
    part1(Number(budget ?? 2000));
    break;
  case '2':
    part2();
    break;
  case '3':
    await part3(Number(budget ?? 3));
    break;
  case '4':
    await part4(Number(budget ?? 1));
    break;
  case '5':
    await part5(Number(budget ?? 3));
    break;
  default:
    console.error('usage: npx tsx experiments.ts <part: 1, 2, 3, 4 or 5> [budget]');
    process.exitCode = 1;
}
