// The files of a class run: per student OUT/<student>/results.json (Gradescope) and OUT/<student>/dlgrade.json
// (the SubmissionResult; written last, it marks the student as finished for a resumed run), and per class
// OUT/gradebook.csv, OUT/junit.xml, OUT/summary.md. Every file is written atomically.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toGradebookCsv } from '../results/gradebook.ts';
import { toGradescope } from '../results/gradescope.ts';
import { toJUnitXml } from '../results/junit.ts';
import { toSummaryMarkdown, type SummaryOptions } from '../results/summary-markdown.ts';
import type { SubmissionResult } from '../results/types.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';

export const RESULT_FILE = 'dlgrade.json';

export function studentOutDir(outDir: string, student: string): string {
  return path.join(outDir, student);
}

export function writeStudentOutputs(outDir: string, r: SubmissionResult): string {
  const dir = studentOutDir(outDir, r.student);
  writeJsonAtomic(path.join(dir, 'results.json'), toGradescope(r));
  writeJsonAtomic(path.join(dir, RESULT_FILE), r);
  return dir;
}

/** A finished student's result, or undefined when there is none (or it is unreadable: then it is regraded). */
export function readStudentResult(dir: string): SubmissionResult | undefined {
  const file = path.join(dir, RESULT_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<SubmissionResult>;
    if (typeof r.student !== 'string' || typeof r.assignment !== 'string' || typeof r.score !== 'number' || !Array.isArray(r.tests)) return undefined;
    return r as SubmissionResult;
  } catch {
    return undefined;
  }
}

export interface ClassFiles {
  gradebook: string;
  junit: string;
  summary: string;
}

export function writeClassOutputs(outDir: string, results: readonly SubmissionResult[], opts: SummaryOptions = {}): ClassFiles {
  const files = { gradebook: path.join(outDir, 'gradebook.csv'), junit: path.join(outDir, 'junit.xml'), summary: path.join(outDir, 'summary.md') };
  writeFileAtomic(files.gradebook, toGradebookCsv(results));
  writeFileAtomic(files.junit, toJUnitXml(results));
  writeFileAtomic(files.summary, toSummaryMarkdown(results, opts));
  return files;
}
