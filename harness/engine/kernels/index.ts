// Training kernels we register on the wasm backend: upstream tfjs-backend-wasm 4.22 lacks some
// gradients (Conv2DBackpropFilter, depthwise conv gradients) and is slow on others (transposed
// matmuls). Each file in this folder registers one family; this list is the only place that knows them all.
export type KernelInstaller = () => void;

const installers: { name: string; install: KernelInstaller }[] = [];

/** Called once at module load by each kernel file. */
export function addWasmKernels(name: string, install: KernelInstaller): void {
  installers.push({ name, install });
}

let installed = false;
/** Registers every kernel family on the wasm backend; idempotent. Returns the family names. */
export async function installWasmKernels(): Promise<string[]> {
  if (!installed) {
    installed = true;
    // Each import registers itself through addWasmKernels; keep this list in sync with the folder.
    await import('./all.ts');
    for (const k of installers) k.install();
  }
  return installers.map((k) => k.name);
}
