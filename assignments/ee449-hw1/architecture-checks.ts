// Part 3 checks on a submission's model as the grader rebuilt it: the layer sequence and the intermediate
// shapes the seed writes in its comments, PyTorch's parameter counts layer by layer, and (part 4) that the
// sigmoid version differs from the ReLU version only in its activations. Messages name the first layer that
// differs, what was expected and what came, and the exercise to look at.
import { architectureTokens, GradingFailure, num, type LayerInfo, type ModelInspection } from 'dlgrade/kit';
import { expectedLayers, GOLDEN_PARAMS, type ArchName, type HiddenActivation } from './architectures.ts';

export interface LayerRow {
  token: string;
  /** Output shape without the batch axis. */
  shape: number[];
}

/** One row per operation (an activation inside a Conv2D/Dense config is a row of its own, same shape). */
export function layerRows(layers: readonly LayerInfo[]): LayerRow[] {
  return layers.flatMap((l) => architectureTokens([l]).map((token) => ({ token, shape: l.outputShape.slice(1).map((d) => d ?? -1) })));
}

const hwc = (s: readonly number[]) => (s.length === 1 ? `${num(s[0])}` : s.join('x'));
/** Bias is the parameter check's business (3.params), not the layer sequence's. */
const noBias = (t: string) => t.replace(', no bias', '');

/** The seed's model definition line for the report's messages. */
export const SEED_CLASS: Record<ArchName, string> = { mlp_1: 'MLP1', mlp_2: 'MLP2', cnn_3: 'CNN3', cnn_4: 'CNN4', cnn_5: 'CNN5' };

/** Layer sequence and intermediate shapes against the seed's (3.1). Throws a GradingFailure naming the first difference. */
export function checkArchitecture(arch: ArchName, activation: HiddenActivation, layers: readonly LayerInfo[], where: string): void {
  const got = layerRows(layers);
  const want = expectedLayers(arch, activation);
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i];
    const w = want[i];
    if (g && w && noBias(g.token) === noBias(w.token) && g.shape.join() === w.shape.join()) continue;
    const seq = `\nExpected: ${want.map((r) => `${noBias(r.token)} -> ${hwc(r.shape)}`).join(', ')}\nGot:      ${got.map((r) => `${noBias(r.token)} -> ${hwc(r.shape)}`).join(', ')}`;
    if (!g || !w) {
      throw new GradingFailure(`${where}: expected ${want.length} operations, got ${got.length}; operation ${i + 1} is ${w ? `missing (expected ${noBias(w.token)})` : `extra (${noBias(g!.token)})`} (3.1: ${SEED_CLASS[arch]}, layer by layer)${seq}`);
    }
    if (noBias(g.token) !== noBias(w.token)) {
      throw new GradingFailure(`${where}: operation ${i + 1}: expected ${noBias(w.token)}, got ${noBias(g.token)} (3.1: ${SEED_CLASS[arch]}; valid padding, stride 1, 2x2 max pool with stride 2, ${activation} after every convolution and hidden Dense layer)${seq}`);
    }
    const flat = w.token === 'Flatten' ? ` (${flattenHint(got, i)})` : '';
    throw new GradingFailure(`${where}: after operation ${i + 1} (${noBias(w.token)}) the output is ${hwc(g.shape)}, expected ${hwc(w.shape)} (HxWxC)${flat} (3.1: ${SEED_CLASS[arch]}'s shapes, e.g. a 3x3 'valid' convolution takes 32x32 to 30x30)${seq}`);
  }
}

function flattenHint(got: readonly LayerRow[], i: number): string {
  const before = got[i - 1]?.shape;
  return before ? `the flatten size is ${before.join('x')} = ${num(got[i].shape[0])}: the layers before it differ` : 'the flatten size is off';
}

