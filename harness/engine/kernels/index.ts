// Training kernels we register on the wasm backend: upstream tfjs-backend-wasm 4.22 lacks some gradients
// (Conv2DBackpropFilter, depthwise conv gradients) and is slow on others (transposed matmuls). Each file of
// this folder exports one family (a KernelFamily); this list is the only place that knows them all, in
// installation order (channel ops wrap upstream kernels that later families may call).
import { batchNormTrainKernels } from './batchnorm-train.ts';
import { channelOpKernels } from './channel-ops.ts';
import { conv2DBackpropFilterKernels } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputKernels } from './conv2d-backprop-input.ts';
import { conv2DForwardKernels } from './conv2d-forward.ts';
import { depthwiseConv2dGradKernels } from './depthwise-conv2d-grads.ts';
import { identityKernels } from './identity.ts';
import type { KernelFamily } from './kernel-family.ts';
import { matMulKernels } from './matmul.ts';
import { poolGradKernels } from './pool-grads.ts';
import { reluGradKernels } from './relu-grad.ts';
import { tileKernels } from './tile.ts';

export const KERNEL_FAMILIES: readonly KernelFamily[] = [
  conv2DBackpropFilterKernels,
  conv2DBackpropInputKernels,
  depthwiseConv2dGradKernels,
  poolGradKernels,
  tileKernels,
  matMulKernels,
  identityKernels,
  channelOpKernels,
  conv2DForwardKernels,
  batchNormTrainKernels,
  reluGradKernels,
];

let installed = false;
/** Registers every kernel family on the wasm backend; idempotent. Returns the family names. */
export function installWasmKernels(): string[] {
  if (!installed) {
    installed = true;
    for (const k of KERNEL_FAMILIES) k.install();
  }
  return KERNEL_FAMILIES.map((k) => k.name);
}
