// The machine's BLAS (OpenBLAS, MKL, BLIS or Apple's Accelerate) for the engine's matrix products, through
// the small N-API bridge in blas-bridge.c (built by `npm install`, see build.mjs). It multiplies tensors
// where they lie on tfjs's wasm heap, at native SIMD width: measured here, OpenBLAS's sgemm runs the
// ResNet-18 and FC products at ~110 GFLOP/s on one core and ~200 on two, against ~45 / ~70 for our 128-bit
// wasm GEMM (wasm SIMD has no wider vectors). Where the bridge was not built or no fast BLAS is installed,
// gemm.ts keeps the wasm GEMM; results agree to float rounding either way.
//
// DLGRADE_BLAS=0 turns it off; DLGRADE_BLAS=/path/to/libblas.so picks the library. The reference BLAS
// (libblas.so.3 from netlib) is never chosen by default: it is slower than the wasm GEMM.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wantedThreads } from '../wasm-threads.ts';

interface Bridge {
  open(library: string): string;
  about(): string | undefined;
  threads(n?: number): number;
  sgemm(
    heap: Uint8Array, a: number, lda: number, transA: number, b: number, ldb: number, transB: number,
    c: number, ldc: number, M: number, K: number, N: number, accumulate: number,
  ): void;
}

export interface NativeBlas {
  /** The library as opened (a path or a soname). */
  library: string;
  /** The library's own description (OpenBLAS: version and kernel) or its path. */
  about: string;
  /** Threads the BLAS reports using (0 when it cannot say). */
  threads: number;
  /**
   * C[M, N] = op(A)[M, K] op(B)[K, N] (+ C when accumulate), row-major, a/b/c byte offsets into heap; A stored
   * [K, M] when transA, B stored [N, K] when transB. Throws a RangeError for an operand outside the heap.
   */
  sgemm: Bridge['sgemm'];
}

/** Tests switch the native products off to run the wasm GEMM on the same cases. */
export const blasPaths = { native: true };

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Libraries tried in order: fast BLASes only, by the names their packages install. */
function candidates(): string[] {
  if (process.platform === 'darwin') {
    return [
      '/System/Library/Frameworks/Accelerate.framework/Accelerate',
      '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
      '/usr/local/opt/openblas/lib/libopenblas.dylib',
    ];
  }
  return ['libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0', 'libmkl_rt.so.2', 'libmkl_rt.so', 'libblis.so.4', 'libblis.so.3', 'libblis.so'];
}

let state: { blas?: NativeBlas; reason?: string } | undefined;

function load(): { blas?: NativeBlas; reason?: string } {
  const setting = process.env.DLGRADE_BLAS ?? '';
  if (setting === '0' || setting === 'off') return { reason: 'off (DLGRADE_BLAS=0)' };
  const addon = path.join(here, 'build', 'Release', 'dlgrade_blas.node');
  if (!fs.existsSync(addon)) return { reason: 'bridge not built (npm install builds it with node-gyp; needs a C compiler)' };
  let bridge: Bridge;
  try {
    bridge = require(addon) as Bridge;
  } catch (err) {
    return { reason: `bridge ${addon} does not load: ${(err as Error).message}` };
  }
  const tried: string[] = [];
  for (const lib of setting ? [setting] : candidates()) {
    const why = bridge.open(lib);
    if (why === '') {
      const threads = bridge.threads(wantedThreads());
      return { blas: { library: lib, about: bridge.about() ?? lib, threads, sgemm: bridge.sgemm } };
    }
    tried.push(`${lib}: ${why}`);
  }
  return {
    reason: setting
      ? `DLGRADE_BLAS=${setting} cannot be used: ${tried[0]}`
      : `no fast BLAS found (tried ${candidates().join(', ')}; Debian: apt-get install libopenblas0)`,
  };
}

/** How the native products stand: the BLAS in use, or why there is none. Loaded once per process. */
export function nativeBlasStatus(): { blas?: NativeBlas; reason?: string } {
  state ??= load();
  return state;
}

/** The BLAS for products, or undefined (wasm GEMM) when there is none or tests switched it off. */
export function nativeBlas(): NativeBlas | undefined {
  return blasPaths.native ? nativeBlasStatus().blas : undefined;
}

/** One line for engine labels: "OpenBLAS 0.3.21 (Haswell kernels, 2 threads)" style, or "". */
export function nativeBlasLabel(): string {
  const b = nativeBlasStatus().blas;
  if (!b) return '';
  const m = /^OpenBLAS (\S+).*?\b(\w+) MAX_THREADS/.exec(b.about);
  const name = m ? `OpenBLAS ${m[1]} (${m[2]} kernels)` : path.basename(b.library);
  return `${name}${b.threads ? `, ${b.threads} thread${b.threads === 1 ? '' : 's'}` : ''}`;
}
