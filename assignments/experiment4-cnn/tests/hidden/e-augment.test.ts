// E (hidden): every op at per-run bins, signs and magnitudes on per-run images of several sizes, the policy and
// the train/test transforms with the contract's draws, against the grader's torchvision-exact AutoAugment.
import { test } from 'vitest';
import { attachArtifact, GradingFailure, gradeParts, runRng, useSubmission } from 'dlgrade/kit';
import { applyAutoAugmentOp, augmentationSpace, expectedAutoAugment, expectedTrainTransform, normalise } from '../../augment-expected.ts';
import { imageDifference, OPS, opParts, randomImage, type OpCase } from '../../augment-checks.ts';

const sub = useSubmission();
const call = <R>(probe: string, args: unknown) => sub.call<R>(probe, args);

test('E.ops.random: every op at per-run magnitudes on per-run 32x32 and odd-sized images', async () => {
  const rng = runRng('E.ops.random');
  const parts = [
    [32, 32],
    [11, 17],
  ].flatMap(([h, w]) => {
    const image = randomImage(rng, h!, w!);
    const space = augmentationSpace(10, h!, w!);
    const cases: OpCase[] = OPS.flatMap((op) =>
      [0, 1].map(() => {
        const { magnitudes, signed } = space[op];
        const m = magnitudes[rng.int(magnitudes.length)]! * (signed && rng.next() < 0.5 ? -1 : 1);
        return { op, magnitude: m, want: applyAutoAugmentOp(image, op, m).data };
      }),
    );
    return opParts(call, image, cases, `a per-run image`).map((p) => ({ ...p, name: `${p.name} ${h}x${w}` }));
  });
  await gradeParts(parts);
});

test('E.transform: trainTransform (flip, crop with padding 4, AutoAugment, normalise) and testTransform (normalise)', async () => {
  const rng = runRng('E.transform');
  const images = Array.from({ length: 10 }, () => randomImage(rng, 32, 32));
  const seeds = images.map(() => 1 + rng.int(1e9));
  const got = await sub.call<{ train: (Float32Array | string)[]; test: (Float32Array | string)[] }>('transforms', { images, seeds });
  const close = (a: Float32Array | string | undefined, b: Float32Array) => a instanceof Float32Array && a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-5);
  await gradeParts([
    {
      name: 'testTransform',
      check: () => {
        const bad = images.findIndex((img, i) => !close(got.test[i], normalise(img)));
        if (bad >= 0) throw new GradingFailure(`testTransform(image ${bad + 1}): expected (v / 255 - CIFAR_MEAN[c]) / CIFAR_STD[c] per value, HWC float32${typeof got.test[bad] === 'string' ? `; it threw ${got.test[bad]}` : ''} (E.5)`);
      },
    },
    {
      name: 'trainTransform',
      check: () => {
        const bad = images.findIndex((img, i) => !close(got.train[i], expectedTrainTransform(img, seeds[i]!).out));
        if (bad < 0) return;
        const t = expectedTrainTransform(images[bad]!, seeds[bad]!);
        throw new GradingFailure(`trainTransform(image ${bad + 1}, random) differs: with this seed the flip is ${t.flipped ? 'taken' : 'not taken'}, the crop window starts at (${t.top}, ${t.left}) of the image padded by 4, then AutoAugment applies ${t.applied.map((a) => a.op).join(' then ') || 'nothing'}${typeof got.train[bad] === 'string' ? `; it threw ${got.train[bad]}` : ''} (E.5: draws in the contract's order: next() for the flip, int(9) top, int(9) left, then AutoAugment's)`);
      },
    },
  ]);
});

test('E.policy: autoAugment draws sub-policy, probabilities and signs from random in order and applies the chosen ops', async () => {
  const rng = runRng('E.policy');
  const images = Array.from({ length: 12 }, (_, i) => randomImage(rng, i === 11 ? 13 : 32, i === 11 ? 9 : 32));
  const seeds = images.map(() => 1 + rng.int(1e9));
  const got = await sub.call<{ out: Uint8Array | string; draws: string[] }[]>('autoAugment', { images, seeds });
  const cells: { label: string; height: number; width: number; channels: number; values: number[]; range: [number, number] }[] = [];
  const wrong: string[] = [];
  images.forEach((img, i) => {
    const want = expectedAutoAugment(img, seeds[i]!);
    const drawsOk = JSON.stringify(got[i]?.draws) === JSON.stringify(['int', 'next', 'next', 'int', 'int']);
    const ops = want.applied.map((a) => `${a.op}(${a.magnitude.toPrecision(4)})`).join(' then ') || 'nothing';
    const out = got[i]?.out;
    if (typeof out === 'string') wrong.push(`image ${i + 1}: it threw ${out}`);
    else if (!drawsOk) wrong.push(`image ${i + 1}: expected the draws int(25), next, next, int(2), int(2), got ${got[i]?.draws.join(', ') || 'none'}`);
    else {
      const d = imageDifference(out, want.image.data, img.width);
      if (d) wrong.push(`image ${i + 1} (${img.height}x${img.width}, sub-policy ${want.draws.policy}, probabilities ${want.draws.probs.map((p) => p.toFixed(3)).join('/')}, signs ${want.draws.signs.join('/')}: ${ops}): ${d}`);
    }
    if (i < 4 && typeof got[i]?.out !== 'string') {
      cells.push({ label: `image ${i + 1}`, height: img.height, width: img.width, channels: 3, values: Array.from(img.data), range: [0, 255] });
      cells.push({ label: ops, height: img.height, width: img.width, channels: 3, values: Array.from(got[i]!.out as Uint8Array), range: [0, 255] });
    }
  });
  attachArtifact('images', { title: 'E: AutoAugment (CIFAR-10 policy), per-run images and the submission\'s outputs', columns: 2, cells });
  if (wrong.length) throw new GradingFailure(`autoAugment(image, random) on ${images.length} per-run images: ${wrong.length} wrong:\n- ${wrong.join('\n- ')}\n(E.4: step i runs when probs[i] <= its probability; signed magnitudes are negated when signs[i] == 0; bins from this image's size)`);
});
