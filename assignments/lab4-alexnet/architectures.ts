// The three architectures of the lab as the grader expects them (seed 000 and ../shared/golden/models.json):
// layer tokens, parameters per parametric layer, output shapes, and the diagnoses of the usual port mistakes.
// Read from a model rebuilt in the grader (kit's layerTable / countParameters), never from what the sandbox says.
import { architectureTokens, firstDifference, num, type LayerInfo, type ParameterCount } from 'dlgrade/kit';
import golden from './golden.json' with { type: 'json' };

export type ModelName = 'BaselineNN' | 'AlexNetCIFAR' | 'TinyVGG';

/** PyTorch's trainable parameter counts (golden/models.json, lab4_alexnet). */
export const GOLDEN_PARAMS: Record<ModelName, number> = { BaselineNN: golden.models.baseline_nn, AlexNetCIFAR: golden.models.alexnet_cifar, TinyVGG: golden.models.tinyvgg };

/** nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2), as the seed's AlexNet uses it. */
export const SEED_LRN = { size: 5, alpha: 1e-4, beta: 0.75, k: 2 };

const num6 = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));
const pairOf = (v: unknown): [number, number] | undefined => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0] as number, v[1] as number];
  return undefined;
};

/**
 * kit's architectureTokens, plus: LocalResponseNorm and AdaptiveAvgPool2d with their configs, and
 * ZeroPadding2D(p) + Conv2D(k, 'valid') written as the 'same' convolution it equals at stride 1 when
 * p = (k-1)/2 (PyTorch's padding=1 / padding=2 ported literally).
 */
export function tokens(layers: readonly LayerInfo[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    const c = l.config;
    if (l.className === 'LocalResponseNorm') {
      out.push(`LRN(size ${num6(c.size)}, alpha ${num6(c.alpha)}, beta ${num6(c.beta)}, k ${num6(c.k)})`);
    } else if (l.className === 'AdaptiveAvgPool2d') {
      out.push(`AdaptiveAvgPool2d(${(pairOf(c.outputSize) ?? [c.outputSize, c.outputSize]).join('x')})`);
    } else if (l.className === 'ZeroPadding2D' && layers[i + 1]?.className === 'Conv2D' && layers[i + 1]!.config.padding === 'valid') {
      const next = layers[i + 1]!;
      const pad = JSON.stringify(c.padding);
      const k = pairOf(next.config.kernelSize);
      const s = pairOf(next.config.strides);
      const half = k ? [(k[0] - 1) / 2, (k[1] - 1) / 2] : [];
      if (k && s && s[0] === 1 && s[1] === 1 && (pad === JSON.stringify([half, half]) || pad === JSON.stringify([[half[0], half[0]], [half[1], half[1]]]) || (half[0] === half[1] && pad === String(half[0])))) {
        out.push(...architectureTokens([{ ...next, config: { ...next.config, padding: 'same' } }]));
        i++;
      } else {
        out.push(...architectureTokens([l]));
      }
    } else {
      out.push(...architectureTokens([l]));
    }
  }
  return out;
}

const conv = (f: number, k: number) => `Conv2D(${f}, ${k}x${k}, stride 1x1, same)`;
const pool = 'MaxPool(2x2, stride 2x2)';
const lrnToken = `LRN(size 5, alpha 0.0001, beta 0.75, k 2)`;

export function expectedTokens(model: ModelName, o: { numClasses?: number; dropout?: number } = {}): string[] {
  const classes = o.numClasses ?? 10;
  const drop = `Dropout(${o.dropout ?? 0.5})`;
  switch (model) {
    case 'BaselineNN':
      return ['Flatten', 'Dense(512)', 'act:relu', drop, 'Dense(256)', 'act:relu', drop, `Dense(${classes})`];
    case 'AlexNetCIFAR':
      return [
        conv(64, 3), 'act:relu', lrnToken,
        conv(192, 5), 'act:relu', lrnToken, pool,
        conv(384, 3), 'act:relu', conv(256, 3), 'act:relu', conv(256, 3), 'act:relu', pool,
        'AdaptiveAvgPool2d(4x4)', 'Flatten',
        drop, 'Dense(4096)', 'act:relu', drop, 'Dense(4096)', 'act:relu', `Dense(${classes})`,
      ]; // prettier-ignore
    case 'TinyVGG': {
      const block = (f: number) => [conv(f, 3), 'BatchNorm', 'act:relu', conv(f, 3), 'BatchNorm', 'act:relu', pool];
      return [...block(64), ...block(128), 'Flatten', 'Dense(512)', 'act:relu', drop, `Dense(${classes})`];
    }
  }
}

