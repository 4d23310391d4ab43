// An architecture as a list of tokens, one per operation, so a check can compare a submission's layer
// sequence with the one the exercise asks for and say where they first differ: "Conv2D(12, 3x3, stride 1x1,
// same)", "BatchNorm", "act:relu", "MaxPool(2x2, stride 2x2)", "Flatten", "Dense(64)". An activation inside a
// Conv2D/Dense config becomes its own token, so both ways of writing it compare equal.
import type { LayerInfo } from './inspect-model.ts';

/** Activations by PyTorch's module names. */
export type TorchActivation = 'relu' | 'silu' | 'leaky_relu' | 'elu' | 'gelu' | 'tanh' | 'sigmoid' | 'softmax';

function fromName(a: unknown): TorchActivation | 'linear' | 'other' {
  switch (a) {
    case 'relu':
    case 'elu':
    case 'gelu':
    case 'tanh':
    case 'sigmoid':
    case 'softmax':
      return a;
    case 'swish':
    case 'silu':
      return 'silu';
    case 'linear':
    case undefined:
    case null:
      return 'linear';
    default:
      return 'other';
  }
}

/** The activation a layer applies; 'linear' for none; undefined for layers that are not activations. */
export function activationOf(l: Pick<LayerInfo, 'className' | 'config'>): TorchActivation | 'linear' | 'other' | undefined {
  switch (l.className) {
    case 'ReLU':
      return 'relu';
    case 'LeakyReLU':
      return Math.abs(Number(l.config.alpha) - 0.01) < 1e-9 ? 'leaky_relu' : 'other';
    case 'ELU':
      return Math.abs(Number(l.config.alpha) - 1) < 1e-9 ? 'elu' : 'other';
    case 'Softmax':
      return 'softmax';
    case 'Activation':
      return fromName(l.config.activation);
    default:
      return undefined;
  }
}

const pair = (v: unknown) => (Array.isArray(v) ? v.join('x') : `${v}x${v}`);

function inner(l: LayerInfo): string[] {
  const a = fromName(l.config.activation);
  return a === 'linear' ? [] : [`act:${a}`];
}

/** One or more tokens per layer; InputLayer and Dropout(0) give none. */
export function architectureTokens(layers: readonly LayerInfo[]): string[] {
  const out: string[] = [];
  for (const l of layers) {
    const c = l.config;
    const bias = c.useBias === false ? ', no bias' : '';
    switch (l.className) {
      case 'InputLayer':
        break;
      case 'Conv2D':
        out.push(`Conv2D(${c.filters}, ${pair(c.kernelSize)}, stride ${pair(c.strides)}, ${c.padding}${bias})`, ...inner(l));
        break;
      case 'Dense':
        out.push(`Dense(${c.units}${bias})`, ...inner(l));
        break;
      case 'BatchNormalization':
        out.push('BatchNorm');
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        out.push(`${l.className === 'MaxPooling2D' ? 'MaxPool' : 'AvgPool'}(${pair(c.poolSize)}, stride ${pair(c.strides ?? c.poolSize)}${c.padding && c.padding !== 'valid' ? `, ${c.padding}` : ''})`);
        break;
      case 'GlobalAveragePooling2D':
        out.push('GlobalAvgPool');
        break;
      case 'Flatten':
        out.push('Flatten');
        break;
      case 'Dropout':
        if (Number(c.rate) !== 0) out.push(`Dropout(${c.rate})`);
        break;
      default: {
        const a = activationOf(l);
        out.push(a ? `act:${a}` : l.className);
      }
    }
  }
  return out;
}

/** First position where two token lists differ, described for feedback; undefined when equal. */
export function firstDifference(got: readonly string[], expected: readonly string[]): string | undefined {
  const n = Math.max(got.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== expected[i]) return `layer ${i + 1}: expected ${expected[i] ?? '(no more layers)'}, got ${got[i] ?? '(no more layers)'}`;
  }
  return undefined;
}
