// fc-vs-conv (seed 003), reference solution: every export of assignments/fc-vs-conv/contract.ts.
export { createSimpleMLP } from './simple-mlp.ts';
export { trainEpoch, testAccuracy } from './training.ts';
export { createConvNet, skeletonConvNet } from './convnet.ts';
export { createBottleneckResBlock } from './bottleneck.ts';
export { ITERATIONS } from './iterations.ts';