/** Trainable parameters of each layer that has any, in order (PyTorch's module order). */
export function expectedLayerParams(model: ModelName, numClasses = 10): number[] {
  const convP = (cin: number, cout: number, k: number) => cin * cout * k * k + cout;
  const dense = (i: number, o: number) => i * o + o;
  switch (model) {
    case 'BaselineNN':
      return [dense(3072, 512), dense(512, 256), dense(256, numClasses)];
    case 'AlexNetCIFAR':
      return [convP(3, 64, 3), convP(64, 192, 5), convP(192, 384, 3), convP(384, 256, 3), convP(256, 256, 3), dense(4096, 4096), dense(4096, 4096), dense(4096, numClasses)];
    case 'TinyVGG':
      return [convP(3, 64, 3), 128, convP(64, 64, 3), 128, convP(64, 128, 3), 256, convP(128, 128, 3), 256, dense(8192, 512), dense(512, numClasses)];
  }
}

/** What a parameter count that is off most likely means, from the grader's own per-layer counts. */
function paramsHint(model: ModelName, params: ParameterCount): string {
  const dense = params.layers.filter((l) => l.kind === 'Dense' && l.params > 0);
  if (model === 'AlexNetCIFAR' && dense[0]) {
    const inputs = (dense[0].params - 4096) / 4096;
    if (inputs === 256 * 6 * 6) return `: the classifier's first Dense takes ${num(inputs)} inputs = 6x6x256, the original AlexNet's 6x6 pooled map; the adapted network pools to 4x4 (AdaptiveAvgPool2d to [4, 4]: 256*4*4 = 4096 inputs)`;
    if (Number.isInteger(inputs) && inputs !== 4096) return `: the classifier's first Dense takes ${num(inputs)} inputs; after AdaptiveAvgPool2d to 4x4 and Flatten it must take 256*4*4 = 4,096`;
  }
  if (model === 'TinyVGG' && dense[0] && dense[0].params !== 8192 * 512 + 512) return `: the classifier's first Dense takes ${num((dense[0].params - 512) / 512)} inputs, expected 128*8*8 = 8,192 (two 2x2 poolings: 32 -> 16 -> 8)`;
  if (params.total !== params.trainable) return `: ${num(params.total - params.trainable)} parameters are frozen (trainable: false); PyTorch's count_parameters counts only those that train`;
  return '';
}

/** Compares per-layer trainable counts with the expectation; '' when they agree, else what differs and where. */
export function paramsDifference(model: ModelName, params: ParameterCount, numClasses = 10): string {
  const want = expectedLayerParams(model, numClasses);
  const got = params.layers.filter((l) => l.trainable > 0 || l.params > 0);
  const total = want.reduce((a, b) => a + b, 0);
  const rows = got.map((l) => `${l.path} (${l.kind}) ${num(l.trainable)}`);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (got[i]?.trainable !== want[i]) {
      const what = got[i] ? `${got[i]!.path} (${got[i]!.kind}) has ${num(got[i]!.trainable)} trainable parameters` : 'there is no such layer';
      return `expected ${num(total)} trainable parameters, got ${num(params.trainable)}${paramsHint(model, params)}. First difference at parametric layer ${i + 1}: expected ${want[i] === undefined ? 'no more layers' : num(want[i]!)}, ${what}. Layers: ${rows.join(', ')}`;
    }
  }
  return params.trainable === total ? '' : `expected ${num(total)} trainable parameters, got ${num(params.trainable)}`;
}

