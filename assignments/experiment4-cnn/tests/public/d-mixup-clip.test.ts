// D. MixUp (the contract's draws: Beta(alpha, alpha) then a permutation) and clip_grad_norm_ (one norm over all
// gradients), on per-run inputs and PyTorch's clipping example (golden/clip_grad_norm.json).
import { test } from 'vitest';
import { GradingFailure, gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { createRandom } from '../../contract.ts';
import golden from '../../golden.json' with { type: 'json' };
import { clipGradNormF64 } from '../../optim-maths.ts';

const sub = useSubmission();

test('D.mixup: mixupData draws lam ~ Beta(alpha, alpha) then a permutation, and mixes images and labels with them', async () => {
  const rng = runRng('D.mixup');
  await gradeParts(
    [0.4, 1, 0].map((alpha) => ({
      name: `alpha ${alpha}`,
      check: async () => {
        const shape: [number, number, number, number] = [5 + rng.int(6), 2, 3, 3];
        const per = shape[1] * shape[2] * shape[3];
        const x = Float32Array.from({ length: shape[0] * per }, () => rng.normal());
        const y = Int32Array.from({ length: shape[0] }, () => rng.int(10));
        const seed = 1 + rng.int(1e9);
        const got = await sub.call<{ x: Float32Array; shape: number[]; yA: Int32Array; yB: Int32Array; lam: number; draws: string[] }>('mixup', { x, shape, y, alpha, seed });
        const where = `mixupData(x [${shape.join(', ')}], y, alpha ${alpha}, random)`;
        const random = createRandom(seed);
        const lam = alpha > 0 ? random.beta(alpha, alpha) : 1;
        const index = random.permutation(shape[0]);
        const wantDraws = alpha > 0 ? ['beta', 'permutation'] : ['permutation'];
        if (JSON.stringify(got.draws) !== JSON.stringify(wantDraws)) {
          throw new GradingFailure(`${where}: expected the draws ${wantDraws.join(' then ')} from random, got ${got.draws.join(', ') || 'none'} (D.1: lam = random.beta(alpha, alpha) when alpha > 0, else 1 without a draw; then index = random.permutation(batch size))`);
        }
        if (got.lam !== lam) throw new GradingFailure(`${where}: expected lam ${lam} (the value random.beta returned), got ${got.lam} (D.1)`);
        const yB = Int32Array.from(index, (j) => y[j]!);
        if (JSON.stringify(Array.from(got.yA)) !== JSON.stringify(Array.from(y))) throw new GradingFailure(`${where}: yA must be the labels y, got [${Array.from(got.yA).join(', ')}] (D.1)`);
        if (JSON.stringify(Array.from(got.yB)) !== JSON.stringify(Array.from(yB))) throw new GradingFailure(`${where}: expected yB = y[index] = [${Array.from(yB).join(', ')}], got [${Array.from(got.yB).join(', ')}] (D.1)`);
        let worst = 0;
        for (let b = 0; b < shape[0]; b++) for (let k = 0; k < per; k++) worst = Math.max(worst, Math.abs(got.x[b * per + k]! - (lam * x[b * per + k]! + (1 - lam) * x[index[b]! * per + k]!)));
        if (!(worst <= 1e-5)) throw new GradingFailure(`${where}: the mixed images differ from lam * x + (1 - lam) * x[index] by up to ${worst} (D.1)`);
      },
    })),
  );
});

interface Grad {
  name: string;
  shape: number[];
  values: Float32Array;
}

async function checkClip(grads: Grad[], maxNorm: number, what: string): Promise<void> {
  const got = await sub.call<{ totalNorm: number; grads: Record<string, Float32Array> }>('clip', { grads, maxNorm });
  const want = clipGradNormF64(grads.map((g) => Array.from(g.values)), maxNorm);
  const where = `clipGradNorm(${grads.length} gradients, maxNorm ${maxNorm}) on ${what}`;
  if (!(Math.abs(got.totalNorm - want.totalNorm) <= 1e-5 * want.totalNorm)) {
    const after = Math.sqrt(Object.values(got.grads).reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0));
    const why = Math.abs(got.totalNorm - after) <= 1e-5 * Math.max(1, after) && want.totalNorm > maxNorm ? ': that is the norm after clipping; return the norm before' : '';
    throw new GradingFailure(`${where}: expected totalNorm ${want.totalNorm} (the 2-norm of all gradients together), got ${got.totalNorm}${why} (D.2)`);
  }
  const perTensor = grads.map((g) => {
    const n = Math.sqrt(g.values.reduce((a, v) => a + v * v, 0));
    return Array.from(g.values, (v) => v * Math.min(1, maxNorm / (n + 1e-6)));
  });
  for (const [i, g] of grads.entries()) {
    const v = got.grads[g.name];
    const w = want.clipped[i]!;
    const d = v && v.length === w.length ? Math.max(...w.map((x, j) => Math.abs(x - v[j]!))) : Infinity;
    if (d <= 1e-6 * Math.max(1, ...w.map(Math.abs))) continue;
    const pt = v && v.length === w.length && perTensor.every((p, k) => { const gv = got.grads[grads[k]!.name]; return !!gv && p.every((x, j) => Math.abs(x - gv[j]!) <= 1e-6); });
    const why = !v ? ` (no gradient named "${g.name}" came back: return them under their own names)` : pt ? ': each gradient was clipped by its own norm; clip_grad_norm_ scales all of them by one factor, maxNorm / (total norm + 1e-6)' : want.totalNorm <= maxNorm ? ' (the norm is below maxNorm: the gradients stay as they are)' : '';
    throw new GradingFailure(`${where}: gradient "${g.name}" differs from PyTorch's clipped one by up to ${d}${why} (D.2)`);
  }
}

test('D.clip: clipGradNorm scales every gradient by min(1, maxNorm / (total norm + 1e-6)) and returns the total norm', async () => {
  const rng = runRng('D.clip');
  const C = golden.clip;
  const goldenGrads: Grad[] = [
    { name: 'weight', shape: [3, 4], values: Float32Array.from(C.grads[0]!.flat()) },
    { name: 'bias', shape: [7], values: Float32Array.from(C.grads[1] as number[]) },
  ];
  const randomGrads = (scale: number): Grad[] =>
    [[2 + rng.int(4), 3], [5 + rng.int(5)], [2, 2, 3]].map((shape, i) => ({ name: `g${i}`, shape, values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()) }));
  await gradeParts([
    { name: "PyTorch's example (golden/clip_grad_norm.json)", check: () => checkClip(goldenGrads, C.max_norm, "PyTorch's example") },
    { name: 'per-run, above maxNorm', check: () => checkClip(randomGrads(1), 0.5 + rng.next(), 'per-run gradients whose norm exceeds maxNorm') },
    { name: 'per-run, below maxNorm', check: () => checkClip(randomGrads(0.05), 5, 'per-run gradients whose norm is below maxNorm') },
  ]);
});
