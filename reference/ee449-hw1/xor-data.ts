// Part 1.2: the XOR data set of the seed's utils.part1CreateDataset (sklearn's make_blobs, then relabelled).
// No tfjs and no package here.
import type { Matrix, XorData, XorOptions } from '../../assignments/ee449-hw1/contract.ts';
import { normalSampler, seededRandom, shuffle, type Random } from './random.ts';
// STARTER: import { todo } from './todo.ts';

/** The centre of each blob and its label after relabelling (blob 2 -> 0, blob 3 -> 1): an XOR of the signs. */
export const CENTERS: readonly (readonly [number, number])[] = [
  [1, 1],
  [1, -1],
  [-1, -1],
  [-1, 1],
];
export const LABELS: readonly number[] = [0, 1, 0, 1];

/** make_blobs(n_samples=n, centers=CENTERS, cluster_std=std, shuffle=True), relabelled: [x, y]. */
function blobs(n: number, std: number, random: Random): [Matrix, Matrix] {
  // For each centre c (in CENTERS' order): its share of the n points, each [cx + std * N(0,1), cy + std * N(0,1)]
  // with label LABELS[c]; then shuffle the rows (random.ts: normalSampler, shuffle).
  // BEGIN SOLUTION
  const randn = normalSampler(random);
  // make_blobs splits n between the centres: n // 4 each, the first n % 4 centres one more.
  const rows: { x: number[]; y: number }[] = [];
  CENTERS.forEach(([cx, cy], c) => {
    const count = Math.floor(n / CENTERS.length) + (c < n % CENTERS.length ? 1 : 0);
    for (let i = 0; i < count; i++) rows.push({ x: [cx + std * randn(), cy + std * randn()], y: LABELS[c] });
  });
  shuffle(rows, random);
  return [rows.map((r) => r.x), rows.map((r) => [r.y])];
  // END SOLUTION
  // STARTER: return todo('1.2: the XOR blobs');
}

export function createXorDataset(opts: XorOptions = {}): XorData {
  const { trainSamples = 1000, valSamples = 100, std = 0.4, seed = 0 } = opts;
  const random = seededRandom(seed);
  const [xTrain, yTrain] = blobs(trainSamples, std, random);
  const [xVal, yVal] = blobs(valSamples, std, random);
  return { xTrain, yTrain, xVal, yVal };
}
