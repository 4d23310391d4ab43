// Rng.fill: the same values as the loop over next(), and the same stream afterwards, whether it runs as the
// JS loop (short arrays) or as one wasm call with alea's state handed over and back (long ones).
import { describe, expect, it } from 'vitest';
import { makeRng } from './seed.ts';
import { fillUniform } from './wasm-simd/host-kernels.ts';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('makeRng().fill', () => {
  it('has the wasm loop here (else the cases below only test the JS loop)', () => {
    expect(fillUniform(new Float32Array(1000), 0, 1, [0.25, 0.5, 0.75, 1])).toHaveLength(4);
  });

  it.each([0, 5, 255, 256, 1001, 100_003])('%i values: bitwise the loop, and the stream continues alike', (n) => {
    for (const [lo, span] of [[-0.05, 0.1], [0, 1], [-3, 7.5]] as const) {
      const a = makeRng(`fill:${n}`);
      const b = makeRng(`fill:${n}`);
      a.next(); // start mid-stream
      b.next();
      const filled = new Float32Array(n);
      a.fill(filled, lo, span);
      const looped = Float32Array.from({ length: n }, () => lo + span * b.next());
      expect(bits(filled)).toEqual(bits(looped));
      const after = (r: ReturnType<typeof makeRng>) => [r.next(), r.normal(), r.normal(), r.int(1000), r.seed(), r.next()];
      expect(after(a)).toEqual(after(b));
    }
  });
});
