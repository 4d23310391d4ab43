// The SIMD thread pool on a standalone shared memory (no tfjs): jobs on the worker compute what JS computes,
// survive memory.grow, a trap on a worker is reported with the export's name and leaves the pool usable,
// misuse and a silent worker are refused with clear errors, and a process using the pool exits by itself.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimdPool, sharedKernelsModule, type SimdPool } from './simd-pool.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const PAGE = 65536;
const module = sharedKernelsModule();

const pools: SimdPool[] = [];
function pool(memory: WebAssembly.Memory, threads: number, timeoutMs?: number): SimdPool {
  const p = createSimdPool(memory, module, threads, { timeoutMs });
  pools.push(p);
  return p;
}
afterAll(() => pools.forEach((p) => p.close()));

/** Deterministic values that differ at every index (a wrong index shows). */
function matrix(rows: number, cols: number, salt: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, i) => Math.fround(Math.sin(i * 0.37 + salt) * 100 + i));
}

function transposeJs(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  return out;
}

interface Job {
  src: number;
  dst: number;
  rows: number;
  cols: number;
  data: Float32Array;
}

/** Writes a rows x cols matrix at `src` in the memory and returns the transpose2d job for it. */
function place(memory: WebAssembly.Memory, src: number, dst: number, rows: number, cols: number, salt: number): Job {
  const data = matrix(rows, cols, salt);
  new Float32Array(memory.buffer, src, data.length).set(data);
  new Float32Array(memory.buffer, dst, data.length).fill(-1);
  return { src, dst, rows, cols, data };
}

function expectTransposed(memory: WebAssembly.Memory, job: Job): void {
  const got = new Float32Array(memory.buffer, job.dst, job.data.length).slice();
  expect(got).toEqual(transposeJs(job.data, job.rows, job.cols));
}

const argsOf = (j: Job): number[] => [j.src, j.dst, j.rows, j.cols];

