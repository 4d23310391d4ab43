// `dlgrade/layers`: the layers a submission may use in its models besides tfjs's built-in ones. Each is
// registered with tfjs's serialization (importing this module registers them), in the sandbox and in the
// grader alike, so a model that uses them crosses the sandbox boundary as data and is rebuilt in the grader
// with the harness's own implementation. One line per layer; the layer lives in its own file.
export { AdaptiveAvgPool2d } from '../models/adaptive-avg-pool.ts';
export { LocalResponseNorm } from '../models/local-response-norm.ts';
export { ResizeBilinear } from '../models/resize-bilinear.ts';
export { SpatialDropout2d } from '../models/spatial-dropout2d.ts';
export { BatchNorm2d } from '../models/batch-norm2d.ts';
