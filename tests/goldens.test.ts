// Every assignment ships a copy of the PyTorch goldens it checks against (assignments/<id>/golden.json: the
// student bundle and the Gradescope zip have no ../shared). The copies must not drift: every array in a copy,
// every parameter count and every measured value (a number with five or more significant digits) must
// appear, identical, in ../shared/golden. Hyper-parameters and notes (small round numbers, strings) are free.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { assignmentIds, sourcesOf } from '../harness/assign/sources.ts';

const SHARED = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../shared/golden/', import.meta.url));

function collect(node: unknown, arrays: Set<string>, numbers: Set<number>): void {
  if (Array.isArray(node)) {
    arrays.add(JSON.stringify(node));
    node.forEach((v) => collect(v, arrays, numbers));
  } else if (typeof node === 'number') numbers.add(node);
  else if (node && typeof node === 'object') Object.values(node).forEach((v) => collect(v, arrays, numbers));
}

/** A parameter count, or a value with five or more significant digits (hyper-parameters have fewer). */
const measured = (x: number) => (Number.isInteger(x) ? Math.abs(x) >= 1000 : x.toExponential().split('e')[0]!.replace(/[-.]/g, '').length >= 5);

/** Values of a copy that are not in the shared goldens, with where they are. */
function drift(node: unknown, arrays: Set<string>, numbers: Set<number>, at = ''): string[] {
  if (Array.isArray(node)) {
    if (node.length >= 2 && node.every((v) => typeof v === 'number' || Array.isArray(v))) return arrays.has(JSON.stringify(node)) ? [] : [`${at} (an array of ${node.length})`];
    return node.flatMap((v, i) => drift(v, arrays, numbers, `${at}[${i}]`));
  }
  if (typeof node === 'number') return measured(node) && !numbers.has(node) ? [`${at} = ${node}`] : [];
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => drift(v, arrays, numbers, at ? `${at}.${k}` : k));
  return [];
}

describe.skipIf(!existsSync(SHARED))('golden copies match ../shared/golden', () => {
  const arrays = new Set<string>();
  const numbers = new Set<number>();
  if (existsSync(SHARED)) for (const f of readdirSync(SHARED).filter((x) => x.endsWith('.json'))) collect(JSON.parse(readFileSync(path.join(SHARED, f), 'utf8')), arrays, numbers);
  test.each(assignmentIds().filter((id) => existsSync(path.join(sourcesOf(id).assignmentDir, 'golden.json'))))('%s', (id) => {
    const copy = JSON.parse(readFileSync(path.join(sourcesOf(id).assignmentDir, 'golden.json'), 'utf8')) as unknown;
    expect(drift(copy, arrays, numbers)).toEqual([]);
  });
});
