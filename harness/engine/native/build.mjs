// npm's postinstall: builds the native BLAS bridge (blas-bridge.c) with node-gyp. Optional: when it cannot
// be built (no C compiler, no Node headers offline, Windows) the install still succeeds and the engine keeps
// its wasm GEMM; `dlgrade bench` and the engine label say which one runs. DLGRADE_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function nodeGyp() {
  // npm hands its bundled node-gyp to lifecycle scripts; outside npm, look beside this node's npm.
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && fs.existsSync(p));
}

function nodeDir() {
  // Offline machines have Node's headers installed with Node itself (Debian: /usr/include/node); node-gyp
  // would otherwise download them.
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

function main() {
  if (process.env.DLGRADE_NATIVE === '0') return 'skipped (DLGRADE_NATIVE=0)';
  if (process.platform === 'win32') return 'not built on Windows (the bridge uses dlopen)';
  const gyp = nodeGyp();
  if (!gyp) return 'node-gyp not found (it ships with npm)';
  const dir = nodeDir();
  const r = spawnSync(process.execPath, [gyp, 'rebuild', ...(dir ? [`--nodedir=${dir}`] : [])], { cwd: here, encoding: 'utf8', timeout: 300_000 });
  if (r.status === 0) return '';
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').filter((l) => /error|ERR!/i.test(l)).slice(0, 4).join('\n  ');
  return `node-gyp failed (${r.error?.message ?? `exit ${r.status}`})${tail ? `:\n  ${tail}` : ''}`;
}

const why = main();
if (why) {
  console.warn(`dlgrade: native BLAS bridge not built: ${why}\ndlgrade: the engine will use its wasm GEMM (slower, same results within float rounding).`);
} else {
  console.log('dlgrade: native BLAS bridge built (harness/engine/native/build/Release/dlgrade_blas.node)');
}
