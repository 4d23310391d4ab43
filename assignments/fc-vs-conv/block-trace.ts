// Reads a submission's BottleneckResBlock (rebuilt in the grader) as the notebook's parts: the main path
// conv1 -> bn1 -> relu -> conv2 -> bn2 -> relu -> conv3 -> bn3, the shortcut (projection conv + bn, or the
// input itself), the addition and the ReLU after it. What does not fit is described as the student would
// fix it (which part, what the seed has, what came); what fits maps each part to the layer holding its weights,
// so the grader can set weights it chose and compare the block's output with its own computation (block-math.ts).
import type * as tf from '@tensorflow/tfjs';
import type { BlockSize } from './block-math.ts';

export type ConvRole = 'conv1' | 'conv2' | 'conv3' | 'shortcut conv';
export type BnRole = 'bn1' | 'bn2' | 'bn3' | 'shortcut bn';

export interface BlockLayers {
  conv: Record<ConvRole, tf.layers.Layer | undefined>;
  bn: Record<BnRole, tf.layers.Layer | undefined>;
}

export type BlockTrace = { ok: true; layers: BlockLayers } | { ok: false; problems: string[] };

type Op = { kind: 'conv'; layer: tf.layers.Layer; config: Record<string, unknown> } | { kind: 'bn'; layer: tf.layers.Layer; config: Record<string, unknown> } | { kind: 'relu'; layer: tf.layers.Layer } | { kind: 'other'; layer: tf.layers.Layer; what: string };

type Slot = { kind: 'conv'; role: ConvRole; k: number; from: number; filters: number } | { kind: 'bn'; role: BnRole; channels: number } | { kind: 'relu'; role: string };

const pair = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : [Number(v), Number(v)]);

/** One layer as the parts of the seed's block; a conv or BN with a fused activation is two parts. */
function opsOf(layer: tf.layers.Layer): Op[] {
  const cls = layer.getClassName();
  const config = layer.getConfig() as Record<string, unknown>;
  const act = typeof config.activation === 'string' ? config.activation : 'linear';
  const withActivation = (op: Op): Op[] => (act === 'linear' ? [op] : act === 'relu' ? [op, { kind: 'relu', layer }] : [op, { kind: 'other', layer, what: `activation '${act}'` }]);
  if (cls === 'Conv2D') return withActivation({ kind: 'conv', layer, config });
  if (cls === 'BatchNormalization') return [{ kind: 'bn', layer, config }];
  if (cls === 'ReLU' && config.maxValue == null) return [{ kind: 'relu', layer }];
  if (cls === 'Activation') return act === 'relu' ? [{ kind: 'relu', layer }] : [{ kind: 'other', layer, what: `Activation '${act}'` }];
  return [{ kind: 'other', layer, what: cls }];
}

function describeOp(op: Op | undefined): string {
  if (!op) return 'nothing';
  switch (op.kind) {
    case 'conv': {
      const [kh, kw] = pair(op.config.kernelSize);
      return `Conv2D ${kh}x${kw} (${op.config.filters} filters)`;
    }
    case 'bn':
      return 'BatchNorm';
    case 'relu':
      return 'ReLU';
    case 'other':
      return op.what;
  }
}

function describeSlot(s: Slot): string {
  if (s.kind === 'conv') return `${s.role} (Conv2D ${s.k}x${s.k}, ${s.from} -> ${s.filters})`;
  if (s.kind === 'bn') return `${s.role} (BatchNorm, ${s.channels} channels)`;
  return 'ReLU';
}

/** The layers from `st` back to the block input, in forward order; stops at a layer with several inputs. */
function chainTo(st: tf.SymbolicTensor): { ops: Op[]; start: tf.SymbolicTensor } {
  const layers: tf.layers.Layer[] = [];
  let at = st;
  while (at.sourceLayer.getClassName() !== 'InputLayer' && at.inputs.length === 1) {
    layers.push(at.sourceLayer);
    at = at.inputs[0];
  }
  return { ops: layers.reverse().flatMap(opsOf), start: at };
}

