// A model as it crosses the sandbox boundary: tfjs's own topology JSON (what `model.toJSON()` gives, the
// format tf.models.modelFromJSON reads) and, when asked, every weight by name. The sandbox side makes it
// (exportModel, run next to the submission); the grader side rebuilds a model from it (rebuild.ts) and never
// trusts anything else the sandbox says about the model.
import * as tf from '@tensorflow/tfjs';

export interface WeightData {
  /** The weight's originalName, e.g. "dense_Dense1/kernel" (unique within a model; what rebuilding matches). */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface ModelData {
  kind: 'dlgrade-model';
  /** tfjs LayersModel JSON: { class_name, config, keras_version?, backend? }. */
  topology: Record<string, unknown>;
  /** Every weight (model.weights order), when exported with { weights: true }. */
  weights?: WeightData[];
}

export interface ExportOptions {
  /** Include the weight values (training results, loaded weights). Default false: the architecture only. */
  weights?: boolean;
}

/**
 * The model as data. Read through LayersModel.prototype, not the instance, so methods a submission overrides
 * on its model object are not what answers (the grader rebuilds and checks the result anyway).
 */
export function exportModel(model: tf.LayersModel, opts: ExportOptions = {}): ModelData {
  const topology = tf.LayersModel.prototype.toJSON.call(model, undefined, false) as Record<string, unknown>;
  const data: ModelData = { kind: 'dlgrade-model', topology };
  if (opts.weights) {
    data.weights = model.weights.map((w) => {
      const t = w.read();
      return { name: w.originalName, shape: [...t.shape], values: Float32Array.from(t.dataSync()) };
    });
  }
  return data;
}

/** Whether a value has the outline of ModelData (the contents are checked when rebuilding). */
export function isModelData(v: unknown): v is ModelData {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'dlgrade-model' && typeof (v as { topology?: unknown }).topology === 'object';
}
