// STARTER: import { todo } from './todo.ts';

// T. Theory, section VIII: Output = (N - F + 2P) / S + 1. When the stride does not divide N - F + 2P the
// last window that does not fit is dropped (PyTorch floors), e.g. N 5, F 3, P 0, S 2 -> 2 (Fig. 4).
export function convOutputSize(n: number, f: number, p: number, s: number): number {
  // BEGIN SOLUTION
  return Math.floor((n - f + 2 * p) / s) + 1;
  // END SOLUTION
  // STARTER: return todo('T.2: convOutputSize');
}
