// `dlgrade/kit/models`: the harness's own ports of the seed architectures and PyTorch-default layers, for
// grader-side expectations (the shapes of table B.1, a baseline trained next to the student's model).
// Grading code only: a submission writes its own models.
export { convNet } from '../models/convnet.ts';
export { fullyConnectedClassifier } from '../models/fully-connected.ts';
export { baselineNN } from '../models/baseline-nn.ts';
export { tinyVGG } from '../models/tiny-vgg.ts';
export { alexNetCIFAR } from '../models/alexnet.ts';
export { resNet18 } from '../models/resnet18.ts';
export { experiment4Cnn, experiment4Params, EXPERIMENT4_CHANNELS } from '../models/experiment4-cnn.ts';
export { activationLayer, batchNorm, ACTIVATIONS, isActivationName, type ActivationName } from '../models/torch-layers.ts';
export { localResponseNorm, TORCH_LRN_DEFAULTS, type LrnParams } from '../models/local-response-norm.ts';
export { adaptiveAvgPool2d } from '../models/adaptive-avg-pool.ts';
export { formatShapeHWC, summarizeModel } from '../checks/model-summary.ts';
