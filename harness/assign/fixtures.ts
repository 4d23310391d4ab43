// Buggy fixtures as patches on the reference (docs/authoring.md "Fixtures as patches"): each is a unified diff
// on reference/<id> plus an entry in fixtures/submissions/<id>/manifest.yaml with the score it must get, the
// tests it loses and the feedback they must show; the manifest also says what the generated starter scores.
// A fixture is staged as a submission folder: the reference's sources, patched, written in the solution view.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { applyPatch, createTwoFilesPatch, parsePatch, type StructuredPatch } from 'diff';
import { AssignmentError } from '../assignment/errors.ts';
import { parseYamlFile } from '../assignment/yaml-file.ts';
import { listFiles, type AssignmentSources } from './sources.ts';
import { readReference, writeSubmissionView } from './submission-view.ts';

/** What one submission must score: all tests; tests below full marks with the points they keep; feedback patterns. */
export interface Expectation {
  score: number;
  lost?: Record<string, number>;
  feedback?: Record<string, string>;
}

export interface StarterExpectation extends Expectation {
  /** Score of `dlgrade check` (visible tests only). */
  visible: number;
  /** Exactly the tests it passes, when given. */
  passing?: string[];
}

export interface FixtureSpec extends Expectation {
  name: string;
  /** One line: the bug and where it comes from. */
  bug: string;
  /** The patch file, relative to the manifest. */
  patch: string;
}

export interface Manifest {
  file: string;
  starter?: StarterExpectation;
  fixtures: FixtureSpec[];
}

const score = { type: 'number', minimum: 0 } as const;
const expectation = {
  score,
  lost: { type: 'object', additionalProperties: score },
  feedback: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
} as const;

const manifestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    starter: {
      type: 'object',
      additionalProperties: false,
      required: ['score', 'visible'],
      properties: { ...expectation, visible: score, passing: { type: 'array', items: { type: 'string' } } },
    },
    fixtures: {
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9][a-z0-9-]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['bug', 'patch', 'score'],
        properties: { ...expectation, bug: { type: 'string', minLength: 1 }, patch: { type: 'string', pattern: '\\.(patch|diff)$' } },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, verbose: true, strict: true }).compile(manifestSchema);

interface RawManifest {
  starter?: StarterExpectation;
  fixtures?: Record<string, Omit<FixtureSpec, 'name'>>;
}

export function manifestPath(src: AssignmentSources): string {
  return path.join(src.fixturesDir, 'manifest.yaml');
}

/** The manifest of an assignment (none: no starter expectation, no fixtures); errors name file:line and field. */
export function loadManifest(src: AssignmentSources): Manifest {
  const file = manifestPath(src);
  if (!existsSync(file)) return { file, fixtures: [] };
  const { data, issue } = parseYamlFile<RawManifest>(readFileSync(file, 'utf8'), file, validate, 'invalid fixtures manifest');
  const fixtures = Object.entries(data.fixtures ?? {}).map(([name, f]) => ({ name, ...f }));
  const problems = fixtures
    .filter((f) => !existsSync(path.join(src.fixturesDir, f.patch)))
    .map((f) => issue(['fixtures', f.name, 'patch'], `no file ${f.patch} next to the manifest`));
  if (problems.length) throw new AssignmentError(problems, 'invalid fixtures manifest');
  return { file, ...(data.starter ? { starter: data.starter } : {}), fixtures };
}

/** The reference file a patch's path names: the longest trailing part of it that is a reference file. */
function targetOf(p: StructuredPatch, files: string[], patchFile: string): string {
  const named = (p.newFileName && p.newFileName !== '/dev/null' ? p.newFileName : p.oldFileName) ?? '';
  const parts = named.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const rel = parts.slice(i).join('/');
    if (files.includes(rel)) return rel;
  }
  throw new Error(`${patchFile}: the patch names ${named}, which is not a file of the reference (${files.join(', ')})`);
}

/** The reference's sources with a patch applied; a hunk that does not apply is an error naming the file and hunk. */
export function patchedSources(src: AssignmentSources, patchFile: string): Map<string, string> {
  const sources = readReference(src);
  const files = [...sources.keys()];
  const patches = parsePatch(readFileSync(patchFile, 'utf8'));
  if (!patches.some((p) => p.hunks.length)) throw new Error(`${patchFile}: no hunks (an empty patch is not a bug)`);
  for (const p of patches) {
    if (!p.hunks.length) continue;
    const file = targetOf(p, files, patchFile);
    const out = applyPatch(sources.get(file)!, p);
    if (out === false) {
      const h = p.hunks[0]!;
      throw new Error(`${patchFile}: does not apply to reference/${src.id}/${file} (hunk at line ${h.oldStart}: the reference changed since the patch was written; rewrite it with \`dlgrade assign ${src.id} --patch <name> --from <dir>\`)`);
    }
    sources.set(file, out);
  }
  return sources;
}

export type Staged = 'reference' | 'starter' | string;

/**
 * Writes one submission of the assignment into outDir: the reference (solution view), the generated starter,
 * or a fixture of the manifest (patched reference, solution view).
 */
export function stageSubmission(src: AssignmentSources, which: Staged, outDir: string): string[] {
  if (which === 'reference') return writeSubmissionView(src, outDir, { view: 'solution' });
  if (which === 'starter') return writeSubmissionView(src, outDir, { view: 'starter' });
  const fixture = loadManifest(src).fixtures.find((f) => f.name === which);
  if (!fixture) {
    const known = loadManifest(src).fixtures.map((f) => f.name);
    throw new Error(`assignment ${src.id} has no fixture "${which}" (fixtures: ${known.join(', ') || 'none'}; or reference, starter)`);
  }
  return writeSubmissionView(src, outDir, { view: 'solution', sources: patchedSources(src, path.join(src.fixturesDir, fixture.patch)) });
}

/** Writes the patch that turns reference/<id> into `editedDir` (an edited copy of the reference folder). */
export function writePatch(src: AssignmentSources, editedDir: string, patchFile: string): { files: string[] } {
  const reference = readReference(src);
  const edited = new Map(listFiles(editedDir).map((f) => [f, readFileSync(path.join(editedDir, f), 'utf8')]));
  const changed = [...reference.keys()].filter((f) => edited.has(f) && edited.get(f) !== reference.get(f));
  const unknown = [...edited.keys()].filter((f) => !reference.has(f));
  if (unknown.length) throw new Error(`${editedDir}: ${unknown.join(', ')} not in reference/${src.id} (a fixture changes reference files; add a file to the reference first)`);
  if (!changed.length) throw new Error(`${editedDir}: no file differs from reference/${src.id}`);
  const text = changed.map((f) => createTwoFilesPatch(`a/${f}`, `b/${f}`, reference.get(f)!, edited.get(f)!, undefined, undefined, { context: 3 })).join('');
  writeFileSync(patchFile, text);
  return { files: changed };
}
