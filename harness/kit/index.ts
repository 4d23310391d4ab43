// `dlgrade/kit`: what an assignment's suites and grader-side checks use (docs/authoring.md). Everything here
// runs in the grader; the probes' side is `dlgrade/kit/probe`.
import './layers.ts';

// The submission, and models rebuilt from what it returns
export { useSubmission, type Submission } from './suite.ts';
export { rebuildModel, REBUILD_LIMITS } from './rebuild.ts';
export { isModelData, type ModelData, type WeightData } from './model-data.ts';
export { ProbeError, type CallOptions } from '../runner/submission.ts';
export { bundleImports, bundleReach } from './bundle-imports.ts';

// Models, as the grader reads them
export { inspectModel, layerTable, modelArtifact, type LayerInfo, type ModelInspection } from './inspect-model.ts';
export { activationOf, architectureTokens, firstDifference, type TorchActivation } from './architecture.ts';
export { countParameters, trainableParameterCount, type ParameterCount } from '../checks/parameter-count.ts';
export { initLikeTorch } from '../engine/torch-init.ts';
export { TorchAdam } from '../engine/optimizers/torch-adam.ts';
export { TorchSgd } from '../engine/optimizers/torch-sgd.ts';
export { trainClassifier, type TrainBudget, type TrainOptions, type TrainResult } from './train-cache.ts';
export { timed } from './timings.ts';
export { firstWellPosed, nudged, onWasmProducts, spreadOf, steppedSeed, NUDGE, WELL_POSED, type Side, type WellPosed, type WellPosedOptions } from './well-posed.ts';
export { walkLayers } from '../engine/layer-walk.ts';

// Seeds and the assignment's spec
export { seed, testSpec, thresholdOf, assignmentSpec } from '../runner/context.ts';
export { runSeed, runRng } from '../runner/run-seed.ts';
export { makeRng, permutation, type Rng } from '../engine/seed.ts';

// Feedback and scoring
export type { ArtifactKind, ArtifactValue } from '../types/dlgrade-meta.ts';
export { GradingFailure, attachArtifact, expectClose, expectEqual, expectShape, expectThreshold, flagManual, gradeParts, note, partialCredit, type Part } from '../checks/report-helpers.ts';

// Reference maths (float64) and inputs
export * from './maths.ts';
export { blobs, batchSizes, randomImages, uniformValues, type ImageSpec } from './inputs.ts';
export { toRawImages, type RawImages } from './raw-images.ts';
export { loaderOrder } from './probe.ts';
export { fmtShape, num } from './format.ts';

// Data
export { loadMnist } from '../data/mnist.ts';
export { syntheticImages } from '../data/synthetic.ts';
export { makeDataset, subset, type ImageDataset } from '../data/dataset.ts';
export { channelStats } from '../data/normalize.ts';

// The engine, for a student's experiments script that trains outside grading (wasm + the harness's kernels).
export { engineInfo, initEngine } from '../engine/backend.ts';
