// Experiment-4 (seed 001): every export of contract.ts. Each file says which part it is.
export { createCnn } from './model.ts';
export { convOutputSize } from './theory.ts';
export { crossEntropyLoss, mixupCriterion } from './loss.ts';
export { AdamW } from './adamw.ts';
export { OneCycleLR } from './one-cycle.ts';
export { mixupData } from './mixup.ts';
export { clipGradNorm } from './clip.ts';
export { applyAutoAugmentOp, autoAugment } from './autoaugment.ts';
export { trainTransform, testTransform } from './transforms.ts';
export { Trainer } from './trainer.ts';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.ts';
export { perClassAccuracy, confusionMatrix, mostConfusedPairs } from './analysis.ts';
