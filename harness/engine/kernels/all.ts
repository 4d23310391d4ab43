// One import per kernel family file in this folder (each calls addWasmKernels at load).
import './conv2d-backprop-filter.ts';
import './conv2d-backprop-input.ts';
import './depthwise-conv2d-grads.ts';
import './pool-grads.ts';
import './tile.ts';
import './matmul.ts';
import './identity.ts';
import './channel-ops.ts';
import './conv2d-forward.ts';
import './batchnorm-train.ts';
export {};