/** Settings of a conv or BN that differ from the seed's (bias-free stride-1 convs, 'same' 3x3, BatchNorm2d defaults), as [role, problem]. */
function settingProblems(op: Op, slot: Slot): [string, string][] {
  const out: string[] = [];
  if (op.kind === 'conv' && slot.kind === 'conv') {
    const c = op.config;
    const [kh, kw] = pair(c.kernelSize);
    if (kh !== slot.k || kw !== slot.k) out.push(`a ${kh}x${kw} kernel, expected ${slot.k}x${slot.k}`);
    if (Number(c.filters) !== slot.filters) out.push(`${c.filters} filters, expected ${slot.filters}`);
    if (pair(c.strides).some((v) => v !== 1)) out.push(`strides ${JSON.stringify(c.strides)}, expected 1 (the block keeps the image size)`);
    if (pair(c.dilationRate ?? 1).some((d) => d !== 1)) out.push(`dilation ${JSON.stringify(c.dilationRate)}, expected 1`);
    if (slot.k > 1 && c.padding !== 'same') out.push(`padding '${c.padding}', expected 'same' (padding=1 with a 3x3 kernel keeps H and W)`);
    if (c.dataFormat && c.dataFormat !== 'channelsLast') out.push(`dataFormat '${c.dataFormat}', expected 'channelsLast' (NHWC)`);
    if (c.useBias !== false) out.push("a bias: the seed's convolutions are bias-free (bias=False: the BatchNorm right after each has its own shift, beta); tf.layers.conv2d adds a bias unless useBias: false");
  }
  if (op.kind === 'bn' && slot.kind === 'bn') {
    const c = op.config;
    const axis = Number(Array.isArray(c.axis) ? c.axis[0] : c.axis);
    if (axis !== -1 && axis !== 3) out.push(`normalises axis ${JSON.stringify(c.axis)}, expected the channel axis (-1)`);
    if (Math.abs(Number(c.epsilon) - 1e-5) > 1e-12) out.push(`epsilon ${c.epsilon}, expected 1e-5 (nn.BatchNorm2d's default; tfjs's is 1e-3)`);
    if (Math.abs(Number(c.momentum) - 0.9) > 1e-12) out.push(`momentum ${c.momentum}, expected 0.9 (PyTorch's momentum 0.1: tfjs weighs the old moving statistic)`);
    if (c.center === false || c.scale === false) out.push(`no ${c.center === false ? 'beta (center: false)' : 'gamma (scale: false)'}: nn.BatchNorm2d is affine`);
  }
  return out.map((p) => [slot.role, p]);
}

