// Loads and checks assignments/<id>/assignment.yaml: yaml syntax and the JSON schema (yaml-file.ts), then
// the cross-field rules. Every problem is reported at once, each with file:line:col and field path.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { AssignmentError, type AssignmentIssue } from './errors.ts';
import { formatPath, type PathSegment } from './locate.ts';
import { assignmentSchema } from './schema.ts';
import type { Assignment, ExerciseSpec, ManualSpec, TestSpec, Threshold } from './types.ts';
import { parseYamlFile, type Issue } from './yaml-file.ts';

/** The dlgrade checkout / package root (where assignments/ lives). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validate = ajv.compile(assignmentSchema);

/**
 * `--assignment` accepts an id (assignments/<id> under the package root) or a path to an assignment folder
 * (or to its assignment.yaml).
 */
export function resolveAssignmentDir(idOrPath: string, cwd = process.cwd()): string {
  const asPath = path.resolve(cwd, idOrPath);
  if (existsSync(asPath)) return statSync(asPath).isDirectory() ? asPath : path.dirname(asPath);
  const byId = path.join(PACKAGE_ROOT, 'assignments', idOrPath);
  if (existsSync(path.join(byId, 'assignment.yaml'))) return byId;
  throw new Error(`assignment "${idOrPath}" not found: neither a folder (${asPath}) nor ${path.relative(cwd, byId)}/assignment.yaml`);
}

export function loadAssignment(idOrPath: string): Assignment {
  const dir = resolveAssignmentDir(idOrPath);
  const file = path.join(dir, 'assignment.yaml');
  if (!existsSync(file)) throw new Error(`${file}: missing (an assignment folder needs assignment.yaml)`);
  return parseAssignment(readFileSync(file, 'utf8'), file);
}

/** Parses and checks yaml source; `file` is used for messages and to set `dir`/`file`. */
export function parseAssignment(source: string, file: string): Assignment {
  const { data: raw, issue } = parseYamlFile<RawAssignment>(source, file, validate);
  const assignment = normalise(raw, path.resolve(file));
  const problems = consistencyIssues(assignment, raw, issue);
  if (problems.length) throw new AssignmentError(problems);
  return assignment;
}

// The yaml as written (optional fields may be absent); normalise() fills defaults.
interface RawTest extends Omit<TestSpec, 'partial' | 'tags'> {
  partial?: boolean;
  tags?: string[];
}
interface RawManual extends Omit<ManualSpec, 'answer'> {
  answer?: { file?: string; heading?: string };
}
interface RawExercise extends Omit<ExerciseSpec, 'tests' | 'manual'> {
  tests?: RawTest[];
  manual?: RawManual[];
}
interface RawAssignment extends Omit<Assignment, 'entry' | 'answers' | 'seeds' | 'exercises' | 'dir' | 'file'> {
  entry?: string[];
  answers?: string;
  seeds?: Record<string, number>;
  exercises: RawExercise[];
}

function normalise(raw: RawAssignment, file: string): Assignment {
  const answers = raw.answers ?? 'answers.md';
  return {
    id: raw.id,
    title: raw.title,
    course: raw.course,
    ...(raw.seed !== undefined ? { seed: raw.seed } : {}),
    entry: raw.entry ?? ['index.ts', 'src/index.ts'],
    answers,
    limits: { ...raw.limits },
    seeds: raw.seeds ?? {},
    exercises: raw.exercises.map((x) => ({
      id: x.id,
      title: x.title,
      points: x.points,
      tests: (x.tests ?? []).map((t) => ({ ...t, partial: t.partial ?? false, tags: t.tags ?? [] })),
      manual: (x.manual ?? []).map((m) => ({
        id: m.id,
        title: m.title,
        points: m.points,
        answer: { file: m.answer?.file ?? answers, heading: m.answer?.heading ?? m.id },
      })),
    })),
    dir: path.dirname(file),
    file,
  };
}

const EPS = 1e-9;

function consistencyIssues(a: Assignment, raw: RawAssignment, issue: Issue): AssignmentIssue[] {
  const out: AssignmentIssue[] = [];
  const seen = new Map<string, string>();
  const claim = (id: string, where: PathSegment[], what: string) => {
    const first = seen.get(id);
    if (first) out.push(issue([...where, 'id'], `duplicate id "${id}" (already used by ${first})`));
    else seen.set(id, `${what} at ${formatPath(where)}`);
  };
  a.exercises.forEach((x, xi) => {
    const xp: PathSegment[] = ['exercises', xi];
    claim(x.id, xp, 'exercise');
    const kinds: Array<['tests' | 'manual', Array<TestSpec | ManualSpec>]> = [['tests', x.tests], ['manual', x.manual]];
    for (const [kind, items] of kinds) {
      items.forEach((t, ti) => {
        const tp: PathSegment[] = [...xp, kind, ti];
        claim(t.id, tp, kind === 'tests' ? 'test' : 'manual item');
        if (!t.id.startsWith(`${x.id}.`)) {
          out.push(issue([...tp, 'id'], `"${t.id}" must start with its exercise id and a dot ("${x.id}.")`));
        }
      });
    }
    x.tests.forEach((t, ti) => {
      if (t.threshold) out.push(...thresholdIssues(t.threshold, [...xp, 'tests', ti, 'threshold'], issue));
    });
    const testSum = x.tests.reduce((s, t) => s + t.points, 0);
    const manualSum = x.manual.reduce((s, m) => s + m.points, 0);
    if (Math.abs(testSum + manualSum - x.points) > EPS) {
      out.push(
        issue(
          [...xp, 'points'],
          `exercise ${x.id} is worth ${x.points} points but its tests (${round(testSum)}) and manual items (${round(manualSum)}) add up to ${round(testSum + manualSum)}`,
        ),
      );
    }
    if (!raw.exercises[xi]?.tests?.length && !raw.exercises[xi]?.manual?.length) {
      out.push(issue(xp, `exercise ${x.id} has no tests and no manual items`));
    }
  });
  const limits = a.limits;
  for (const [xi, x] of a.exercises.entries()) {
    for (const [ti, t] of x.tests.entries()) {
      if (t.timeoutMs !== undefined && limits.testTimeoutMs !== undefined && t.timeoutMs > limits.testTimeoutMs) {
        out.push(issue(['exercises', xi, 'tests', ti, 'timeoutMs'], `${t.timeoutMs} ms per call exceeds limits.testTimeoutMs (${limits.testTimeoutMs} ms per test)`));
      }
    }
  }
  return out;
}

function thresholdIssues(th: Threshold, p: PathSegment[], issue: Issue): AssignmentIssue[] {
  const hasMin = th.min !== undefined;
  const hasMax = th.max !== undefined;
  if (hasMin === hasMax) return [issue(p, `needs exactly one of min or max (got ${hasMin ? 'both' : 'neither'})`)];
  // The reference solution must itself pass, or every submission is graded against an unreachable bar.
  if (hasMin && th.reference < th.min!) return [issue([...p, 'reference'], `the reference's own ${th.metric} ${th.reference} is below min ${th.min}`)];
  if (hasMax && th.reference > th.max!) return [issue([...p, 'reference'], `the reference's own ${th.metric} ${th.reference} is above max ${th.max}`)];
  return [];
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Every test of the assignment, with its exercise id. */
export function allTests(a: Assignment): Array<TestSpec & { exercise: string }> {
  return a.exercises.flatMap((x) => x.tests.map((t) => ({ ...t, exercise: x.id })));
}

export function findTest(a: Assignment, id: string): (TestSpec & { exercise: string }) | undefined {
  return allTests(a).find((t) => t.id === id);
}
