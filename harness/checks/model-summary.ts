import type * as tf from '@tensorflow/tfjs';
import type { LayerRow, ModelSummary } from '../types/submission-result.ts';
import { walkLayers } from '../engine/layer-walk.ts';
import { countParameters } from './parameter-count.ts';

// A per-layer summary in the spirit of torchinfo: one row per leaf layer (nested models are expanded and
// their layers named by path), with output shape and PyTorch-style parameter counts (buffers such as
// BatchNorm running statistics are not parameters). Reports render ModelSummary; formatSummary prints it
// for terminal feedback.

export interface SummaryOptions {
  title?: string;
  /** Expected total trainable parameters (shown beside the actual figure). */
  expectedTotal?: number;
  /** Expected parameters per layer, keyed by layer path or plain layer name. */
  expectedParams?: Record<string, number>;
}

function outputShapeOf(layer: tf.layers.Layer): (number | null)[] {
  try {
    const s = layer.outputShape;
    // Multi-output layers report a list of shapes; the first is what a one-line summary can show.
    const first = Array.isArray(s[0]) ? (s[0] as (number | null)[]) : (s as (number | null)[]);
    return [...first];
  } catch {
    // Unbuilt layer, or one applied to inputs of different shapes: no single output shape to show.
    return [];
  }
}

export function summarizeModel(model: tf.LayersModel, opts: SummaryOptions = {}): ModelSummary {
  const counts = countParameters(model);
  const walked = walkLayers(model);
  const layers: LayerRow[] = walked.map((w, i) => {
    const c = counts.layers[i];
    const row: LayerRow = { name: w.path, kind: c.kind, outputShape: outputShapeOf(w.layer), params: c.params, trainable: c.trainable };
    const expected = opts.expectedParams?.[w.path] ?? opts.expectedParams?.[w.layer.name];
    if (expected !== undefined) row.expectedParams = expected;
    return row;
  });
  const summary: ModelSummary = { title: opts.title ?? model.name, layers, totalParams: counts.total, trainableParams: counts.trainable };
  if (opts.expectedTotal !== undefined) summary.expectedTotal = opts.expectedTotal;
  return summary;
}

/** "(?, 32, 32, 12)": the batch axis shown as "?". */
export function formatShape(shape: readonly (number | null)[]): string {
  if (shape.length === 0) return '-';
  return `(${shape.map((d) => (d === null || d < 0 ? '?' : String(d))).join(', ')})`;
}

/** A shape without its batch axis as seed 002 writes shape tables: "(32, 32, 12)" for images, "768" for vectors. */
export function formatShapeHWC(shape: readonly (number | null)[]): string {
  const rest = shape.slice(1);
  if (rest.length === 1) return String(rest[0]);
  return `(${rest.join(', ')})`;
}

const n = (v: number) => v.toLocaleString('en-US');

/** Plain-text table for terminal feedback. */
export function formatSummary(s: ModelSummary): string {
  const withExpected = s.layers.some((r) => r.expectedParams !== undefined);
  const header = ['Layer', 'Kind', 'Output shape', 'Params', 'Trainable', ...(withExpected ? ['Expected'] : [])];
  const rows = s.layers.map((r) => {
    const cells = [r.name, r.kind, formatShape(r.outputShape), n(r.params), n(r.trainable)];
    if (withExpected) {
      const e = r.expectedParams;
      cells.push(e === undefined ? '' : e === r.params ? n(e) : `${n(e)}  <-- differs`);
    }
    return cells;
  });
  const numeric = new Set([3, 4, 5]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  const out = [s.title, rule, line(header), rule, ...rows.map(line), rule];
  out.push(`Total params: ${n(s.totalParams)}`);
  let trainable = `Trainable params: ${n(s.trainableParams)}`;
  if (s.expectedTotal !== undefined) {
    trainable += s.expectedTotal === s.trainableParams ? ` (expected ${n(s.expectedTotal)})` : ` (expected ${n(s.expectedTotal)}: differs by ${n(s.trainableParams - s.expectedTotal)})`;
  }
  out.push(trainable);
  out.push(`Non-trainable params: ${n(s.totalParams - s.trainableParams)}`);
  return out.join('\n');
}
