// The bundled example class of every assignment, for `dlgrade grade --examples` (the README's main job,
// `npm start`): the reference solution (as student "reference"), the generated starter and every fixture of
// the assignment's manifest, staged from the one source (harness/assign) into one class folder per assignment
// under a scratch folder (a class run reads one folder of students; the sandbox hides reference/).
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadManifest, stageSubmission } from './fixtures.ts';
import { assignmentIds, sourcesOf } from './sources.ts';
import { PACKAGE_ROOT } from '../assignment/load.ts';

export interface ExampleClass {
  assignment: string;
  classDir: string;
  students: string[];
}

/** Assignments (with a reference) and their example classes, staged in a scratch folder. */
export function stageExampleClasses(root = PACKAGE_ROOT): ExampleClass[] {
  const ids = assignmentIds(root);
  if (ids.length === 0) throw new Error(`no assignment with an assignment.yaml and a reference solution under ${root}`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-examples-'));
  return ids.map((id) => {
    const src = sourcesOf(id, root);
    const manifest = loadManifest(src);
    const students = ['reference', ...(manifest.starter ? ['starter'] : []), ...manifest.fixtures.map((f) => f.name)];
    const classDir = path.join(scratch, id);
    mkdirSync(classDir, { recursive: true });
    for (const s of students) stageSubmission(src, s, path.join(classDir, s));
    return { assignment: id, classDir, students: [...students].sort() };
  });
}
