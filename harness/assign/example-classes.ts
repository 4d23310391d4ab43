// The bundled example class of every assignment, for `dlgrade grade --examples` (the README's main job,
// `npm start`): the reference solution (as student "reference") and every fixture submission under
// fixtures/submissions/<id>/. They are copied into one class folder per assignment under a scratch folder,
// because a class run reads one folder of students, and because the sandbox hides reference/ from
// submissions (a student folder inside it could not be read).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../assignment/load.ts';

export interface ExampleClass {
  assignment: string;
  classDir: string;
  students: string[];
}

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n !== 'node_modules' && statSync(path.join(dir, n)).isDirectory())
    .sort();
}

/** Assignments (folders of assignments/ with an assignment.yaml) and their example classes, staged in a scratch folder. */
export function stageExampleClasses(root = PACKAGE_ROOT): ExampleClass[] {
  const ids = subfolders(path.join(root, 'assignments')).filter((id) => existsSync(path.join(root, 'assignments', id, 'assignment.yaml')));
  if (ids.length === 0) throw new Error(`no assignment with an assignment.yaml under ${path.join(root, 'assignments')}`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-examples-'));
  return ids.map((id) => {
    const classDir = path.join(scratch, id);
    mkdirSync(classDir, { recursive: true });
    const copy = (from: string, student: string) =>
      cpSync(from, path.join(classDir, student), { recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules') });
    const students: string[] = [];
    const reference = path.join(root, 'reference', id);
    if (existsSync(reference)) {
      copy(reference, 'reference');
      students.push('reference');
    }
    const fixtures = path.join(root, 'fixtures', 'submissions', id);
    for (const name of subfolders(fixtures)) {
      copy(path.join(fixtures, name), name);
      students.push(name);
    }
    return { assignment: id, classDir, students };
  });
}
