// The five architectures of EE449 HW1 part 3 as the grader knows them (seed 004, Appendix 3 and 4), as data:
// the layer sequence, intermediate shapes and per-layer parameter counts the checks compare a submission's
// rebuilt model with (what contract.ts's CreateModel spells out, so it may ship with the public grading files;
// the tfjs builder is seed-models.ts, hidden-only). Valid padding, stride 1 for every convolution, 2x2 max pool
// with stride 2, an activation after every convolution and hidden Dense layer, raw logits out. NHWC.
export const ARCHITECTURES = ['mlp_1', 'mlp_2', 'cnn_3', 'cnn_4', 'cnn_5'] as const;
export type ArchName = (typeof ARCHITECTURES)[number];
export type HiddenActivation = 'relu' | 'sigmoid';

/** One operation of the seed's forward(), in order. Activations follow every conv and hidden dense. */
export type LayerSpec =
  | { kind: 'conv'; filters: number; kernel: number }
  | { kind: 'pool' }
  | { kind: 'flatten' }
  | { kind: 'dense'; units: number; bias: boolean; hidden: boolean };

const conv = (filters: number, kernel: number): LayerSpec => ({ kind: 'conv', filters, kernel });
const pool: LayerSpec = { kind: 'pool' };
const flatten: LayerSpec = { kind: 'flatten' };
const hidden = (units: number, bias = true): LayerSpec => ({ kind: 'dense', units, bias, hidden: true });
const out: LayerSpec = { kind: 'dense', units: 10, bias: true, hidden: false };

/** The seed's classes, layer by layer (part 3's MLP1, MLP2, CNN3, CNN4, CNN5_Debug; part 4's versions). */
export const LAYERS: Record<ArchName, LayerSpec[]> = {
  mlp_1: [flatten, hidden(32), out],
  mlp_2: [flatten, hidden(32), hidden(64, false), out],
  cnn_3: [conv(16, 3), conv(8, 5), pool, conv(16, 7), pool, flatten, out],
  cnn_4: [conv(16, 3), conv(8, 3), conv(16, 5), pool, conv(16, 5), pool, flatten, out],
  cnn_5: [conv(8, 3), conv(16, 3), conv(8, 3), conv(16, 3), pool, conv(16, 3), conv(8, 3), pool, flatten, out],
};

/** PyTorch's trainable parameter counts (../shared/golden/models.json, ee449_hw1). */
export const GOLDEN_PARAMS: Record<ArchName, number> = { mlp_1: 98666, mlp_2: 101034, cnn_3: 11394, cnn_4: 13810, cnn_5: 8490 };

export const INPUT_SHAPE: [number, number, number] = [32, 32, 3];

/** What an architecture's layers look like once activations are tokens of their own. */
export interface ExpectedLayer {
  token: string;
  /** Output shape without the batch axis, HWC (or [n] after flatten); null for activations (shape unchanged). */
  shape: number[];
  /** Trainable parameters of the layer (PyTorch's count). */
  params: number;
}

/** Conv2D/Dense/MaxPool/Flatten/act tokens with their output shapes and parameter counts. */
export function expectedLayers(arch: ArchName, activation: HiddenActivation = 'relu'): ExpectedLayer[] {
  let shape: number[] = [...INPUT_SHAPE];
  const rows: ExpectedLayer[] = [];
  for (const l of LAYERS[arch]) {
    switch (l.kind) {
      case 'conv': {
        const [h, w, c] = shape;
        shape = [h - l.kernel + 1, w - l.kernel + 1, l.filters];
        rows.push({ token: convToken(l.filters, l.kernel), shape, params: c * l.filters * l.kernel * l.kernel + l.filters });
        rows.push({ token: `act:${activation}`, shape, params: 0 });
        break;
      }
      case 'pool':
        shape = [Math.floor(shape[0] / 2), Math.floor(shape[1] / 2), shape[2]];
        rows.push({ token: POOL_TOKEN, shape, params: 0 });
        break;
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        rows.push({ token: 'Flatten', shape, params: 0 });
        break;
      case 'dense': {
        const fanIn = shape[0];
        shape = [l.units];
        rows.push({ token: denseToken(l.units, l.bias), shape, params: fanIn * l.units + (l.bias ? l.units : 0) });
        if (l.hidden) rows.push({ token: `act:${activation}`, shape, params: 0 });
        break;
      }
    }
  }
  return rows;
}

export const convToken = (filters: number, kernel: number | string) => `Conv2D(${filters}, ${typeof kernel === 'number' ? `${kernel}x${kernel}` : kernel}, stride 1x1, valid)`;
export const denseToken = (units: number, bias = true) => `Dense(${units}${bias ? '' : ', no bias'})`;
export const POOL_TOKEN = 'MaxPool(2x2, stride 2x2)';
