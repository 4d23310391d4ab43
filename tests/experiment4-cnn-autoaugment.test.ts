import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyAutoAugmentOp, augmentationSpace, AUTOAUGMENT_OPS, autoAugment, CIFAR10_POLICY, linspaceF32, roundHalfEven, type AutoAugmentOp, type Uint8Image } from '../assignments/experiment4-cnn/torchvision-autoaugment.ts';

const GOLDEN_DIR = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../shared/golden/', import.meta.url));

interface Case {
  op: AutoAugmentOp;
  bin: number | null;
  sign: number;
  magnitude: number;
  output: number[][][];
}
const golden = JSON.parse(readFileSync(`${GOLDEN_DIR}/autoaugment.json`, 'utf8')) as {
  image_chw_uint8: number[][][];
  policy_cifar10: [string, number, number | null][][];
  num_bins: number;
  cases: Case[];
};

/** CHW nested arrays (torchvision's layout) -> an HWC image. */
function fromChw(a: number[][][]): Uint8Image {
  const [c, h, w] = [a.length, a[0].length, a[0][0].length];
  const data = new Uint8Array(h * w * c);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(y * w + x) * c + k] = a[k][y][x];
  return { data, height: h, width: w, channels: c };
}

const image = fromChw(golden.image_chw_uint8);

describe('AutoAugment (CIFAR-10 policy) against torchvision 0.14 (golden/autoaugment.json)', () => {
  it('has torchvision\'s CIFAR-10 policy table', () => {
    expect(CIFAR10_POLICY.map((s) => s.map((step) => [...step]))).toEqual(golden.policy_cifar10);
  });

  it('magnitude bins are torch.linspace\'s float32 values (every bin the golden names)', () => {
    const space = augmentationSpace(golden.num_bins, image.height, image.width);
    for (const c of golden.cases.filter((x) => x.bin !== null)) {
      expect(space[c.op].magnitudes[c.bin!] * (c.sign < 0 ? -1 : 1), `${c.op} bin ${c.bin}`).toBe(c.magnitude);
    }
  });

  it.each(golden.cases.map((c) => [`${c.op} bin ${c.bin} sign ${c.sign}`, c] as const))('%s: every pixel exact', (_, c) => {
    const got = applyAutoAugmentOp(image, c.op, c.magnitude);
    const want = fromChw(c.output);
    const wrong: string[] = [];
    for (let i = 0; i < want.data.length; i++) if (got.data[i] !== want.data[i]) wrong.push(`pixel ${Math.floor(i / 3)} channel ${i % 3}: ${got.data[i]} vs ${want.data[i]}`);
    expect(wrong.slice(0, 5), `${wrong.length} values differ`).toEqual([]);
  });

  it('covers every op the policy uses', () => {
    const used = new Set(CIFAR10_POLICY.flatMap((s) => s.map((step) => step[0])));
    expect(new Set(golden.cases.map((c) => c.op))).toEqual(used);
    for (const op of used) expect(AUTOAUGMENT_OPS).toContain(op);
  });

  it('the policy applies a step when its probability draw is <= p, negating signed magnitudes on sign 0', () => {
    // Sub-policy 1: Rotate p 0.7 bin 2, TranslateX p 0.3 bin 9.
    const both = autoAugment(image, { policy: 1, probs: [0.7, 0.3], signs: [0, 1] });
    expect(both.applied.map((a) => a.op)).toEqual(['Rotate', 'TranslateX']);
    expect(both.applied[0].magnitude).toBe(-augmentationSpace(10, 12, 12).Rotate.magnitudes[2]);
    expect(both.applied[1].magnitude).toBe(augmentationSpace(10, 12, 12).TranslateX.magnitudes[9]);
    const rotated = applyAutoAugmentOp(image, 'Rotate', both.applied[0].magnitude);
    expect(Array.from(both.image.data)).toEqual(Array.from(applyAutoAugmentOp(rotated, 'TranslateX', both.applied[1].magnitude).data));
    const none = autoAugment(image, { policy: 1, probs: [0.71, 0.31], signs: [1, 1] });
    expect(none.applied).toEqual([]);
    expect(Array.from(none.image.data)).toEqual(Array.from(image.data));
    // Invert with p 0.0 runs only on a draw of exactly 0.
    expect(autoAugment(image, { policy: 14, probs: [1, 0], signs: [1, 1] }).applied).toEqual([{ op: 'Invert', magnitude: 0 }]);
  });

  it('linspace and rounding helpers', () => {
    expect(linspaceF32(0, 30, 10)[2]).toBe(6.666666507720947);
    expect(linspaceF32(255, 0, 10)[5]).toBe(113.33333587646484);
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2]);
    expect(augmentationSpace(10, 32, 32).Posterize.magnitudes).toEqual([8, 8, 7, 7, 6, 6, 5, 5, 4, 4]);
  });
});
