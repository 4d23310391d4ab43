// `dlgrade assign <id> --out DIR`: everything a course hands out, generated from the assignment's one source.
//   DIR/student/                 the student bundle (npm install && npm test, anywhere)
//   DIR/gradescope/autograder.zip the Gradescope autograder (hidden tests inside: for Gradescope only)
//   DIR/classroom/               a GitHub Classroom template repository
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeClassroomTemplate } from './classroom.ts';
import { autograderZip } from './gradescope-package.ts';
import { packRuntime } from './runtime-package.ts';
import type { AssignmentSources } from './sources.ts';
import { writeStudentBundle } from './student-bundle.ts';

export interface HandOut {
  student: string;
  gradescopeZip: string;
  classroom: string;
}

export async function handOut(src: AssignmentSources, outDir: string, log: (line: string) => void = console.log): Promise<HandOut> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-assign-'));
  try {
    const tgz = await packRuntime(tmp, 'student');
    const graderTgz = await packRuntime(tmp, 'grader');
    log(`packed the dlgrade runtime: ${path.basename(tgz)} (student and grader builds)`);
    const student = path.join(outDir, 'student');
    const bundle = await writeStudentBundle(src, student, tgz);
    log(`wrote ${path.relative(process.cwd(), student) || student}/ (${bundle.files.length} files): cd there, npm install && npm test`);
    const gradescopeZip = path.join(outDir, 'gradescope', 'autograder.zip');
    mkdirSync(path.dirname(gradescopeZip), { recursive: true });
    writeFileSync(gradescopeZip, await autograderZip(src, graderTgz));
    log(`wrote ${path.relative(process.cwd(), gradescopeZip)} (upload as the Gradescope autograder; it holds the hidden tests)`);
    const classroom = path.join(outDir, 'classroom');
    writeClassroomTemplate(student, classroom);
    log(`wrote ${path.relative(process.cwd(), classroom)}/ (a GitHub Classroom template repository: push it, mark it as a template)`);
    return { student, gradescopeZip, classroom };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
