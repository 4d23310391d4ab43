// Lab 4: CNN (AlexNet), reference solution: every export of assignments/lab4-alexnet/contract.ts.
export { createBaselineNN } from './baseline-nn.ts';
export { localResponseNorm } from './lrn.ts';
export { adaptiveAvgPool2d } from './adaptive-pool.ts';
export { createAlexNet } from './alexnet.ts';
export { createTinyVGG } from './tiny-vgg.ts';
export { getOptimizerScheduler } from './optim.ts';
export { evaluate, getPredictions, trainModel, trainOneEpoch } from './train.ts';
export { classificationReport, confusionMatrix, f1Scores, normalizeConfusionMatrix } from './metrics.ts';
export { formatClassificationReport } from './report-text.ts';
export { modelSizeMb, summarizeResults } from './summary.ts';
