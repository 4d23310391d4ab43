// A checkpoint folder (contract.ts SaveCheckpoint: model.json + weights.bin in tfjs's format), read in the grader
// from the bytes a probe returned, as the model data the grader rebuilds: the submission's own loader never
// decides what the file holds.
import type { ModelData, WeightData } from 'dlgrade/kit';
import type { CheckpointFiles } from './probes.ts';

export function checkpointModelData(files: CheckpointFiles, where: string): ModelData {
  let json: { modelTopology?: Record<string, unknown>; weightsManifest?: { paths?: string[]; weights?: { name: string; shape: number[]; dtype?: string }[] }[] };
  try {
    json = JSON.parse(files.json) as typeof json;
  } catch (e) {
    throw new Error(`${where}: model.json is not JSON (${(e as Error).message})`);
  }
  const topology = json.modelTopology;
  const specs = json.weightsManifest?.[0]?.weights;
  if (!topology || !Array.isArray(specs)) throw new Error(`${where}: model.json needs modelTopology and weightsManifest[0].weights (tfjs's format; contract.ts SaveCheckpoint)`);
  const bytes = files.bin;
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4)));
  let at = 0;
  const weights: WeightData[] = specs.map((s) => {
    if (s.dtype && s.dtype !== 'float32') throw new Error(`${where}: weight ${s.name} is ${s.dtype}; the checkpoint holds float32 values`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    const values = floats.slice(at, at + n);
    at += n;
    if (values.length !== n) throw new Error(`${where}: weights.bin holds ${floats.length} values, the manifest lists more (${s.name} ends at ${at})`);
    return { name: s.name, shape: [...s.shape], values };
  });
  if (at !== floats.length) throw new Error(`${where}: weights.bin holds ${floats.length} values, the manifest lists ${at}`);
  return { kind: 'dlgrade-model', topology, weights };
}

/** A checkpoint's weight values in manifest order, concatenated (to compare with model.getWeights() snapshots). */
export function checkpointValues(data: ModelData): Float32Array {
  const ws = data.weights ?? [];
  const out = new Float32Array(ws.reduce((n, w) => n + w.values.length, 0));
  let at = 0;
  for (const w of ws) {
    out.set(w.values, at);
    at += w.values.length;
  }
  return out;
}
