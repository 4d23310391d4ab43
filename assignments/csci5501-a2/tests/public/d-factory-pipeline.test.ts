// D. ModelFactory (createModel) and the data pipeline's seeded validation split.
import { test } from 'vitest';
import { gradeParts, GradingFailure, inspectModel, num, runSeed, useSubmission, type ModelData } from 'dlgrade/kit';
import golden from '../../golden.json' with { type: 'json' };
import { callPipeline, describeCase, loaderProblem, randomImages, splitProblems, type PipelineCase } from '../../pipeline-checks.ts';

const sub = useSubmission();

type FactoryResult = { threw?: string; model?: ModelData };

test("D.factory: createModel builds 'ConvNet' and 'fully_connected' models and throws on an unknown type", async () => {
  const built = (type: string, opts: unknown, expected: number, what: string) => async () => {
    const r = await sub.call<FactoryResult>('factory', { type, opts });
    const where = `createModel(${JSON.stringify(type)}${opts ? `, ${JSON.stringify(opts)}` : ''})`;
    if (r.threw || !r.model) {
      const hint = /unknown model/i.test(r.threw ?? '') ? "D: the type is case-insensitive: 'convnet' and 'fully_connected'" : `D: createModel calls the builder of ${what}; the error comes from there`;
      throw new GradingFailure(`${where}: expected ${what}, but it threw ${r.threw} (${hint})`);
    }
    const { params, layers } = inspectModel(await sub.rebuild(r.model, where));
    if (params.trainable !== expected) {
      throw new GradingFailure(`${where}: expected ${what} with ${num(expected)} trainable parameters, got a model with ${num(params.trainable)} (layers ${layers.map((l) => l.className).join(', ')}) (D: createModel passes its options to the builder)`);
    }
  };
  await gradeParts([
    { name: "'ConvNet'", check: built('ConvNet', undefined, golden.models.convnet, 'the ConvNet') },
    {
      name: "'fully_connected'",
      check: built('fully_connected', { imageSize: [28, 28, 1], hiddenUnits: [512, 256], activation: 'silu' }, golden.models.fully_connected_mnist_hidden_512_256, 'a FullyConnectedClassifier'),
    },
    {
      name: 'unknown type',
      check: async () => {
        const r = await sub.call<FactoryResult>('factory', { type: 'transformer', opts: {} });
        if (!r.threw) throw new GradingFailure('createModel("transformer"): expected an Error naming the unknown type, got a model (D: throw on any other type)');
        if (!/transformer/i.test(r.threw)) throw new GradingFailure(`createModel("transformer"): expected the error to name the type "transformer", got ${JSON.stringify(r.threw)}`);
      },
    },
  ]);
});

test('D.pipeline.split: the seeded 10,000-image validation split is disjoint from training and the same on every run', async () => {
  const s = runSeed('csci5501-a2:split');
  const c: PipelineCase = { dataset: 'mnist', train: { n: 12000, height: 6, width: 6, channels: 1, seed: s }, test: { n: 10, height: 6, width: 6, channels: 1, seed: s + 1 } };
  const where = `${describeCase(c)} with the default valSize and seed`;
  const first = await callPipeline(sub, c, ['val']);
  const second = await callPipeline(sub, c, []);
  await gradeParts([
    {
      name: '10,000 validation images, disjoint from the training images',
      check: () => {
        const p = splitProblems(first, c.train.n, 10000);
        if (p.length) throw new GradingFailure(`${where}: ${p.join('; ')} (D: random_split of n into n - 10000 and 10000 with one seeded permutation)`);
      },
    },
    {
      name: 'the same split on every run',
      check: () => {
        const same = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
        if (!same(first.valIndices, second.valIndices) || !same(first.trainIndices, second.trainIndices)) {
          throw new GradingFailure(`${where}, called twice: expected the same validation indices both times (a split seeded like torch.Generator().manual_seed(0)), got different ones (first starts [${[...first.valIndices.slice(0, 5)].join(', ')}], second [${[...second.valIndices.slice(0, 5)].join(', ')}]): seed the split, do not use Math.random`);
        }
      },
    },
    {
      name: 'the validation loader yields exactly the validation images, in order, batches of 64',
      check: () => {
        const raw = randomImages(c.train);
        const p = loaderProblem(first.loaders.val, raw, first.valIndices, first.mean, first.std, 64, 'validation');
        if (p) throw new GradingFailure(`${where}: ${p}`);
      },
    },
  ]);
});