/** PyTorch's trainable parameter count, in total and per layer (3.1). */
export function checkParams(arch: ArchName, inspection: ModelInspection, where: string): void {
  const expected = GOLDEN_PARAMS[arch];
  const got = inspection.params.trainable;
  if (got === expected) return;
  const wantLayers = expectedLayers(arch).filter((r) => r.params > 0);
  const tokens = new Map(inspection.layers.map((l) => [l.name, architectureTokens([l])[0] ?? l.className]));
  const gotLayers = inspection.params.layers.filter((l) => l.trainable > 0).map((l) => ({ token: tokens.get(l.path) ?? l.kind, params: l.trainable }));
  const differences: string[] = [];
  for (let i = 0; i < Math.max(wantLayers.length, gotLayers.length); i++) {
    const w = wantLayers[i];
    const g = gotLayers[i];
    if (w && g && w.params === g.params) continue;
    if (!w || !g) {
      differences.push(w ? `${noBias(w.token)} (${num(w.params)}) is missing` : `${g!.token} (${num(g!.params)}) is extra`);
      continue;
    }
    differences.push(`${g.token} has ${num(g.params)}, expected ${w.token} with ${num(w.params)}${denseHint(arch, w.token, g.token, w.params, g.params)}`);
  }
  throw new GradingFailure(`${where}: expected ${num(expected)} trainable parameters (PyTorch's figure), got ${num(got)}: ${differences.join('; ')} (3.1: ${SEED_CLASS[arch]})`);
}

const unitsOf = (token: string) => Number(/^Dense\((\d+)/.exec(token)?.[1] ?? NaN);

/** Why a Dense layer's count differs: a bias the seed has not (or lacks), or another number of inputs (the flatten size). */
function denseHint(arch: ArchName, want: string, got: string, wantParams: number, gotParams: number): string {
  const units = unitsOf(want);
  if (!(units > 0) || unitsOf(got) !== units) return '';
  const wantBias = !want.includes('no bias');
  const gotBias = !got.includes('no bias');
  const fanIn = (wantParams - (wantBias ? units : 0)) / units;
  const gotFanIn = (gotParams - (gotBias ? units : 0)) / units;
  if (wantBias !== gotBias && gotFanIn === fanIn) {
    return wantBias ? ": it has no bias, the seed's has one" : `: it has a bias; the seed's ${SEED_CLASS[arch]} builds it without one (nn.Linear(${fanIn}, ${units}, bias=False); tfjs: useBias: false)`;
  }
  if (gotFanIn !== fanIn) {
    const flatten = expectedLayers(arch).find((r) => r.token === 'Flatten');
    const isFirstAfterFlatten = flatten && arch.startsWith('cnn');
    return `: it sees ${num(gotFanIn)} inputs, expected ${num(fanIn)}${isFirstAfterFlatten ? ` (the flatten size is off: the last pooled map is ${hwc(expectedLayers(arch).filter((r) => r.token.startsWith('MaxPool')).at(-1)!.shape)} = ${num(fanIn)} values)` : ''}`;
  }
  return '';
}

/** Part 4's models: the sigmoid version is the ReLU version with every ReLU replaced by a sigmoid. */
export function checkActivationSwap(arch: ArchName, reluLayers: readonly LayerInfo[], sigmoidLayers: readonly LayerInfo[], where: string): void {
  const relu = layerRows(reluLayers).map((r) => noBias(r.token));
  const sig = layerRows(sigmoidLayers).map((r) => noBias(r.token));
  const want = relu.map((t) => (t === 'act:relu' ? 'act:sigmoid' : t));
  const acts = (ts: string[]) => ts.filter((t) => t.startsWith('act:')).length;
  for (let i = 0; i < Math.max(want.length, sig.length); i++) {
    if (want[i] === sig[i]) continue;
    const hint =
      acts(relu) === 0
        ? ` (your ReLU version has no activation at all)`
        : sig.filter((t) => t === 'act:sigmoid').length === 0
          ? ': the activation argument is ignored'
          : '';
    throw new GradingFailure(
      `${where}: operation ${i + 1}: expected ${want[i] ?? '(no more layers)'}, got ${sig[i] ?? '(no more layers)'}${hint} (4.1: createModel('${arch}', 'sigmoid') is createModel('${arch}', 'relu') with sigmoid wherever ReLU is, as the seed's part 4 classes apply torch.sigmoid after every convolution and hidden layer)\nReLU version:    ${relu.join(', ')}\nSigmoid version: ${sig.join(', ')}`,
    );
  }
}
