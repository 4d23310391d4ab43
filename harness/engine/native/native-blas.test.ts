// The native BLAS bridge: cblas_sgemm on offsets into a heap, every transpose combination, strides and
// accumulation against a float64 reference; operands outside the heap are refused (never written); and the
// engine's choice between native and wasm products (DLGRADE_BLAS) in a child process.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../seed.ts';
import { nativeBlasStatus } from './native-blas.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const status = nativeBlasStatus();
const blas = status.blas;

describe('native BLAS availability', () => {
  it('is loaded, or says why not (CI sets DLGRADE_REQUIRE_BLAS=1: there it must load)', () => {
    if (process.env.DLGRADE_REQUIRE_BLAS === '1') expect(blas, `native BLAS required but not loaded: ${status.reason}`).toBeDefined();
    if (blas) {
      expect(blas.about.length).toBeGreaterThan(0);
    } else {
      expect(status.reason).toMatch(/\w/);
    }
  });
});

/** A heap like the wasm backend's: one buffer, operands at byte offsets. */
function heap(floats: number, shared: boolean): { bytes: Uint8Array; f: Float32Array } {
  const buf = shared ? new SharedArrayBuffer(floats * 4) : new ArrayBuffer(floats * 4);
  return { bytes: new Uint8Array(buf), f: new Float32Array(buf) };
}

/** C = op(A) op(B) (+ C0) in float64 from the stored layouts. */
function reference(
  f: Float32Array, a: number, lda: number, tA: boolean, b: number, ldb: number, tB: boolean,
  c0: Float64Array | undefined, M: number, K: number, N: number,
): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = c0 ? c0[i * N + j] : 0;
      for (let k = 0; k < K; k++) s += f[a + (tA ? k * lda + i : i * lda + k)] * f[b + (tB ? j * ldb + k : k * ldb + j)];
      out[i * N + j] = s;
    }
  }
  return out;
}

describe.skipIf(!blas)(`sgemm through the bridge (${blas?.about ?? status.reason})`, () => {
  const rng = makeRng('native-blas');
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transA=%s transB=%s, odd sizes, padded strides, plain and accumulating', (tA, tB) => {
    for (const [M, K, N] of [[1, 1, 1], [3, 5, 7], [17, 33, 9], [64, 300, 129]]) {
      for (const accumulate of [false, true]) {
        const pad = 3; // row strides longer than the rows: the bridge must pass them through
        const lda = (tA ? M : K) + pad;
        const ldb = (tB ? K : N) + pad;
        const ldc = N + pad;
        const aRows = tA ? K : M;
        const bRows = tB ? N : K;
        const a = 4; // float offsets, not at 0
        const b = a + aRows * lda + 8;
        const c = b + bRows * ldb + 8;
        const total = c + M * ldc + 8;
        const h = heap(total, M > 10);
        for (let i = 0; i < total; i++) h.f[i] = rng.normal();
        const c0 = new Float64Array(M * N);
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) c0[i * N + j] = h.f[c + i * ldc + j];
        const guard = h.f[c + ldc - 1]; // a padding float between C's rows: must stay as it was
        const want = reference(h.f, a, lda, tA, b, ldb, tB, accumulate ? c0 : undefined, M, K, N);
        blas!.sgemm(h.bytes, a * 4, lda, tA ? 1 : 0, b * 4, ldb, tB ? 1 : 0, c * 4, ldc, M, K, N, accumulate ? 1 : 0);
        let err = 0;
        let scale = 0;
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            err = Math.max(err, Math.abs(h.f[c + i * ldc + j] - want[i * N + j]));
            scale = Math.max(scale, Math.abs(want[i * N + j]));
          }
        }
        expect(err / scale, `M=${M} K=${K} N=${N} accumulate=${accumulate}`).toBeLessThan(1e-5);
        expect(h.f[c + ldc - 1]).toBe(guard);
      }
    }
  });

  it('an empty inner dimension gives zeros, or leaves C as it was when accumulating', () => {
    const h = heap(64, false);
    h.f.fill(5);
    blas!.sgemm(h.bytes, 0, 1, 0, 0, 3, 0, 64, 3, 2, 0, 3, 0);
    expect([...h.f.slice(16, 22)]).toEqual([0, 0, 0, 0, 0, 0]);
    h.f.fill(5);
    blas!.sgemm(h.bytes, 0, 1, 0, 0, 3, 0, 64, 3, 2, 0, 3, 1);
    expect([...h.f.slice(16, 22)]).toEqual([5, 5, 5, 5, 5, 5]);
  });

  it('refuses operands outside the heap, misaligned or negative, and a heap that is not bytes', () => {
    const h = heap(256, true);
    h.f.fill(1);
    const before = Float32Array.from(h.f);
    // C's last row would end 4 bytes past the heap.
    expect(() => blas!.sgemm(h.bytes, 0, 4, 0, 0, 4, 0, 1024 - 60, 4, 4, 4, 4, 0)).toThrow(/outside the heap \(1024 bytes\).*c=964/);
    expect(() => blas!.sgemm(h.bytes, 0, 4, 0, 0, 4, 0, 2, 4, 4, 4, 4, 0)).toThrow(RangeError); // misaligned C
    expect(() => blas!.sgemm(h.bytes, 0, 2, 0, 0, 4, 0, 0, 4, 4, 4, 4, 0)).toThrow(RangeError); // lda shorter than a row
    expect(() => blas!.sgemm(h.bytes, -4, 4, 0, 0, 4, 0, 0, 4, 4, 4, 4, 0)).toThrow(/negative/);
    expect(() => blas!.sgemm(h.f as unknown as Uint8Array, 0, 4, 0, 0, 4, 0, 0, 4, 4, 4, 4, 0)).toThrow(/Uint8Array/);
    expect(h.f).toEqual(before);
  });
});

