// The data pipeline checks (exercise D), shared by the public and hidden suites. The suites rebuild the raw
// images from the same ImageSpec the probe used and compute the expected statistics and batches here.
import { batchSizes, GradingFailure, note, randomImages, type ImageSpec, type Submission } from 'dlgrade/kit';
import type { PipelineOptions, RawImages } from './contract.ts';
import type { PipelineProbe } from './probes.ts';

export interface PipelineCase {
  dataset: 'mnist' | 'cifar10';
  train: ImageSpec;
  test: ImageSpec;
  opts?: PipelineOptions;
}

export function callPipeline(sub: Submission, c: PipelineCase, collect: ('train' | 'val' | 'test')[]): Promise<PipelineProbe> {
  return sub.call<PipelineProbe>('pipeline', { ...c, collect }, { what: describeCase(c) });
}

export const describeCase = (c: PipelineCase) =>
  `createDataPipeline('${c.dataset}', ${c.train.n} training images ${c.train.height}x${c.train.width}x${c.train.channels}${c.opts ? `, ${JSON.stringify(c.opts)}` : ''})`;

/** Per-channel mean and std over every pixel (population std). */
export function channelStats(raw: RawImages): { mean: number[]; std: number[] } {
  const c = raw.channels;
  const count = raw.images.length / c;
  const sum = new Float64Array(c);
  raw.images.forEach((v, i) => (sum[i % c] += v));
  const mean = Array.from(sum, (s) => s / count);
  const sq = new Float64Array(c);
  raw.images.forEach((v, i) => (sq[i % c] += (v - mean[i % c]) ** 2));
  return { mean, std: Array.from(sq, (s) => Math.sqrt(s / count)) };
}

/** The images at `indices`, normalised: what an un-augmented loader yields, in that order. */
export function normalised(raw: RawImages, indices: ArrayLike<number>, mean: number[], std: number[]): Float32Array {
  const per = raw.height * raw.width * raw.channels;
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    for (let p = 0; p < per; p++) out[i * per + p] = (raw.images[j * per + p] - mean[p % raw.channels]) / std[p % raw.channels];
  }
  return out;
}

/** The split: sizes, disjoint, covering 0..n-1. Returns the problems found. */
export function splitProblems(p: PipelineProbe, n: number, valSize: number): string[] {
  const out: string[] = [];
  if (p.valIndices.length !== valSize) out.push(`expected ${valSize} validation indices, got ${p.valIndices.length}`);
  if (p.trainIndices.length !== n - valSize) out.push(`expected ${n - valSize} training indices, got ${p.trainIndices.length}`);
  const seen = new Uint8Array(n);
  let bad = 0;
  let overlap = 0;
  for (const i of p.trainIndices) if (i < 0 || i >= n || !Number.isInteger(i)) bad++;
  else seen[i] |= 1;
  for (const i of p.valIndices) {
    if (i < 0 || i >= n || !Number.isInteger(i)) bad++;
    else {
      if (seen[i] & 1) overlap++;
      seen[i] |= 2;
    }
  }
  if (bad) out.push(`${bad} indices are outside 0..${n - 1}`);
  if (overlap) out.push(`${overlap} images are in both the training and the validation split: the two parts of the split must be disjoint`);
  const missing = seen.reduce((m, v) => m + (v === 0 ? 1 : 0), 0);
  if (missing && !overlap) out.push(`${missing} images are in neither part`);
  return out;
}

/** Compares a loader's yield with the expected normalised images in order; the first problem, or undefined. */
export function loaderProblem(got: PipelineProbe['loaders']['val'], raw: RawImages, indices: ArrayLike<number>, mean: number[], std: number[], batchSize: number, name: string): string | undefined {
  if (!got) return `the ${name} loader yielded nothing`;
  const sizes = batchSizes(indices.length, batchSize);
  if (JSON.stringify(got.batchSizes) !== JSON.stringify(sizes)) {
    return `the ${name} loader yielded batches of [${got.batchSizes.slice(0, 4).join(', ')}${got.batchSizes.length > 4 ? ', ...' : ''}] (${got.batchSizes.length} batches), expected ${sizes.length} batches of ${batchSize}${sizes.at(-1) !== batchSize ? ` (the last ${sizes.at(-1)})` : ''}`;
  }
  const want = normalised(raw, indices, mean, std);
  const per = raw.height * raw.width * raw.channels;
  for (let i = 0; i < indices.length; i++) {
    if (got.ys[i] !== raw.labels[indices[i]]) return `the ${name} loader's label ${i} is ${got.ys[i]}, expected ${raw.labels[indices[i]]} (image ${indices[i]}): it must yield its images in order, unshuffled`;
    for (let p = 0; p < per; p++) {
      const d = Math.abs(got.xs[i * per + p] - want[i * per + p]);
      if (!(d <= 1e-4 * (1 + Math.abs(want[i * per + p])))) {
        return `the ${name} loader's image ${i} (raw image ${indices[i]}) differs from (x - mean) / std at value ${p}: expected ${want[i * per + p]}, got ${got.xs[i * per + p]} — ${name} images are normalised only, never augmented or shuffled`;
      }
    }
  }
  return undefined;
}

/** Fraction of the training loader's samples that are exactly an un-augmented, normalised training image. */
export function unaugmentedFraction(got: NonNullable<PipelineProbe['loaders']['train']>, raw: RawImages, trainIndices: ArrayLike<number>, mean: number[], std: number[]): number {
  const per = raw.height * raw.width * raw.channels;
  const key = (a: ArrayLike<number>, at: number) => {
    let s = '';
    for (let p = 0; p < per; p++) s += `${Math.round(a[at + p] * 1000)},`;
    return s;
  };
  const plain = normalised(raw, trainIndices, mean, std);
  const known = new Set<string>();
  for (let i = 0; i < trainIndices.length; i++) known.add(key(plain, i * per));
  const n = got.ys.length;
  let same = 0;
  for (let i = 0; i < n; i++) if (known.has(key(got.xs, i * per))) same++;
  note(`${same} of ${n} training samples were yielded un-augmented`);
  return n ? same / n : 1;
}

export { randomImages };
