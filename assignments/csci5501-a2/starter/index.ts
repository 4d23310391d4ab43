// CSCI-5501 Assignment 2, reference solution: every export of assignments/csci5501-a2/contract.ts.
export { createFullyConnectedClassifier } from './fully-connected.ts';
export { SHAPE_TABLE, createConvNet } from './convnet.ts';
export { Trainer } from './trainer.ts';
export { createModel } from './factory.ts';
export { createDataPipeline } from './pipeline.ts';
export { createResNet18 } from './resnet18.ts';
export { resizeImages } from './resize.ts';