const SCRIPT = `
import * as tf from '@tensorflow/tfjs';
import { initEngine } from './harness/engine/backend.ts';
import { nativeBlasStatus } from './harness/engine/native/native-blas.ts';
const info = await initEngine('wasm');
const a = tf.randomNormal([96, 300], 0, 1, 'float32', 1);
const dy = tf.randomNormal([96, 200], 0, 1, 'float32', 3);
const g = Array.from(tf.matMul(a, dy, true, false).dataSync());
await tf.setBackend('cpu');
const gc = Array.from(tf.matMul(a, dy, true, false).dataSync());
const err = Math.max(...g.map((v, i) => Math.abs(v - gc[i]))) / Math.max(...gc.map(Math.abs));
console.log(JSON.stringify({ threads: info.threads, label: info.label, blas: info.blas ?? null, reason: nativeBlasStatus().reason ?? null, err }));
`;

function runChild(env: Record<string, string>): { status: number | null; out?: { threads: number; label: string; blas: string | null; reason: string | null; err: number }; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
    cwd: root,
    env: { ...process.env, VITEST: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  try {
    return { status: r.status, out: JSON.parse(r.stdout.trim().split('\n').pop() ?? ''), stderr: r.stderr };
  } catch {
    return { status: r.status, stderr: r.stderr };
  }
}

describe('the engine names the products it runs on', () => {
  it.skipIf(!blas)('with the BLAS: 2 threads on it, named in the label, same result as cpu', () => {
    const r = runChild({ DLGRADE_WASM_THREADS: '2' });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.out?.blas).toBeTruthy();
    expect(r.out?.label).toContain(`products on ${r.out?.blas}`);
    expect(r.out?.threads).toBe(2);
    expect(r.out?.err).toBeLessThan(1e-5);
  });

  it('DLGRADE_BLAS=0: the wasm GEMM, no BLAS in the label, same result', () => {
    const r = runChild({ DLGRADE_BLAS: '0', DLGRADE_WASM_THREADS: '1' });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.out?.blas).toBeNull();
    expect(r.out?.label).not.toContain('products on');
    expect(r.out?.err).toBeLessThan(1e-5);
  });

  it.skipIf(!blas)('a DLGRADE_BLAS library that cannot be opened is named in the reason, and the engine still runs', () => {
    const r = runChild({ DLGRADE_BLAS: '/nonexistent/libfastblas.so', DLGRADE_WASM_THREADS: '1' });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.out?.blas).toBeNull();
    expect(r.out?.reason).toContain('DLGRADE_BLAS=/nonexistent/libfastblas.so cannot be used: /nonexistent/libfastblas.so: ');
    expect(r.out?.err).toBeLessThan(1e-5);
  });
});
