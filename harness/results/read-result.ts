// The one reader of dlgrade.json (a stored SubmissionResult): for resumed class runs, `dlgrade merge` and
// reports. Every result is checked against the JSON Schema next to its types
// (harness/types/submission-result-schema.ts); a problem names the file and the field.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { submissionResultSchema } from '../types/submission-result-schema.ts';
import type { SubmissionResult } from '../types/submission-result.ts';

/** The SubmissionResult file of a graded submission (written last: its presence marks it finished). */
export const RESULT_FILE = 'dlgrade.json';
/** Gradescope's results.json, next to it. */
export const GRADESCOPE_FILE = 'results.json';

const validate = new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true }).compile<SubmissionResult>(submissionResultSchema);
const MAX_PROBLEMS = 5;

/** "/tests/2/status" -> "result.tests[2].status". */
function fieldOf(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((s, p) => (/^\d+$/.test(p) ? `${s}[${p}]` : `${s}.${p}`), 'result');
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function problem(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${fieldOf(e.instancePath, String(p.missingProperty))} is missing`;
    case 'additionalProperties':
      return `${fieldOf(e.instancePath, String(p.additionalProperty))} is not a field of a dlgrade result`;
    case 'type':
      return `${fieldOf(e.instancePath)} must be ${String(p.type).replace(',', ' or ')}, got ${shown(e.data)}`;
    case 'enum':
      return `${fieldOf(e.instancePath)} must be one of ${(p.allowedValues as unknown[]).join(', ')}, got ${shown(e.data)}`;
    default:
      return `${fieldOf(e.instancePath)} ${e.message ?? 'is invalid'}, got ${shown(e.data)}`;
  }
}

/** What is wrong with a parsed dlgrade.json ([] when it follows the schema), each naming the field. */
export function submissionResultProblems(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(problem);
}

/** A parsed dlgrade.json, typed, or an error naming `file` and the fields at fault. */
export function checkSubmissionResult(value: unknown, file: string): SubmissionResult {
  const problems = submissionResultProblems(value);
  if (problems.length === 0) return value as SubmissionResult;
  const more = problems.length > MAX_PROBLEMS ? ` (and ${problems.length - MAX_PROBLEMS} more)` : '';
  throw new Error(`${file}: ${problems.slice(0, MAX_PROBLEMS).join('; ')}${more}`);
}

/** The text of a dlgrade.json, parsed and checked. */
export function parseSubmissionResult(text: string, file: string): SubmissionResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return checkSubmissionResult(value, file);
}

/** Reads and checks one dlgrade.json; throws naming the file (and the field) when it cannot. */
export function readSubmissionResult(file: string): SubmissionResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseSubmissionResult(text, file);
}
