// The model checks of A (BaselineNN), B.3 (AlexNetCIFAR) and C (TinyVGG), shared by the public and hidden
// suites: every figure is read off the model rebuilt in the grader (its layer table, PyTorch-style parameter
// counts, output shapes of predict on zeros), never taken from the sandbox.
import * as tf from '@tensorflow/tfjs';
import { fmtShape, GradingFailure, inspectModel, num, type LayerInfo, type Part, type Submission } from 'dlgrade/kit';
import { architectureDifference, batchNormDifference, GOLDEN_PARAMS, paramsDifference, type ModelName } from './architectures.ts';
import type { AlexNetOptions, ModelOptions } from './contract.ts';

export const PROBE: Record<ModelName, string> = { BaselineNN: 'baselineModel', AlexNetCIFAR: 'alexnetModel', TinyVGG: 'tinyvggModel' };
export const FACTORY: Record<ModelName, string> = { BaselineNN: 'createBaselineNN', AlexNetCIFAR: 'createAlexNet', TinyVGG: 'createTinyVGG' };
export const EXERCISE: Record<ModelName, string> = { BaselineNN: 'A', AlexNetCIFAR: 'B.3', TinyVGG: 'C' };

const call = (name: ModelName, opts: AlexNetOptions | ModelOptions) => `${FACTORY[name]}(${Object.keys(opts).length ? JSON.stringify(opts).replace(/"(\w+)":/g, '$1: ') : ''})`;

/** The rebuilt model of `name` for `opts` (cached per test file: building AlexNet costs a second). */
export function modelSource(sub: Submission) {
  const data = new Map<string, Promise<unknown>>();
  return async (name: ModelName, opts: AlexNetOptions | ModelOptions = {}): Promise<tf.LayersModel> => {
    const key = `${name}:${JSON.stringify(opts)}`;
    if (!data.has(key)) data.set(key, sub.call(PROBE[name], { opts }, { what: `building ${call(name, opts)}` }));
    return sub.rebuild(await data.get(key)!, call(name, opts));
  };
}

type Source = ReturnType<typeof modelSource>;

/** The golden parameter count, layer by layer. */
export function checkParams(model: tf.LayersModel, name: ModelName): void {
  const { params } = inspectModel(model);
  const diff = paramsDifference(name, params);
  if (diff) throw new GradingFailure(`${call(name, {})}: ${diff} (${EXERCISE[name]}; PyTorch's count: ${num(GOLDEN_PARAMS[name])})`);
}

/** Output shape [batch, classes] for each batch size, from predict on zeros in the grader. */
function shapePart(model: tf.LayersModel, name: ModelName, opts: AlexNetOptions | ModelOptions, batches: number[], image: number[]): Part {
  return {
    name: `output shapes of ${call(name, opts)}`,
    check: () => {
      const { outputs } = inspectModel(model, { inputs: batches.map((b) => [b, ...image]) });
      for (const o of outputs) {
        const want = [o.input[0]!, opts.numClasses ?? 10];
        if (o.error) throw new GradingFailure(`${call(name, opts)} on a ${fmtShape(o.input)} batch: expected logits ${fmtShape(want)}, predict threw ${o.error} (${EXERCISE[name]})`);
        if (JSON.stringify(o.shape) !== JSON.stringify(want)) throw new GradingFailure(`${call(name, opts)} on a ${fmtShape(o.input)} batch: expected logits ${fmtShape(want)}, got ${fmtShape(o.shape ?? [])} (${EXERCISE[name]})`);
      }
    },
  };
}

function sequencePart(layers: readonly LayerInfo[], name: ModelName, opts: ModelOptions): Part {
  return {
    name: `layer sequence of ${call(name, opts)}`,
    check: () => {
      const diff = architectureDifference(name, layers, opts);
      if (diff) throw new GradingFailure(`${call(name, opts)}: ${diff} (${EXERCISE[name]}, contract.ts)`);
    },
  };
}

/** Output shapes after the stages the seed comments on (32x32 -> 16x16 -> 8x8 -> 4x4). */
function stagesPart(layers: readonly LayerInfo[], name: ModelName, input: [number, number, number]): Part {
  return {
    name: `shapes through ${FACTORY[name]}`,
    check: () => {
      const shapeOf = (cls: string, k: number) => layers.filter((l) => l.className === cls)[k]?.outputShape.slice(1);
      const [h, w] = input;
      const want: [string, string, number, number[]][] =
        name === 'AlexNetCIFAR'
          ? [
              ['LocalResponseNorm', 'after conv1 + ReLU + LRN', 0, [h, w, 64]],
              ['LocalResponseNorm', 'after conv2 + ReLU + LRN', 1, [h, w, 192]],
              ['MaxPooling2D', 'after the first MaxPool', 0, [h >> 1, w >> 1, 192]],
              ['MaxPooling2D', 'after the second MaxPool', 1, [h >> 2, w >> 2, 256]],
              ['AdaptiveAvgPool2d', 'after AdaptiveAvgPool2d', 0, [4, 4, 256]],
              ['Flatten', 'after Flatten', 0, [4096]],
            ]
          : name === 'TinyVGG'
            ? [
                ['MaxPooling2D', 'after block1', 0, [16, 16, 64]],
                ['MaxPooling2D', 'after block2', 1, [8, 8, 128]],
                ['Flatten', 'after Flatten', 0, [8192]],
              ]
            : [['Flatten', 'after Flatten', 0, [3072]]];
      for (const [cls, where, k, shape] of want) {
        const got = shapeOf(cls, k);
        if (JSON.stringify(got) !== JSON.stringify(shape)) {
          throw new GradingFailure(`${FACTORY[name]}() on ${input.join('x')} images: expected ${shape.join('x')} ${where}, got ${got ? got.join('x') : `no ${cls} layer there`} (${EXERCISE[name]}; NHWC: HxWxC)`);
        }
      }
    },
  };
}

/** Architecture with the default options: the layer sequence, the stage shapes, output shapes for two batch sizes (and TinyVGG's BatchNorm settings). */
export async function architectureParts(models: Source, name: ModelName): Promise<Part[]> {
  const model = await models(name);
  const { layers } = inspectModel(model);
  const parts = [sequencePart(layers, name, {}), stagesPart(layers, name, [32, 32, 3]), shapePart(model, name, {}, [1, 3], [32, 32, 3])];
  if (name === 'TinyVGG') {
    parts.push({
      name: 'BatchNorm settings',
      check: () => {
        const diff = batchNormDifference(layers);
        if (diff) throw new GradingFailure(`createTinyVGG(): ${diff} (C)`);
      },
    });
  }
  return parts;
}

/** numClasses and dropout honoured (and for AlexNet another input size): sequence, parameters and shapes. */
export async function optionParts(models: Source, name: ModelName, opts: AlexNetOptions): Promise<Part[]> {
  const model = await models(name, opts);
  const { layers, params } = inspectModel(model);
  const input = opts.inputShape ?? [32, 32, 3];
  const classes = opts.numClasses ?? 10;
  const parts: Part[] = [
    sequencePart(layers, name, opts),
    {
      name: `parameters of ${call(name, opts)}`,
      check: () => {
        const diff = paramsDifference(name, params, classes);
        if (diff) throw new GradingFailure(`${call(name, opts)}: ${diff} (${EXERCISE[name]}: numClasses sizes the last Dense only${opts.inputShape ? '; with the adaptive pooling, the input size changes no parameter' : ''})`);
      },
    },
    shapePart(model, name, opts, [2, 5], input),
  ];
  if (opts.inputShape) parts.push(stagesPart(layers, name, opts.inputShape));
  return parts;
}
