// The engine bundled the way the grading sandbox runs it (harness/runner/bundle-submission.ts: esbuild, one
// file in a scratch folder, packages left external) and started under Node's permission model, reading only
// that folder and node_modules: our SIMD kernels must still load there. They once did not (the .wasm files
// were read from beside simd.ts, which a bundle is not), and sandboxed training ran ~3x slower, silently.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { detectSandbox } from '../../runner/sandbox.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const ENTRY = `
import * as tf from '@tensorflow/tfjs';
import { initEngine } from ${JSON.stringify(path.join(root, 'harness/engine/backend.ts'))};
import { simdKernels } from ${JSON.stringify(path.join(root, 'harness/engine/wasm-simd/simd.ts'))};
const info = await initEngine('wasm');
console.log(JSON.stringify({ label: info.label, simd: simdKernels(tf.backend()) !== undefined }));
`;

describe('the engine in a bundle, under the permission model', () => {
  it('loads its SIMD kernels (and says so in the label)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlgrade-engine-bundle-'));
    fs.writeFileSync(path.join(dir, 'entry.ts'), ENTRY);
    await esbuild.build({
      entryPoints: [path.join(dir, 'entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: path.join(dir, 'out', 'engine.mjs'),
      logLevel: 'silent',
      plugins: [
        {
          // Packages resolve from the repository and stay external, as in the grader's bundles.
          name: 'external-packages',
          setup(build) {
            build.onResolve({ filter: /^@tensorflow\/|^seedrandom/ }, async (args) => {
              if ((args.pluginData as { inner?: boolean } | undefined)?.inner) return undefined;
              const r = await build.resolve(args.path, { kind: args.kind, resolveDir: root, pluginData: { inner: true } });
              return { path: pathToFileURL(r.path).href, external: true };
            });
          },
        },
      ],
    });
    const flag = detectSandbox().permissionFlag; // the flag this Node spells
    const r = spawnSync(
      process.execPath,
      [flag, `--allow-fs-read=${path.join(dir, 'out')}`, `--allow-fs-read=${path.join(root, 'node_modules')}`, '--disable-warning=ExperimentalWarning', path.join(dir, 'out', 'engine.mjs')],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DLGRADE_WASM_THREADS: '1', DLGRADE_WASM_SIMD: '' } },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { label: string; simd: boolean };
    expect(out.simd, out.label).toBe(true);
    expect(out.label).not.toMatch(/without dlgrade SIMD kernels/);
  }, 60_000);
});
