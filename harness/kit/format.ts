// Small formatters feedback messages share: shapes as [a, b] (None for a free size, as PyTorch prints) and
// counts with thousands separators, as the seed documents write parameter counts.

export const fmtShape = (shape: readonly (number | null)[] | undefined): string => (shape ? `[${shape.map((d) => (d === null ? 'None' : d)).join(', ')}]` : 'nothing');

export const num = (n: number): string => n.toLocaleString('en-US');
