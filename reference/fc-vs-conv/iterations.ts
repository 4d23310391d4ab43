import type { Iteration } from '../../assignments/fc-vs-conv/contract.ts';
import { createConvNet, skeletonConvNet } from './convnet.ts';
// BEGIN SOLUTION
import { bottleneckConvNet } from './convnet.ts';
// END SOLUTION

////////////////////////////////////////////////////////////////////////////////
//                         D. Your iterations                                 //
// At least two architectures you tried, in order, with the parameter count   //
// and held-out accuracy YOU measured: `npx tsx experiments.ts` trains each   //
// one with the grader's budget and prints both. The grader recounts and      //
// retrains every entry; answers.md (D.1) discusses them.                     //
////////////////////////////////////////////////////////////////////////////////
export const ITERATIONS: Iteration[] = [
  // BEGIN SOLUTION
  {
    name: 'skeleton',
    description: "the notebook's suggested skeleton: conv 3x3 (8), conv 3x3 (16), max pool 2x2, Linear(4096, 10)",
    build: () => skeletonConvNet(),
    params: 42_362,
    accuracy: 64.4,
  },
  {
    name: 'bottleneck-small',
    description: 'five bottleneck residual blocks (3-8-16, 16-8-16, max pool, 16-16-32, 32-16-32, 32-16-32), adaptive avg pool 8x8, Linear(2048, 10)',
    build: () => bottleneckConvNet(),
    params: 32_946,
    accuracy: 70.3,
  },
  // END SOLUTION
  // BEGIN STARTER
  // // { name: 'skeleton', description: "the notebook's suggested skeleton", build: () => skeletonConvNet(), params: 0, accuracy: 0 },
  // // { name: 'my-convnet', description: '...', build: () => createConvNet(), params: 0, accuracy: 0 },
  // END STARTER
];
