// What the grader reads off a (rebuilt) model: one row per leaf layer (class, path, output shape, the config
// fields that define an architecture), PyTorch-style parameter counts, and the output shape for each input
// shape asked (or the error predict threw). Computed in the grader, on the grader's copy of the model.
import * as tf from '@tensorflow/tfjs';
import { countParameters, type ParameterCount } from '../checks/parameter-count.ts';
import { walkLayers } from '../engine/layer-walk.ts';
import type { ModelSummary } from '../types/submission-result.ts';

/** One layer as checks see it: class, path, output shape, the config fields that define the architecture. */
export interface LayerInfo {
  className: string;
  /** Path through nested models, e.g. "features/conv1". */
  name: string;
  outputShape: (number | null)[];
  config: Record<string, unknown>;
  trainable: boolean;
}

export interface ModelInspection {
  layers: LayerInfo[];
  params: ParameterCount;
  /** Output shape of model.predict on zeros of each requested input shape, or the error it threw. */
  outputs: { input: number[]; shape?: number[]; error?: string }[];
}

const CONFIG_KEYS = ['filters', 'kernelSize', 'strides', 'padding', 'useBias', 'activation', 'units', 'poolSize', 'epsilon', 'momentum', 'axis', 'alpha', 'rate', 'size', 'beta', 'k', 'outputSize', 'center', 'scale', 'dilationRate', 'targetShape'];

export function layerTable(model: tf.LayersModel): LayerInfo[] {
  return walkLayers(model).map(({ layer, path, trainable }) => {
    let outputShape: (number | null)[] = [];
    try {
      const s = layer.outputShape;
      outputShape = [...(Array.isArray(s[0]) ? (s[0] as (number | null)[]) : (s as (number | null)[]))];
    } catch {
      // shared between inputs of different shapes: no single shape
    }
    const raw = layer.getConfig() as Record<string, unknown>;
    const config: Record<string, unknown> = {};
    for (const k of CONFIG_KEYS) if (k in raw) config[k] = raw[k];
    return { className: layer.getClassName(), name: path, outputShape, config, trainable };
  });
}

export function inspectModel(model: tf.LayersModel, opts: { inputs?: number[][] } = {}): ModelInspection {
  const outputs = (opts.inputs ?? []).map((input) => {
    try {
      const shape = tf.tidy(() => {
        const y = model.predict(tf.zeros(input));
        return (Array.isArray(y) ? y[0]! : y).shape;
      });
      return { input, shape };
    } catch (e) {
      return { input, error: e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e) };
    }
  });
  return { layers: layerTable(model), params: countParameters(model), outputs };
}

/** The model as a report's model table (ModelSummary), from the grader's own counts. */
export function modelArtifact(model: tf.LayersModel, title: string, expectedTotal?: number): ModelSummary {
  const table = layerTable(model);
  const params = countParameters(model);
  return {
    title,
    layers: params.layers.map((l) => ({ name: l.path, kind: l.kind, outputShape: table.find((x) => x.name === l.path)?.outputShape ?? [], params: l.params, trainable: l.trainable })),
    totalParams: params.total,
    trainableParams: params.trainable,
    ...(expectedTotal !== undefined ? { expectedTotal } : {}),
  };
}
