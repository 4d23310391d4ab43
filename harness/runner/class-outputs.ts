// The files of a class run. Per student, in OUT/<id>/ (SubmissionResult.id: a short, safe folder name
// derived from the student's name, harness/results/student-id.ts): results.json (Gradescope) and
// dlgrade.json (the SubmissionResult; written last, it marks the student as finished for a resumed run),
// through the one results writer. Per class: OUT/gradebook.csv, OUT/junit.xml, OUT/summary.md (names with a
// dot, which no student id without "~" has). Every file is written atomically.
import path from 'node:path';
import { writeFileAtomic } from '../results/atomic-write.ts';
import { toGradebookCsv } from '../results/gradebook.ts';
import { toJUnitXml } from '../results/junit.ts';
import { RESULT_FILE, readSubmissionResult } from '../results/read-result.ts';
import { studentId } from '../results/student-id.ts';
import { toSummaryMarkdown, type SummaryOptions } from '../results/summary-markdown.ts';
import { writeSubmissionOutputs } from '../results/write-outputs.ts';
import type { SubmissionResult } from '../types/submission-result.ts';

/** The class-level files, by role. */
export const CLASS_FILES = { gradebook: 'gradebook.csv', junit: 'junit.xml', summary: 'summary.md' } as const;

export function studentOutDir(outDir: string, r: Pick<SubmissionResult, 'id'>): string {
  return path.join(outDir, r.id);
}

export function writeStudentOutputs(outDir: string, r: SubmissionResult): string {
  const dir = studentOutDir(outDir, r);
  writeSubmissionOutputs(dir, r);
  return dir;
}

/**
 * A finished student's result in a class output folder, or undefined when there is none, it is unreadable
 * or it is someone else's (then the student is regraded).
 */
export function readStudentResult(outDir: string, student: string): SubmissionResult | undefined {
  try {
    const r = readSubmissionResult(path.join(outDir, studentId(student), RESULT_FILE));
    return r.student === student ? r : undefined;
  } catch {
    return undefined;
  }
}

export type ClassFiles = { [K in keyof typeof CLASS_FILES]: string };

export function writeClassOutputs(outDir: string, results: readonly SubmissionResult[], opts: SummaryOptions = {}): ClassFiles {
  const files: ClassFiles = {
    gradebook: path.join(outDir, CLASS_FILES.gradebook),
    junit: path.join(outDir, CLASS_FILES.junit),
    summary: path.join(outDir, CLASS_FILES.summary),
  };
  writeFileAtomic(files.gradebook, toGradebookCsv(results));
  writeFileAtomic(files.junit, toJUnitXml(results));
  writeFileAtomic(files.summary, toSummaryMarkdown(results, opts));
  return files;
}
