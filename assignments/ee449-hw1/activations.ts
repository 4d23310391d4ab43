// The three activations of part 1 and their derivatives at the pre-activation, as the seed defines them
// (relu'(0) = 0). Shared by the public checks (1.activations) and the grader's float64 MLP.
import type { ActivationName } from './contract.ts';

export const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu'];

const sig = (x: number) => 1 / (1 + Math.exp(-x));

export const ACT: Record<ActivationName, { f: (x: number) => number; df: (x: number) => number }> = {
  sigmoid: { f: sig, df: (x) => sig(x) * (1 - sig(x)) },
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 },
  relu: { f: (x) => Math.max(0, x), df: (x) => (x > 0 ? 1 : 0) },
};