describe('createSimdPool', () => {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 256, shared: true });
  const p = pool(memory, 2);

  it('runs one job on the calling thread and one on the worker, both correct', () => {
    // Odd sizes so both the SIMD blocks and the scalar edges of transpose2d are used.
    const a = place(memory, 0, 65536, 37, 53, 1);
    const b = place(memory, 131072, 196608, 64, 19, 2);
    p.run('transpose2d', [argsOf(a), argsOf(b)]);
    expectTransposed(memory, a);
    expectTransposed(memory, b);
    expect(p.threads).toBe(2);
  });

  it('carries f32 scalars to the worker exactly (sgd_f32: p - lr (g + wd p))', () => {
    const n = 1001;
    const [pAt, gAt, outA, outB] = [262144, 270336, 278528, 286720];
    const pv = matrix(1, n, 3);
    const gv = matrix(1, n, 4);
    new Float32Array(memory.buffer, pAt, n).set(pv);
    new Float32Array(memory.buffer, gAt, n).set(gv);
    const lr = 0.1;
    const wd = 0.003;
    // Same step on both threads into two outputs, no momentum (buf unused).
    const sgd = (out: number) => [pAt, gAt, 0, out, 0, n, lr, 0, 0, wd, 0, 1];
    p.run('sgd_f32', [sgd(outA), sgd(outB)]);
    const f = Math.fround;
    const want = pv.map((x, i) => f(x - f(f(lr) * f(gv[i] + f(f(wd) * x)))));
    expect(new Float32Array(memory.buffer, outB, n).slice()).toEqual(want);
    expect(new Float32Array(memory.buffer, outA, n).slice()).toEqual(want);
  });

  it('keeps working after memory.grow, on data beyond the old end', () => {
    const oldBytes = memory.buffer.byteLength;
    memory.grow(16);
    expect(memory.buffer.byteLength).toBe(oldBytes + 16 * PAGE);
    const a = place(memory, oldBytes, oldBytes + 4 * PAGE, 40, 33, 5);
    const b = place(memory, oldBytes + 8 * PAGE, oldBytes + 12 * PAGE, 17, 70, 6);
    p.run('transpose2d', [argsOf(a), argsOf(b)]);
    expectTransposed(memory, a);
    expectTransposed(memory, b);
  });

  it('reports a trap on the worker with the export name, and stays usable', () => {
    const a = place(memory, 0, 65536, 8, 8, 7);
    expect(() => p.run('transpose2d', [argsOf(a), [0x7ffffff0, 0, 4096, 4096]])).toThrow(
      /"transpose2d" failed on worker 1: RuntimeError: memory access out of bounds/,
    );
    expectTransposed(memory, a); // the caller's part still ran
    const b = place(memory, 131072, 196608, 21, 22, 8);
    const c = place(memory, 262144, 327680, 23, 24, 9);
    p.run('transpose2d', [argsOf(b), argsOf(c)]);
    expectTransposed(memory, b);
    expectTransposed(memory, c);
  });

  it('runQueue: many jobs taken by both threads, each done once, and back-to-back queues stay separate', () => {
    const mem = new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true });
    const q = pool(mem, 2);
    for (let round = 0; round < 20; round++) {
      const jobs = Array.from({ length: 24 }, (_, i) => place(mem, i * 65536, (32 + i) * 65536, 13 + i, 17 + round, round * 100 + i));
      q.runQueue('transpose2d', jobs.map(argsOf));
      for (const j of jobs) expectTransposed(mem, j);
    }
  });

  it('runQueue: a trapping job is reported with the export name; the others run; the pool stays usable', () => {
    const mem = new WebAssembly.Memory({ initial: 16, maximum: 256, shared: true });
    const q = pool(mem, 2);
    const jobs = [0, 1, 2, 3].map((i) => place(mem, i * 65536, (8 + i) * 65536, 9, 10, i));
    const args = jobs.map(argsOf);
    args.splice(2, 0, [0x7ffffff0, 0, 4096, 4096]);
    expect(() => q.runQueue('transpose2d', args)).toThrow(/"transpose2d" failed on .*job 2: RuntimeError: memory access out of bounds/);
    for (const j of jobs) expectTransposed(mem, j);
    const again = place(mem, 0, 65536, 11, 12, 42);
    q.runQueue('transpose2d', [argsOf(again), argsOf(place(mem, 131072, 196608, 5, 6, 43))]);
    expectTransposed(mem, again);
  });

  it("reports a trap on the calling thread after the worker's part is done", () => {
    const b = place(memory, 131072, 196608, 30, 31, 10);
    expect(() => p.run('transpose2d', [[0x7ffffff0, 0, 4096, 4096], argsOf(b)])).toThrow(/"transpose2d" failed on calling thread: RuntimeError/);
    expectTransposed(memory, b);
  });

  it('refuses more argument lists than threads, and unknown exports', () => {
    expect(() => p.run('transpose2d', [[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]])).toThrow(/"transpose2d" got 3 argument lists for a pool of 2 thread/);
    expect(() => p.run('transpose3d', [[0, 0, 1, 1]])).toThrow(/no exported function "transpose3d"/);
  });

  it('refuses a memory that is not shared', () => {
    const plain = new WebAssembly.Memory({ initial: 1, maximum: 16 });
    expect(() => createSimdPool(plain, module, 2)).toThrow(/memory is not shared/);
  });

  it('throws naming the export when a worker does not answer in time, then refuses to run', () => {
    // A 2048 x 2048 transpose takes milliseconds; a fresh worker alone takes longer than 1 ms to start.
    const big = new WebAssembly.Memory({ initial: 520, maximum: 600, shared: true });
    const q = pool(big, 2, 1);
    const n = 2048;
    expect(() => q.run('transpose2d', [[0, 64, 4, 4], [128, 128 + n * n * 4, n, n]])).toThrow(/"transpose2d" on worker 1 did not finish within 1 ms/);
    expect(q.closed).toBe(true);
    expect(() => q.run('transpose2d', [[0, 64, 4, 4]])).toThrow(/pool worker 1 did not answer "transpose2d"/);
  });

  it('lets a process that used it exit by itself', () => {
    const script = `
      import { createSimdPool, sharedKernelsModule } from './harness/engine/wasm-simd/simd-pool.ts';
      const memory = new WebAssembly.Memory({ initial: 4, maximum: 16, shared: true });
      createSimdPool(memory, sharedKernelsModule(), 2).run('transpose2d', [[0, 1024, 4, 4], [2048, 4096, 4, 4]]);
      console.log('ran');
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status, `child failed or hung: ${r.stderr.slice(-2000)}`).toBe(0);
    expect(r.stdout.trim()).toBe('ran');
  });
});
