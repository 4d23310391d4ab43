import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadManifest, stageSubmission } from '../assign/fixtures.ts';
import { sourcesOf } from '../assign/sources.ts';

// A class for timing `gradeClass`: N students, each a copy of the assignment's reference or of one of its
// buggy fixtures, in turn (reference, fixture 1, ..., fixture k, reference, ...), so the class mixes full marks
// with the failures grading really meets. The reference and the manifest's fixtures (patches on the reference)
// are staged by harness/assign (stageSubmission); fixtures that are still complete submission folders under
// fixtures/submissions/<id>/ are copied.

/** A kind of student: what it is a copy of, and how to write one. */
export interface ClassMember {
  name: string;
  stage: (outDir: string) => void;
}

export interface BenchClass {
  classDir: string;
  /** Student folder name -> the member it is a copy of. */
  students: Record<string, string>;
}

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n !== 'node_modules' && statSync(path.join(dir, n)).isDirectory())
    .sort();
}

/** A member copied from a submission folder as it is. */
export function folderMember(name: string, dir: string): ClassMember {
  if (!existsSync(dir)) throw new Error(`no submission folder at ${dir} (for the class member "${name}")`);
  return { name, stage: (outDir) => cpSync(dir, outDir, { recursive: true, filter: (p) => !p.split(path.sep).includes('node_modules') }) };
}

/**
 * The reference (or `referenceDir`, copied as it is) and every fixture of the assignment: the manifest's
 * patches, then the folders of fixtures/submissions/<id>/ the manifest does not name.
 */
export function classMembers(assignment: string, referenceDir?: string): ClassMember[] {
  if (referenceDir) {
    const fixturesDir = path.resolve(path.dirname(path.resolve(referenceDir)));
    const own = path.basename(path.resolve(referenceDir));
    // A reference given as a fixture folder (the mini assignment's `correct`): its siblings are the fixtures.
    return [folderMember('reference', referenceDir), ...subfolders(fixturesDir).filter((n) => n !== own).map((n) => folderMember(n, path.join(fixturesDir, n)))];
  }
  const src = sourcesOf(assignment);
  const patched = loadManifest(src).fixtures.map((f) => f.name);
  return [
    { name: 'reference', stage: (outDir: string) => void stageSubmission(src, 'reference', outDir) },
    ...patched.map((name) => ({ name, stage: (outDir: string) => void stageSubmission(src, name, outDir) })),
    ...subfolders(src.fixturesDir)
      .filter((n) => !patched.includes(n))
      .map((n) => folderMember(n, path.join(src.fixturesDir, n))),
  ];
}

/** Writes a class of `n` students into `classDir` (student-001, student-002, ...), members in turn. */
export function stageBenchClass(members: readonly ClassMember[], n: number, classDir: string): BenchClass {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--class must be a whole number of students >= 1, got ${n}`);
  if (members.length === 0) throw new Error('a bench class needs at least one kind of submission (the reference)');
  const width = Math.max(3, String(n).length);
  mkdirSync(classDir, { recursive: true });
  const students: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const name = `student-${String(i + 1).padStart(width, '0')}`;
    const member = members[i % members.length]!;
    member.stage(path.join(classDir, name));
    students[name] = member.name;
  }
  return { classDir, students };
}