/** "conv1, conv2 and conv3: a bias: ..." — one line per problem, naming every part that has it. */
function grouped(problems: [string, string][]): string[] {
  const byProblem = new Map<string, string[]>();
  for (const [role, p] of problems) byProblem.set(p, [...(byProblem.get(p) ?? []), role]);
  return [...byProblem].map(([p, roles]) => `${roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(', ')} and ${roles[roles.length - 1]}`}: ${p}`);
}

/** Compares a path with the seed's: the first structural difference, or the setting problems of every part. */
function matchPath(where: string, ops: Op[], slots: Slot[], hint: (ops: Op[]) => string | undefined): { problems: string[]; settings: [string, string][]; roles: [Slot, Op][] } {
  const roles: [Slot, Op][] = [];
  for (let i = 0; i < Math.max(ops.length, slots.length); i++) {
    const op = ops[i];
    const slot = slots[i];
    if (op && slot && op.kind === slot.kind) {
      roles.push([slot, op]);
      continue;
    }
    const at = !op
      ? `stops after ${describeOp(ops[i - 1])}: ${describeSlot(slot)} is missing`
      : !slot
        ? `has an extra ${describeOp(op)} ${slots.length ? `after ${describeSlot(slots[slots.length - 1])}` : ''}`
        : `has ${describeOp(op)} where the seed has ${describeSlot(slot)}`;
    const want = slots.map(describeSlot).join(' -> ') || 'the input itself';
    const got = ops.map(describeOp).join(' -> ') || 'the input itself';
    const why = hint(ops);
    return { problems: [`${where} ${at.trim()}.${why ? ` ${why}` : ''}\n    expected: ${want}\n    got:      ${got}`], settings: [], roles };
  }
  return { problems: [], settings: roles.flatMap(([slot, op]) => settingProblems(op, slot)), roles };
}

/** The seed's parts of the main path and of the shortcut for a block size. */
export function expectedPaths({ inChannels: i, bottleneckChannels: b, outChannels: o }: BlockSize): { main: Slot[]; shortcut: Slot[] } {
  return {
    main: [
      { kind: 'conv', role: 'conv1', k: 1, from: i, filters: b },
      { kind: 'bn', role: 'bn1', channels: b },
      { kind: 'relu', role: 'relu' },
      { kind: 'conv', role: 'conv2', k: 3, from: b, filters: b },
      { kind: 'bn', role: 'bn2', channels: b },
      { kind: 'relu', role: 'relu' },
      { kind: 'conv', role: 'conv3', k: 1, from: b, filters: o },
      { kind: 'bn', role: 'bn3', channels: o },
    ],
    shortcut:
      i !== o
        ? [
            { kind: 'conv', role: 'shortcut conv', k: 1, from: i, filters: o },
            { kind: 'bn', role: 'shortcut bn', channels: o },
          ]
        : [],
  };
}

const convCount = (ops: Op[]) => ops.filter((o) => o.kind === 'conv').length;

/** Maps a rebuilt block to the seed's parts, or says what differs (exercise C). */
export function traceBlock(model: tf.LayersModel, size: BlockSize): BlockTrace {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    return { ok: false, problems: [`the block has ${model.inputs.length} inputs and ${model.outputs.length} outputs, expected one of each`] };
  }
  const input = model.inputs[0];
  const nested = model.layers.filter((l) => (l as { layers?: unknown }).layers !== undefined);
  if (nested.length) return { ok: false, problems: [`the block contains a nested model (${nested.map((l) => l.name).join(', ')}): build the block from layers directly`] };

  // After the addition: the ReLU.
  const tail = chainTo(model.outputs[0]);
  const merge = tail.start;
  if (merge === input || merge.sourceLayer.getClassName() === 'InputLayer') {
    return { ok: false, problems: ['no residual connection: the output is not computed from an addition of the main path and the shortcut (out += identity)'] };
  }
  const problems: string[] = [];
  const mergeClass = merge.sourceLayer.getClassName();
  if (mergeClass !== 'Add') problems.push(`the main path and the shortcut are combined by ${mergeClass}, expected Add (out += identity)`);
  if (!(tail.ops.length === 1 && tail.ops[0].kind === 'relu')) {
    problems.push(
      tail.ops.length === 0
        ? 'no ReLU after the addition: the seed ends with out = self.relu(out) after out += identity'
        : `after the addition: expected one ReLU, got ${tail.ops.map(describeOp).join(' -> ')}`,
    );
  }
  if (merge.inputs.length !== 2) {
    problems.push(`the ${mergeClass} takes ${merge.inputs.length} inputs, expected 2 (the main path and the shortcut)`);
    return { ok: false, problems };
  }

  // The two branches, back to the block input: the main path holds the 3x3 convolution.
  const branches = merge.inputs.map(chainTo);
  const notFromInput = branches.filter((b) => b.start !== input);
  if (notFromInput.length) {
    return { ok: false, problems: [...problems, 'a branch of the addition does not lead back to the block input through a single chain of layers: expected the main path and the shortcut both to start at the input'] };
  }
  const [main, shortcut] = convCount(branches[0].ops) >= convCount(branches[1].ops) ? branches : [branches[1], branches[0]];
  const want = expectedPaths(size);
  const mainMatch = matchPath('the main path', main.ops, want.main, (ops) => {
    const last = ops[ops.length - 1];
    if (ops.length === want.main.length + 1 && last?.kind === 'relu') {
      return "That is a ReLU before the residual addition: the seed adds the shortcut to bn3's output as it is and applies ReLU only after the addition (out = self.bn3(self.conv3(out)); out += identity; out = self.relu(out)).";
    }
    if (ops.some((op) => op.kind === 'relu' && op.layer.getClassName() === 'Conv2D')) {
      return "tf.layers.conv2d({ activation: 'relu' }) applies the ReLU right after the convolution, before the BatchNorm: leave the convolutions linear and add the ReLU after the BatchNorm.";
    }
    return undefined;
  });
  const shortcutMatch = matchPath('the shortcut', shortcut.ops, want.shortcut, (ops) =>
    size.inChannels !== size.outChannels && ops.length === 0
      ? `With ${size.inChannels} input and ${size.outChannels} output channels the shortcut must project (nn.Conv2d(in, out, 1, bias=False) + nn.BatchNorm2d(out)); the identity only fits when they are equal.`
      : size.inChannels === size.outChannels && ops.length > 0
        ? `With ${size.inChannels} input and output channels the shortcut is the input itself (nn.Identity()): project only when the channel counts differ.`
        : undefined,
  );
  problems.push(...mainMatch.problems, ...shortcutMatch.problems, ...grouped([...mainMatch.settings, ...shortcutMatch.settings]));
  if (problems.length) return { ok: false, problems };

  const layers: BlockLayers = { conv: { conv1: undefined, conv2: undefined, conv3: undefined, 'shortcut conv': undefined }, bn: { bn1: undefined, bn2: undefined, bn3: undefined, 'shortcut bn': undefined } };
  for (const [slot, op] of [...mainMatch.roles, ...shortcutMatch.roles]) {
    if (slot.kind === 'conv') layers.conv[slot.role] = op.layer;
    if (slot.kind === 'bn') layers.bn[slot.role] = op.layer;
  }
  return { ok: true, layers };
}