/** First difference between a model's tokens and the expected ones, with a hint for the usual port mistakes. */
export function architectureDifference(model: ModelName, layers: readonly LayerInfo[], o: { numClasses?: number; dropout?: number } = {}): string {
  const got = tokens(layers);
  const want = expectedTokens(model, o);
  const diff = firstDifference(got, want);
  if (!diff) return '';
  const hints: string[] = [];
  const lrn = layers.filter((l) => l.className === 'LocalResponseNorm');
  if (model === 'AlexNetCIFAR') {
    if (lrn.length === 0) hints.push("no LocalResponseNorm layer: use new LocalResponseNorm({ size: 5, alpha: 1e-4, beta: 0.75, k: 2 }) from 'dlgrade/layers' after the first two conv + ReLU");
    for (const l of lrn) {
      const c = l.config;
      if (c.size !== SEED_LRN.size || c.alpha !== SEED_LRN.alpha || c.beta !== SEED_LRN.beta || c.k !== SEED_LRN.k) {
        hints.push(`${l.name} is LocalResponseNorm(size ${num6(c.size)}, alpha ${num6(c.alpha)}, beta ${num6(c.beta)}, k ${num6(c.k)}); the seed's is size 5, alpha 1e-4, beta 0.75, k 2 (PyTorch's meaning: a window of 5 channels; the layer divides alpha by size itself)`);
      }
    }
    const ap = layers.find((l) => l.className === 'AdaptiveAvgPool2d');
    if (!ap) hints.push("no AdaptiveAvgPool2d: use new AdaptiveAvgPool2d({ outputSize: [4, 4] }) from 'dlgrade/layers' before Flatten");
    else if (JSON.stringify(pairOf(ap.config.outputSize)) !== '[4,4]') hints.push(`the adaptive pooling outputs ${JSON.stringify(ap.config.outputSize)}; the adapted AlexNet pools to 4x4 (the original's 6x6 was for 224x224 images)`);
    if (got[0] && got[0] !== conv(64, 3)) hints.push("the first layer must be the adapted 3x3 stride-1 convolution with 'same' padding (not the original 11x11 stride 4)");
    if (got.filter((t) => t.startsWith('MaxPool')).length > 2) hints.push('there is a pooling layer too many: the adapted AlexNet has no pooling after conv1');
  }
  if (model === 'TinyVGG') {
    for (const l of layers.filter((x) => x.className === 'BatchNormalization')) {
      if (l.config.epsilon !== 1e-5 || l.config.momentum !== 0.9) {
        hints.push(`${l.name} has epsilon ${num6(l.config.epsilon)} and momentum ${num6(l.config.momentum)}: nn.BatchNorm2d's defaults are eps 1e-5 and momentum 0.1, which tfjs writes epsilon: 1e-5, momentum: 0.9`);
        break;
      }
    }
  }
  const drops = got.filter((t) => t.startsWith('Dropout'));
  const wantDrops = want.filter((t) => t.startsWith('Dropout'));
  if (drops.length === wantDrops.length && drops.some((d) => d !== wantDrops[0])) hints.push(`dropout rate: expected ${wantDrops[0]!.slice(8, -1)} (opts.dropout), got ${drops.map((d) => d.slice(8, -1)).join(', ')}`);
  return `${diff}${hints.length ? ` (${hints.join('; ')})` : ''}`;
}

/** The BatchNorm settings TinyVGG must have, as a separate check (tokens do not carry them). */
export function batchNormDifference(layers: readonly LayerInfo[]): string {
  const bad = layers.filter((l) => l.className === 'BatchNormalization' && (l.config.epsilon !== 1e-5 || l.config.momentum !== 0.9));
  if (bad.length === 0) return '';
  const l = bad[0]!;
  return `${bad.length} BatchNormalization layer(s) differ from nn.BatchNorm2d's defaults, e.g. ${l.name}: epsilon ${num6(l.config.epsilon)}, momentum ${num6(l.config.momentum)}; expected epsilon 1e-5 and momentum 0.9 (tfjs's name for PyTorch's momentum 0.1; tfjs's own defaults are 1e-3 and 0.99)`;
}
