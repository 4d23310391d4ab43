import * as tf from '@tensorflow/tfjs';
import { installWasmKernels } from './kernels/index.ts';
import { nativeBlasLabel, nativeBlasStatus } from './native/native-blas.ts';
import { useThreadedWasm, wantedThreads } from './wasm-threads.ts';
import { installLazyFusedGradients } from './lazy-fused-grads.ts';
import { installFastRandom } from './random-init.ts';
import { simdKernels, simdUnavailable } from './wasm-simd/simd.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface EngineInfo {
  /** Backend family as users name it: tensorflow (tfjs-node or tfjs-node-gpu), wasm or cpu. */
  backend: BackendName;
  /** Human-readable engine line, e.g. "tfjs 4.22.0 wasm (simd, 1 thread, dlgrade kernels)". */
  label: string;
  tfjsVersion: string;
  /** Which npm package provides it when backend is tensorflow. */
  package?: string;
  threads?: number;
  kernels?: string[];
  /** The native BLAS the wasm backend's matrix products run on, when there is one (native/native-blas.ts). */
  blas?: string;
}

let current: EngineInfo | undefined;

export function isBackendName(s: string): s is BackendName {
  return (BACKENDS as readonly string[]).includes(s);
}

async function tryTensorflow(): Promise<EngineInfo | undefined> {
  // Optional dependencies: their install downloads libtensorflow and fails offline, so they are often absent.
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      await tf.setBackend('tensorflow');
      await tf.ready();
      return { backend: 'tensorflow', package: pkg, tfjsVersion: tf.version.tfjs, label: `tfjs ${tf.version.tfjs} ${pkg}` };
    } catch {
      // not installed or libtensorflow missing: try the next one
    }
  }
  return undefined;
}

async function tryWasm(): Promise<EngineInfo> {
  await import('@tensorflow/tfjs-backend-wasm');
  // With a native BLAS (native/native-blas.ts) the products, nearly all of a step's work, run on its threads,
  // and the single-threaded wasm build keeps our wasm pool from competing with them for the same cores
  // (measured: ResNet-18 step 70 ms vs 74 with both). Without one, the threaded build runs our pool
  // (DLGRADE_WASM_THREADS > 1): see wasm-threads.ts.
  const blas = nativeBlasStatus().blas;
  const blasLabel = blas ? nativeBlasLabel() : undefined;
  const threading = useThreadedWasm(blas ? 1 : wantedThreads());
  const kernels = installWasmKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  await tf.ready();
  // Layer initialisers draw from these; same values, a wasm loop instead of a JS call per value.
  await installFastRandom();
  const threads = Math.max(threading.threads, blas?.threads ?? 1);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  // Our SIMD kernels run most of a training step; without them (a bundle that lost them, no SIMD) training is
  // ~3x slower, which the label must show rather than hide.
  const ours = simd && kernels.length && !simdKernels(tf.backend() as Parameters<typeof simdKernels>[0]) ? [`without dlgrade SIMD kernels: ${simdUnavailable() ?? 'unavailable'}`] : [];
  const parts = [
    simd ? 'simd' : 'no simd',
    `${threads} thread${threads === 1 ? '' : 's'}`,
    ...(kernels.length ? ['dlgrade kernels'] : []),
    ...ours,
    ...(blasLabel ? [`products on ${blasLabel}`] : []),
  ];
  const why = threading.fallbackReason && threading.fallbackReason !== 'one thread requested' ? `; threads unavailable: ${threading.fallbackReason}` : '';
  return {
    backend: 'wasm',
    tfjsVersion: tf.version.tfjs,
    threads,
    kernels,
    ...(blasLabel ? { blas: blasLabel } : {}),
    label: `tfjs ${tf.version.tfjs} wasm (${parts.join(', ')}${why})`,
  };
}

async function useCpu(): Promise<EngineInfo> {
  await tf.setBackend('cpu');
  await tf.ready();
  return { backend: 'cpu', tfjsVersion: tf.version.tfjs, threads: 1, label: `tfjs ${tf.version.tfjs} cpu (pure JS)` };
}

/**
 * Chooses and initialises the backend. An explicit choice (argument, else DLGRADE_BACKEND) must load or
 * this throws; without one, the fastest that loads wins: tfjs-node-gpu, tfjs-node, wasm, cpu.
 */
export async function initEngine(requested?: string): Promise<EngineInfo> {
  const want = requested ?? process.env.DLGRADE_BACKEND ?? '';
  // PROD silences tfjs's "install tfjs-node" banner on the cpu backend (we choose backends ourselves and
  // name the engine in every result) and skips its debug-only checks.
  tf.env().set('PROD', true);
  if (current && (!want || want === current.backend)) return current;
  if (want && !isBackendName(want)) {
    throw new Error(`unknown backend "${want}" (from ${requested ? '--backend' : 'DLGRADE_BACKEND'}); choose one of ${BACKENDS.join(', ')}`);
  }
  let info: EngineInfo | undefined;
  if (want === 'tensorflow') {
    info = await tryTensorflow();
    if (!info) throw new Error('backend "tensorflow" requested but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node loads here (their install needs internet to download libtensorflow)');
  } else if (want === 'wasm') info = await tryWasm();
  else if (want === 'cpu') info = await useCpu();
  else {
    info = await tryTensorflow();
    if (!info) {
      try {
        info = await tryWasm();
      } catch {
        info = await useCpu();
      }
    }
  }
  // Dense layers then skip the gradient of their data input (see lazy-fused-grads.ts); every backend gains.
  installLazyFusedGradients();
  current = info;
  return info;
}

/** The engine in use; throws if initEngine has not run (every result must name its engine). */
export function engineInfo(): EngineInfo {
  if (!current) throw new Error('engine not initialised: call initEngine() first');
  return current;
}
