// Where an assignment's hand-written sources live (docs/authoring.md "The files of an assignment"):
// assignments/<id>/ (yaml, contract, probes, suites, student/ extras), reference/<id>/ (the solution with its
// regions) and fixtures/submissions/<id>/ (manifest.yaml + patches). Everything handed out or graded as an
// example is generated from these.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT, resolveAssignmentDir } from '../assignment/load.ts';

export interface AssignmentSources {
  id: string;
  /** assignments/<id> */
  assignmentDir: string;
  /** reference/<id> */
  referenceDir: string;
  /** assignments/<id>/student: files only students get (README.md, experiments.ts, ...); may be absent. */
  studentDir: string;
  /** assignments/<id>/contract.ts */
  contract: string;
  /** fixtures/submissions/<id> */
  fixturesDir: string;
}

export function sourcesOf(idOrDir: string, root = PACKAGE_ROOT): AssignmentSources {
  const assignmentDir = resolveAssignmentDir(idOrDir);
  const id = path.basename(assignmentDir);
  const src: AssignmentSources = {
    id,
    assignmentDir,
    referenceDir: path.join(root, 'reference', id),
    studentDir: path.join(assignmentDir, 'student'),
    contract: path.join(assignmentDir, 'contract.ts'),
    fixturesDir: path.join(root, 'fixtures', 'submissions', id),
  };
  if (!existsSync(src.referenceDir)) throw new Error(`assignment ${id}: no reference solution at ${src.referenceDir}`);
  if (!existsSync(src.contract)) throw new Error(`assignment ${id}: no contract at ${src.contract}`);
  return src;
}

/** Ids of the assignments under root/assignments that have a reference solution (the ones dlgrade assign knows). */
export function assignmentIds(root = PACKAGE_ROOT): string[] {
  const dir = path.join(root, 'assignments');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(path.join(dir, id, 'assignment.yaml')) && existsSync(path.join(root, 'reference', id)))
    .sort();
}

/** Files below `dir`, relative to it, sorted; skips node_modules and dot-folders. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const abs = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(abs).isDirectory()) walk(abs, r);
      else out.push(r);
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}
