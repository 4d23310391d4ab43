// The values F.weights.file writes for every weight of the student's ResNet-18: one seeded stream over the
// weights in model order. The probe draws them to write the file; the grader draws them again to compare
// with what the model loaded, so the values themselves never have to be taken from the sandbox.
import { makeRng } from 'dlgrade/kit/probe';

export function weightFileValues(specs: { shape: readonly number[] }[], seed: number): Float32Array[] {
  const rng = makeRng(`csci5501-a2:weights-file:${seed}`);
  return specs.map((s) => {
    const values = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    rng.fill(values, -0.5, 1); // next() - 0.5 for each, in one call (11M values)
    return values;
  });
}
