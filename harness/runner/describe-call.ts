// A probe call as the student reads it in a time-out message: what it did (the suite's words) or a short
// summary of its arguments ("{ opts: { imageSize: [28, 28, 1] }, train: 2000 images 28x28x1 }").

function summarise(v: unknown, depth: number): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (ArrayBuffer.isView(v)) return `${(v as unknown as ArrayLike<number>).length} values`;
  if (Array.isArray(v)) {
    if (v.length > 6 || depth > 2) return `[${v.length} items]`;
    return `[${v.map((x) => summarise(x, depth + 1)).join(', ')}]`;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.n === 'number' && ArrayBuffer.isView(o.images)) return `${o.n} images ${o.height}x${o.width}x${o.channels}`;
    if (depth > 2) return '{...}';
    const keys = Object.keys(o);
    const shown = keys.slice(0, 6).map((k) => `${k}: ${summarise(o[k], depth + 1)}`);
    return `{ ${shown.join(', ')}${keys.length > 6 ? ', ...' : ''} }`;
  }
  return typeof v;
}

/** "what" when the suite said it, else the arguments, kept short. */
export function describeCall(args: unknown, what?: string): string {
  if (what) return what;
  if (args === undefined) return 'no arguments';
  const s = summarise(args, 0);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}
