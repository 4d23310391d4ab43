// The threaded SIMD wasm build under Node: it loads with the requested threads, computes what cpu computes,
// and a process that used it still exits on its own (its pthread workers must not keep it alive).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const SCRIPT = `
import * as tf from '@tensorflow/tfjs';
import { initEngine } from './harness/engine/backend.ts';
const info = await initEngine('wasm');
const a = tf.randomNormal([96, 300], 0, 1, 'float32', 1);
const b = tf.randomNormal([300, 200], 0, 1, 'float32', 2);
const dy = tf.randomNormal([96, 200], 0, 1, 'float32', 3);
const w = Array.from(tf.matMul(a, b).dataSync());
const g = Array.from(tf.matMul(a, dy, true, false).dataSync());
await tf.setBackend('cpu');
const wc = Array.from(tf.matMul(a, b).dataSync());
const gc = Array.from(tf.matMul(a, dy, true, false).dataSync());
const err = (x, y) => Math.max(...x.map((v, i) => Math.abs(v - y[i]))) / Math.max(...y.map(Math.abs));
console.log(JSON.stringify({ threads: info.threads, label: info.label, err: Math.max(err(w, wc), err(g, gc)) }));
`;

function runChild(threads: string): { status: number | null; out: { threads: number; label: string; err: number } | undefined; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
    cwd: root,
    // The threaded build is what runs without a native BLAS (with one, the products run on its threads).
    env: { ...process.env, DLGRADE_WASM_THREADS: threads, DLGRADE_BLAS: '0', VITEST: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let out;
  try {
    out = JSON.parse(line) as { threads: number; label: string; err: number };
  } catch {
    out = undefined;
  }
  return { status: r.status, out, stderr: r.stderr, ms: Date.now() - t0 };
}

describe('threaded wasm backend', () => {
  it('runs our kernels on 2 threads, matches cpu, and the process exits by itself', () => {
    const r = runChild('2');
    expect(r.status, `child failed or hung (${r.ms} ms): ${r.stderr.slice(-2000)}`).toBe(0);
    expect(r.out?.threads, r.out?.label).toBe(2);
    expect(r.out?.err).toBeLessThan(1e-5);
  });

  it("DLGRADE_WASM_THREADS=1 keeps tfjs's own single-threaded loader", () => {
    const r = runChild('1');
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.out?.threads).toBe(1);
  });

  it('refuses a malformed thread count, naming the variable', () => {
    const r = runChild('two');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/DLGRADE_WASM_THREADS must be a positive integer, got "two"/);
  });
});
