// Evidence artifacts of every kind for report tests and timings, as the assignments of the four seed courses
// attach them (ee449-hw1: weight grids, conv outputs, decision boundaries, loss and gradient-norm series;
// lab4-alexnet: normalised confusion, per-class F1 bars, accuracy against parameters; experiment4-cnn: sorted
// per-class accuracy, predictions with confidence; fc-vs-conv: the leaderboard with SimpleMLP as baseline),
// plus a run seed and a flag for the grader on some students. Seeded: the same seed gives the same class.
import seedrandom from 'seedrandom';
import type { Artifacts, ImageGrid, SubmissionResult } from '../types/submission-result.ts';

export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/** SimpleMLP of fc-vs-conv: its parameter count (golden) and about its held-out accuracy. */
export const SIMPLE_MLP = { label: 'SimpleMLP', params: 308_310, accuracy: 27.3 };

type Rng = () => number;

/** A smooth image with some noise: what trained weights and feature maps look like, not white noise. */
function smooth(rng: Rng, h: number, w: number, signed: boolean): number[] {
  const [a, b, c, d] = [rng() * 6, rng() * 6, rng() * 6.28, rng() * 6.28];
  return Array.from({ length: h * w }, (_, i) => {
    const y = Math.floor(i / w) / h;
    const x = (i % w) / w;
    const v = Math.sin(a * x + c) * Math.cos(b * y + d) + 0.25 * (rng() - 0.5);
    return signed ? v * 0.1 : (v + 1.2) / 2.4;
  });
}

function grids(rng: Rng): ImageGrid[] {
  const weights: ImageGrid = {
    title: 'MLP1: first-layer weights (32 units, 28x28)',
    columns: 8,
    cells: Array.from({ length: 32 }, (_, k) => ({ label: `unit ${k}`, height: 28, width: 28, channels: 1, values: smooth(rng, 28, 28, true) })),
  };
  const conv: ImageGrid = {
    title: 'conv2d output: 4 images x 8 kernels (26x26)',
    columns: 8,
    cells: Array.from({ length: 32 }, (_, k) => ({ ...(k < 8 ? { label: `kernel ${k}` } : {}), height: 26, width: 26, channels: 1, values: smooth(rng, 26, 26, true) })),
  };
  const boundary = (act: string) => {
    const angle = rng() * Math.PI;
    const values = Array.from({ length: 40 * 40 }, (_, i) => {
      const x = (i % 40) / 20 - 1;
      const y = Math.floor(i / 40) / 20 - 1;
      return 1 / (1 + Math.exp(-(8 * x * y + Math.cos(angle) * x)));
    });
    return { label: act, height: 40, width: 40, channels: 1, values, range: [0, 1] as [number, number] };
  };
  const xor: ImageGrid = { title: 'XOR MLP: decision boundaries (P(class 1) on [-1, 1]²)', columns: 3, cells: ['sigmoid', 'tanh', 'relu'].map(boundary) };
  const predictions: ImageGrid = {
    title: 'A sample of held-out predictions (predicted, confidence, true)',
    columns: 6,
    cells: Array.from({ length: 12 }, (_, k) => {
      const pred = CIFAR_CLASSES[Math.floor(rng() * 10)]!;
      const truth = rng() < 0.7 ? pred : CIFAR_CLASSES[Math.floor(rng() * 10)]!;
      const base = [rng(), rng(), rng()];
      const values = Array.from({ length: 32 * 32 * 3 }, (_, i) => Math.min(1, Math.max(0, base[i % 3]! + 0.3 * Math.sin(i / 97 + k) + 0.1 * (rng() - 0.5))));
      return { label: `${pred} ${(0.4 + 0.6 * rng()).toFixed(2)}${pred === truth ? '' : ` (true ${truth})`}`, height: 32, width: 32, channels: 3, values, range: [0, 1] as [number, number] };
    }),
  };
  return [weights, conv, xor, predictions];
}

function evidence(rng: Rng): Artifacts {
  const steps = Array.from({ length: 50 }, (_, i) => i * 10);
  const decay = (start: number, rate: number, floor: number) => steps.map((s) => floor + (start - floor) * Math.exp(-s / rate) * (1 + 0.05 * (rng() - 0.5)));
  const f1 = (level: number) => CIFAR_CLASSES.map(() => Math.max(0, Math.min(1, level + 0.25 * (rng() - 0.5))));
  const params = Math.round(20_000 + rng() * 280_000);
  const accuracy = Math.round((45 + 30 * rng()) * 10) / 10;
  const confusion = CIFAR_CLASSES.map((_, t) => CIFAR_CLASSES.map((__, p) => (p === t ? 60 + Math.floor(rng() * 35) : Math.floor(rng() * 8))));
  return {
    series: [
      { title: 'Training loss every 10 steps (SGD lr 0.01, batch 50)', xLabel: 'step', yLabel: 'loss', lines: [{ name: 'relu', x: steps, y: decay(2.3, 150, 0.4) }, { name: 'sigmoid', x: steps, y: decay(2.3, 600, 1.1) }] },
      { title: 'First-layer gradient norm every 10 steps', xLabel: 'step', yLabel: 'gradient norm', logY: true, lines: [{ name: 'relu', x: steps, y: decay(1, 300, 0.2) }, { name: 'sigmoid', x: steps, y: decay(0.05, 200, 0.001) }] },
    ],
    images: grids(rng),
    bars: [
      { title: 'Per-class F1 on the held-out images', yLabel: 'F1', categories: CIFAR_CLASSES, groups: [{ name: 'BaselineNN', values: f1(0.35) }, { name: 'TinyVGG', values: f1(0.6) }] },
      { title: 'Per-class accuracy (sorted)', yLabel: 'accuracy (%)', categories: CIFAR_CLASSES, groups: [{ name: 'accuracy', values: f1(0.7).map((v) => Math.round(v * 1000) / 10) }], sort: 'descending' },
    ],
    scatter: [
      {
        title: 'Held-out accuracy against trainable parameters',
        xLabel: 'parameters',
        yLabel: 'accuracy (%)',
        frontier: true,
        points: [
          { label: SIMPLE_MLP.label, x: SIMPLE_MLP.params, y: Math.round((SIMPLE_MLP.accuracy + 2 * (rng() - 0.5)) * 10) / 10, group: 'baseline' },
          { label: 'your ConvNet', x: params, y: accuracy },
        ],
      },
    ],
    confusion: [{ title: 'TinyVGG: held-out confusion matrix', classNames: CIFAR_CLASSES, matrix: confusion, normalize: true }],
    leaderboard: [{ board: 'ConvNet', values: { accuracy, params }, order: { accuracy: 'desc', params: 'asc' } }],
  };
}

/** Copies of `results` with evidence of every kind added (existing artifacts of the same kind kept first). */
export function withEvidence(results: SubmissionResult[], seed = 'dlgrade-evidence'): SubmissionResult[] {
  const rng = seedrandom(seed);
  return results.map((r0, i) => {
    const r = structuredClone(r0);
    const add = evidence(rng);
    const artifacts = r.artifacts as Record<string, unknown[] | undefined>;
    for (const [k, v] of Object.entries(add) as [string, unknown[]][]) artifacts[k] = [...(artifacts[k] ?? []), ...v];
    r.runSeed = Math.floor(rng() * 2 ** 31);
    const manual = r.manual[0];
    if (manual && i % 3 === 0) manual.flags = [`the report claims ${(80 + rng() * 15).toFixed(1)}% held-out accuracy; the grader measured ${add.leaderboard![0]!.values.accuracy}%`];
    return r;
  });
}
