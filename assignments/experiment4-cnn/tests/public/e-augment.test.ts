// E. AutoAugment's CIFAR-10 ops on torchvision's own outputs (golden/autoaugment.json: every op of the policy,
// both signs). The per-run checks (other images, the policy, the transforms) are hidden: their expected images
// come from the grader's own AutoAugment, which is this exercise's answer.
import { test } from 'vitest';
import { gradeParts, useSubmission } from 'dlgrade/kit';
import type { AutoAugmentOp, Uint8Image } from '../../contract.ts';
import { opParts } from '../../augment-checks.ts';
import golden from '../../golden.json' with { type: 'json' };

const sub = useSubmission();
const call = <R>(probe: string, args: unknown) => sub.call<R>(probe, args);

function fromChw(a: number[][][]): Uint8Array {
  const [c, h, w] = [a.length, a[0]!.length, a[0]![0]!.length];
  const out = new Uint8Array(h * w * c);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(y * w + x) * c + k] = a[k]![y]![x]!;
  return out;
}

test("E.ops: every AutoAugment op of the CIFAR-10 policy, value for value as torchvision's (golden)", async () => {
  const A = golden.autoaugment;
  const image: Uint8Image = { data: fromChw(A.image_chw_uint8), height: A.image_chw_uint8[0]!.length, width: A.image_chw_uint8[0]![0]!.length, channels: 3 };
  const cases = A.cases.map((c) => ({ op: c.op as AutoAugmentOp, magnitude: c.magnitude, want: fromChw(c.output) }));
  await gradeParts(opParts(call, image, cases, "torchvision's image (golden/autoaugment.json)"));
});
