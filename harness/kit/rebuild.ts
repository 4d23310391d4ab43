// The grader's copy of a submission's model: rebuilt from the data the sandbox returned (model-data.ts) with
// the grader's own tfjs, so parameter counts, layer tables, output shapes, forward outputs and training are
// computed on a model the submission's code never touches. Only tfjs's built-in layers and the harness's
// registered layers (dlgrade/layers) can be rebuilt; anything else is reported as such. The topology is
// untrusted input to the grader: its size and the dimensions it asks for are bounded before anything is built.
import * as tf from '@tensorflow/tfjs';
import { GradingFailure } from '../checks/report-helpers.ts';
import { initEngine } from '../engine/backend.ts';
import './layers.ts';
import { isModelData, type ModelData } from './model-data.ts';
import { timed } from './timings.ts';

/** Bounds on what a topology may ask the grader to build (a ResNet-18 is ~150 layers, AlexNet 36M values). */
export const REBUILD_LIMITS = {
  topologyBytes: 4 * 2 ** 20,
  layers: 5_000,
  /** A single dimension setting (units, filters, kernel size, an input dimension...). */
  dimension: 1 << 20,
  /** Weight values the rebuilt model may hold. */
  values: 80_000_000,
};

// Config fields that size a layer's weights or outputs.
const DIMENSION_KEYS = new Set(['units', 'filters', 'kernel_size', 'pool_size', 'strides', 'size', 'batch_input_shape', 'target_shape', 'dims', 'output_size', 'n', 'input_dim', 'output_dim', 'depth_multiplier', 'dilation_rate', 'padding', 'cropping']);

interface Walk {
  layers: number;
  problems: string[];
}

/** Bounds the topology and replaces every initializer by Zeros (weights are set or re-initialised afterwards). */
function sanitise(node: unknown, walk: Walk, key = ''): unknown {
  if (Array.isArray(node)) return node.map((v) => sanitise(v, walk, key));
  if (node === null || typeof node !== 'object') {
    if (typeof node === 'number' && DIMENSION_KEYS.has(key) && Math.abs(node) > REBUILD_LIMITS.dimension) {
      walk.problems.push(`${key} ${node} is larger than the grader builds (${REBUILD_LIMITS.dimension})`);
    }
    return node;
  }
  const o = node as Record<string, unknown>;
  if (typeof o.class_name === 'string' && typeof o.config === 'object' && o.config !== null && 'name' in (o.config as object)) walk.layers++;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = k.endsWith('_initializer') && v !== null ? { class_name: 'Zeros', config: {} } : sanitise(v, walk, k);
  }
  return out;
}

function describeProblem(message: string): string {
  const unknown = /Unknown (layer|initializer|activation|constraint|regularizer|object)[^:]*: ([^.\s]+)/.exec(message);
  if (unknown) {
    return `it uses the ${unknown[1]} "${unknown[2]}", which the grader cannot rebuild: build models from tfjs's built-in layers (tf.layers.*) and the layers dlgrade provides (dlgrade/layers: ResizeBilinear, LocalResponseNorm, AdaptiveAvgPool2d, ...); a layer class of your own is not part of a gradable model`;
  }
  return message.split('\n')[0]!;
}

/**
 * Rebuilds `data` (what a probe returned from exportModel) in the grader. `what` names the model in messages
 * ("createConvNet()"). With weights in the data they are loaded by name; without, every weight is zero (call
 * initLikeTorch or set weights before using outputs). Throws GradingFailure saying what is wrong.
 */
export function rebuildModel(data: unknown, what: string): Promise<tf.LayersModel> {
  return timed('rebuild', what, () => rebuild(data, what));
}

async function rebuild(data: unknown, what: string): Promise<tf.LayersModel> {
  if (!isModelData(data)) {
    throw new GradingFailure(`${what}: the probe did not return a model (expected the data of exportModel(model), got ${data === null ? 'null' : typeof data})`);
  }
  await initEngine();
  const json = JSON.stringify(data.topology);
  if (json.length > REBUILD_LIMITS.topologyBytes) {
    throw new GradingFailure(`${what}: the model's description is ${Math.round(json.length / 2 ** 20)} MB, over the ${REBUILD_LIMITS.topologyBytes / 2 ** 20} MB the grader reads`);
  }
  const walk: Walk = { layers: 0, problems: [] };
  const topology = sanitise(JSON.parse(json), walk) as Record<string, unknown>;
  if (walk.layers > REBUILD_LIMITS.layers) walk.problems.push(`${walk.layers} layers (the grader builds at most ${REBUILD_LIMITS.layers})`);
  if (walk.problems.length) throw new GradingFailure(`${what}: the model cannot be rebuilt in the grader: ${walk.problems.slice(0, 3).join('; ')}`);
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: topology } as unknown as tf.io.ModelJSON);
  } catch (e) {
    throw new GradingFailure(`${what}: the model cannot be rebuilt in the grader: ${describeProblem((e as Error).message ?? String(e))}`);
  }
  const count = model.weights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 0), 1), 0);
  if (count > REBUILD_LIMITS.values) {
    model.dispose();
    throw new GradingFailure(`${what}: the model holds ${count.toLocaleString('en-US')} weight values, more than the grader builds (${REBUILD_LIMITS.values.toLocaleString('en-US')})`);
  }
  if (data.weights) {
    try {
      setWeightsByName(model, data as ModelData & { weights: NonNullable<ModelData['weights']> });
    } catch (e) {
      model.dispose();
      throw new GradingFailure(`${what}: ${(e as Error).message}`);
    }
  }
  return model;
}

function setWeightsByName(model: tf.LayersModel, data: ModelData & { weights: NonNullable<ModelData['weights']> }): void {
  const given = new Map<string, NonNullable<ModelData['weights']>[number]>();
  for (const w of data.weights) {
    if (typeof w?.name !== 'string' || !Array.isArray(w.shape) || !(w.values instanceof Float32Array)) throw new Error('the model\'s weights are not in the form exportModel gives');
    given.set(w.name, w);
  }
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const v of model.weights) {
    const w = given.get(v.originalName);
    if (!w) {
      missing.push(v.originalName);
      continue;
    }
    const shape = v.shape.map((d) => d ?? 0);
    const size = shape.reduce((a, b) => a * b, 1);
    if (w.shape.join() !== v.shape.join() || w.values.length !== size) {
      wrong.push(`${v.originalName} is [${w.shape.join(', ')}] with ${w.values.length} values, the layer needs [${v.shape.join(', ')}]`);
      continue;
    }
    const t = tf.tensor(w.values, shape);
    v.write(t);
    t.dispose();
  }
  if (missing.length || wrong.length || given.size !== model.weights.length) {
    const extra = [...given.keys()].filter((n) => !model.weights.some((v) => v.originalName === n));
    const parts = [missing.length ? `no values for ${missing.slice(0, 3).join(', ')}` : '', wrong.slice(0, 3).join('; '), extra.length ? `values for weights the model does not have: ${extra.slice(0, 3).join(', ')}` : ''].filter(Boolean);
    throw new Error(`the model's weights do not match its layers (${parts.join('; ')})`);
  }
}
