// Maps a field path (as ajv's instancePath or our own segments) to a line in the yaml source, using the
// node ranges that `yaml`'s parseDocument keeps.
import { isMap, isNode, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

/** "/exercises/0/tests/1" -> ['exercises', 0, 'tests', 1] (JSON pointer, RFC 6901 escapes). */
export function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** ['exercises', 0, 'tests', 1, 'points'] -> "exercises[0].tests[1].points" */
export function formatPath(path: PathSegment[]): string {
  return path.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

export interface Position {
  line: number;
  col: number;
}

/**
 * Line/column of the value at `path`; with `key`, of that key inside the map at `path` (for unknown or
 * duplicate keys). Falls back to the nearest existing ancestor, so a missing field points at its parent.
 */
export function locate(doc: Document, lines: LineCounter, path: PathSegment[], key?: string): Position {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (!isNode(node)) continue;
    let target: Node = node;
    if (key !== undefined && n === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair && isNode(pair.key)) target = pair.key;
    }
    const offset = target.range?.[0];
    if (offset !== undefined) return lines.linePos(offset);
  }
  return { line: 0, col: 0 };
}
