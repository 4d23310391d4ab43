// Reads a YAML file that a JSON Schema describes (assignment.yaml, a fixtures manifest.yaml): yaml syntax,
// then the schema (ajv), every problem reported at once with file:line:col and the field path, so an author
// can jump straight to it. Cross-field rules are the caller's, through the `issue` function it gets back.
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { AssignmentError, type AssignmentIssue } from './errors.ts';
import { formatPath, locate, pointerToPath, type PathSegment } from './locate.ts';

/** Makes a located problem for the value at a field path (or for `key` inside the map there). */
export type Issue = (p: PathSegment[], message: string, key?: string) => AssignmentIssue;

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/**
 * Parses `source` and validates it; throws AssignmentError (titled `what`) listing every problem. Returns the
 * data and an `issue` maker for the caller's own rules.
 */
export function parseYamlFile<T>(source: string, file: string, validate: ValidateFunction, what = 'invalid assignment'): { data: T; issue: Issue } {
  const shown = displayPath(file);
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length) {
    throw new AssignmentError(
      doc.errors.map((e) => ({
        file: shown,
        line: e.linePos?.[0].line ?? 0,
        col: e.linePos?.[0].col ?? 0,
        field: '',
        // yaml's own message includes a source excerpt after the first line; the position is ours.
        message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
      what,
    );
  }
  const data: unknown = doc.toJS();
  const issue: Issue = (p, message, key) => ({
    file: shown,
    ...locate(doc, lines, p, key),
    field: formatPath(key === undefined ? p : [...p, key]),
    message,
  });
  if (!validate(data)) {
    throw new AssignmentError((validate.errors ?? []).filter(notNoise).map((e) => schemaIssue(e, issue)), what);
  }
  return { data: data as T, issue };
}

// ajv reports a failed `if`/`anyOf` wrapper next to the real cause; the cause is what helps.
function notNoise(e: ErrorObject): boolean {
  return e.keyword !== 'if' && e.keyword !== 'anyOf';
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : JSON.stringify(v);
}

function schemaIssue(e: ErrorObject, issue: Issue): AssignmentIssue {
  const p = pointerToPath(e.instancePath);
  switch (e.keyword) {
    case 'required':
      return issue(p, 'is required but missing', (e.params as { missingProperty: string }).missingProperty);
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const name = (e.params as { additionalProperty: string }).additionalProperty;
      const near = allowed.find((a) => editDistance(a, name) <= 2);
      return issue(p, `unknown field${near ? ` (did you mean "${near}"?)` : ''}${allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''}`, name);
    }
    case 'enum':
      return issue(p, `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}, got ${describe(e.data)}`);
    case 'type':
      return issue(p, `must be ${article((e.params as { type: string }).type)}, got ${describe(e.data)}`);
    default:
      return issue(p, `${e.message ?? 'is invalid'}, got ${describe(e.data)}`);
  }
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false' };
  return names[type] ?? type;
}
