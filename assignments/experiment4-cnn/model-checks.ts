// Exercise A's checks on a model rebuilt in the grader: parameter counts layer by layer, the layer sequence,
// spatial dropout as behaviour (whole feature maps), BatchNorm2d against PyTorch's numbers. Shared by the
// public and hidden suites.
import * as tf from '@tensorflow/tfjs';
import { GradingFailure, inspectModel, num, walkLayers } from 'dlgrade/kit';
import { describeModel, DROPOUT2D, expectedParams, expectedSequence, forArchitecture, sequenceDifference } from './architecture.ts';

/** The trainable parameter count, in total and per layer with parameters, against PyTorch's for these widths. */
export function checkParams(model: tf.LayersModel, widths: readonly number[], inChannels: number, classes: number, where: string): void {
  const want = expectedParams(widths, inChannels, classes);
  const { params } = inspectModel(model);
  const got = params.layers.filter((l) => l.params > 0);
  const sameLayers = got.length === want.perLayer.length && got.every((l, i) => l.params === want.perLayer[i].params);
  if (params.trainable === want.total && sameLayers) return;
  const rows = want.perLayer.map((w, i) => {
    const g = got[i];
    const mark = !g ? ' <- missing' : g.params === w.params ? '' : ` <- got ${g.kind} ${num(g.params)}${g.params - w.params === widths[Math.floor(i / 2)] && w.kind.startsWith('Conv') ? ' (a bias per output channel: the convolutions are bias-free)' : ''}`;
    return `${w.kind}: ${num(w.params)}${mark}`;
  });
  if (got.length > want.perLayer.length) rows.push(`extra: ${got.slice(want.perLayer.length).map((g) => `${g.kind} ${num(g.params)}`).join(', ')}`);
  const biasSum = widths.reduce((a, b) => a + b, 0);
  const why = params.trainable - want.total === biasSum ? ` (${num(biasSum)} more = one bias per convolution output channel: PyTorch's convolutions here have bias=False, so useBias: false)` : '';
  throw new GradingFailure(`${where}: expected ${num(want.total)} trainable parameters (PyTorch's count; BatchNorm running statistics are not parameters), got ${num(params.trainable)}${why}. Layers with parameters, expected vs got:\n  ${rows.join('\n  ')}\n(A, contract.ts CreateCnn)`);
}

/** The layer sequence (kernels, padding, BatchNorm2d, ReLU, pooling, global pooling, dropout rates, Dense). */
export function checkSequence(model: tf.LayersModel, widths: readonly number[], classes: number, where: string): void {
  const got = describeModel(model).map(forArchitecture);
  const diff = sequenceDifference(got, expectedSequence(widths, classes).map(forArchitecture));
  if (diff) throw new GradingFailure(`${where}: the layers differ from the notebook's at ${diff} (A, contract.ts CreateCnn lists every layer)`);
}

/** The dropout layers in model order (both kinds), with their rate. */
function dropoutLayers(model: tf.LayersModel): { layer: tf.layers.Layer; rate: number; path: string }[] {
  return walkLayers(model)
    .filter(({ layer }) => ['Dropout', 'SpatialDropout2d', 'SpatialDropout1D'].includes(layer.getClassName()))
    .map(({ layer, path }) => ({ layer, path, rate: Number((layer.getConfig() as { rate?: unknown }).rate) }));
}

/**
 * nn.Dropout2d as behaviour: each of the five block dropouts, applied in training mode to ones shaped
 * [16, 3, 3, channels], must give one value per (sample, channel) map, either 0 or 1 / (1 - p), with a plausible
 * share of zeros; at inference the identity.
 */
