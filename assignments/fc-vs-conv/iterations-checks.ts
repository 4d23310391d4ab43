// Exercise D in the grader: the student's ITERATIONS as the probe read them (claims and exported models), and
// the comparison of each claimed accuracy with what the grader measures on the rebuilt architecture with the
// budget. A mismatch is not scored: it is flagged to the human grader of D.1 (the written findings).
import { type Submission } from 'dlgrade/kit';
import type { IterationProbe } from './probes.ts';

export interface IterationsProbe {
  count: number;
  kind: string;
  entries: IterationProbe[];
}

export const readIterations = (sub: Submission) => sub.call<IterationsProbe>('iterations', {}, { what: 'reading ITERATIONS and building each model' });

export const iterationLabel = (e: IterationProbe) => (typeof e.name === 'string' && e.name.trim() ? `"${e.name}"` : `#${e.index + 1}`);

/**
 * How far a claimed accuracy may be from the grader's measurement before it is flagged (percentage points).
 * The same architecture, seed and budget on another engine (wasm with or without a native BLAS, tfjs-node on
 * the student's machine) rounds differently and ends a few points apart: measured up to 3.3 points for the
 * reference's bottleneck ConvNet between OpenBLAS and the wasm GEMM on this machine.
 */
export const ACCURACY_TOLERANCE = 5;

/**
 * A model's topology with every layer name replaced by its order of appearance, so the same architecture built
 * twice (tfjs numbers the default names on) gives the same key: the grader measures it once per grading run.
 * (The kit's trainClassifier also remembers trainings on disk, but not where each submission is graded on a
 * fresh machine, as on Gradescope, nor with DLGRADE_TRAIN_CACHE=0: createConvNet is usually an iteration too.)
 */
export function architectureKey(topology: unknown): string {
  const names = new Map<string, string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'name' && typeof v === 'string' && !names.has(v)) names.set(v, `#${names.size}`);
        else collect(v);
      }
    }
  };
  collect(topology);
  return JSON.stringify(topology, (_k, v: unknown) => (typeof v === 'string' && names.has(v) ? names.get(v) : v));
}
