// EE449 HW1, reference solution: every export of assignments/ee449-hw1/contract.ts.
export { sigmoid, sigmoidDerivative, tanh, tanhDerivative, relu, reluDerivative, meanSquaredError, MLP } from './mlp-scratch.ts';
export { createXorDataset } from './xor-data.ts';
export { convOutputSize, myConv2d } from './conv2d-scratch.ts';
export { createModel } from './models.ts';
export { trainAndRecord, firstLayerGradientNorm, trainAndRecordGradients } from './recorder.ts';
export { PlateauSchedule, trainScheduled } from './schedule.ts';