export function checkSpatialDropout(model: tf.LayersModel, where: string): void {
  const layers = dropoutLayers(model);
  const rates = DROPOUT2D.filter((r): r is number => r !== null);
  if (layers.length < rates.length) {
    throw new GradingFailure(`${where}: expected ${rates.length} Dropout2d layers after blocks 2-6 (rates ${rates.join(', ')}) and Dropout(0.38) before the Linear layer, found ${layers.length} dropout layer(s) (A)`);
  }
  const problems: string[] = [];
  layers.slice(0, rates.length).forEach(({ layer, rate, path }, i) => {
    const shape = (layer.input as tf.SymbolicTensor).shape;
    const channels = shape[shape.length - 1];
    if (shape.length !== 4 || channels === null) {
      problems.push(`${path} (block ${i + 2}) sees input ${JSON.stringify(shape)}, not feature maps [batch, H, W, C]`);
      return;
    }
    const [n, h, w] = [16, 3, 3];
    const { train, infer } = tf.tidy(() => {
      const x = tf.ones([n, h, w, channels]);
      return { train: (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array, infer: (layer.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array };
    });
    const keep = Math.fround(1 / (1 - rate));
    let mixedMaps = 0;
    let zeroMaps = 0;
    let badValues = 0;
    for (let s = 0; s < n; s++) {
      for (let c = 0; c < channels; c++) {
        const vals = new Set<number>();
        for (let p = 0; p < h * w; p++) vals.add(train[(s * h * w + p) * channels + c]);
        if (vals.size > 1) mixedMaps++;
        else if ([...vals][0] === 0) zeroMaps++;
        else if (Math.abs([...vals][0] - keep) > 1e-5 * keep) badValues++;
      }
    }
    const maps = n * channels;
    const sd = Math.sqrt(maps * rate * (1 - rate));
    const label = `${path} (after block ${i + 2}, rate ${rate})`;
    if (mixedMaps > 0) problems.push(`${label}: in training mode it zeroed single activations inside ${mixedMaps} of ${maps} feature maps; nn.Dropout2d zeroes whole maps (one draw per sample and channel): use SpatialDropout2d from 'dlgrade/layers' (tf.layers.dropout is nn.Dropout)`);
    else if (badValues > 0) problems.push(`${label}: kept maps should be scaled by 1 / (1 - ${rate}) = ${keep.toPrecision(6)}; ${badValues} maps hold another value`);
    else if (Math.abs(zeroMaps - maps * rate) > 6 * sd + 2) problems.push(`${label}: zeroed ${zeroMaps} of ${maps} maps, expected about ${Math.round(maps * rate)} for p = ${rate}`);
    if (infer.some((v) => v !== 1)) problems.push(`${label}: at inference (training false) it must be the identity`);
  });
  if (problems.length) throw new GradingFailure(`${where}:\n- ${problems.join('\n- ')}\n(A: Dropout2d after blocks 2-6)`);
}

export interface BatchNormGolden {
  input: number[][][][];
  train_output: number[][][][];
  running_mean: number[];
  running_var: number[];
  eval_output_after_one_step: number[][][][];
}

/**
 * Each distinct BatchNorm configuration of the model, as a fresh 3-channel layer of the same class and
 * settings, against PyTorch's nn.BatchNorm2d on golden/batchnorm2d.json: one training step (output, running
 * mean and variance), then the evaluation output.
 */
export function checkBatchNorm(model: tf.LayersModel, golden: BatchNormGolden, where: string): void {
  const seen = new Map<string, tf.layers.Layer>();
  for (const { layer } of walkLayers(model)) {
    const cls = layer.getClassName();
    if (!cls.includes('BatchNorm')) continue;
    const c = layer.getConfig() as Record<string, unknown>;
    seen.set(`${cls} eps ${c.epsilon} momentum ${c.momentum}`, layer);
  }
  if (seen.size === 0) throw new GradingFailure(`${where}: the model has no BatchNorm layer (A: BatchNorm2d after every convolution)`);
  const problems: string[] = [];
  const nhwc = (a: number[][][][]) => tf.transpose(tf.tensor4d(a), [0, 2, 3, 1]);
  for (const [label, layer] of seen) {
    const config = { ...(layer.getConfig() as Record<string, unknown>) };
    for (const k of Object.keys(config)) if (k.endsWith('Initializer') || k.endsWith('Regularizer') || k.endsWith('Constraint')) delete config[k];
    delete config.name;
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
    if (!entry) throw new Error(`${layer.getClassName()} is not a registered layer class`);
    const [cls, fromConfig] = entry;
    const fresh = fromConfig(cls, config as tf.serialization.ConfigDict) as unknown as tf.layers.Layer;
    const r = tf.tidy(() => {
      const x = nhwc(golden.input);
      const train = fresh.apply(x, { training: true }) as tf.Tensor;
      const w = fresh.getWeights();
      const diff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      const evalOut = fresh.apply(x, { training: false }) as tf.Tensor;
      return {
        train: diff(train, nhwc(golden.train_output)),
        mean: diff(w[2], tf.tensor1d(golden.running_mean)),
        variance: diff(w[3], tf.tensor1d(golden.running_var)),
        evalOut: diff(evalOut, nhwc(golden.eval_output_after_one_step)),
        gotVar: Array.from(w[3].dataSync()).map((v) => v.toFixed(4)),
      };
    });
    fresh.dispose();
    const tolerance = 1e-5;
    if (r.train > tolerance) problems.push(`${label}: the training-mode output differs from PyTorch's by up to ${r.train.toPrecision(3)} (eps 1e-5 as nn.BatchNorm2d)`);
    else if (r.mean > tolerance) problems.push(`${label}: the running mean after one step differs from PyTorch's by ${r.mean.toPrecision(3)}: PyTorch's momentum 0.1 is tfjs's momentum 0.9 (the weight of the old value)`);
    else if (r.variance > tolerance) {
      problems.push(`${label}: the running variance after one step is [${r.gotVar.join(', ')}], PyTorch's [${golden.running_var.map((v) => v.toFixed(4)).join(', ')}]: PyTorch updates it with the unbiased batch variance (n / (n - 1)), tfjs's BatchNormalization with the biased one; use BatchNorm2d from 'dlgrade/layers'`);
    } else if (r.evalOut > tolerance) problems.push(`${label}: the evaluation output after one step differs from PyTorch's by ${r.evalOut.toPrecision(3)}`);
  }
  if (problems.length) throw new GradingFailure(`${where} (golden/batchnorm2d.json, a [4, 3, 2, 2] batch):\n- ${problems.join('\n- ')}\n(A: BatchNorm2d)`);
}
