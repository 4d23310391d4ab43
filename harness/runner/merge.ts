// Joins the outputs of several class runs (typically the shards of one class, graded on different CI
// runners) into one folder: every OUT/<student>/ folder is copied, and gradebook.csv, junit.xml and
// summary.md are rewritten for the whole class from the students' dlgrade.json (never rescored).
// A student found in two inputs is an error (shards are disjoint), unless both results are identical.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SubmissionResult } from '../results/types.ts';
import { readStudentResult, writeClassOutputs, type ClassFiles } from './class-outputs.ts';

export interface MergeResult {
  students: string[];
  results: SubmissionResult[];
  files: ClassFiles;
}

/** Students with a finished result in one class output folder. */
export function collectResults(dir: string): Map<string, { result: SubmissionResult; dir: string }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a folder of class results`);
  const found = new Map<string, { result: SubmissionResult; dir: string }>();
  for (const name of readdirSync(dir)) {
    const sub = path.join(dir, name);
    if (name.startsWith('.') || !statSync(sub).isDirectory()) continue;
    const r = readStudentResult(sub);
    if (r) found.set(name, { result: r, dir: sub });
  }
  return found;
}

export function mergeClassOutputs(inputs: readonly string[], outDir: string): MergeResult {
  if (!inputs.length) throw new Error('dlgrade merge: name at least one results folder');
  const out = path.resolve(outDir);
  const all = new Map<string, { result: SubmissionResult; dir: string }>();
  let assignment: string | undefined;
  for (const input of inputs) {
    const found = collectResults(path.resolve(input));
    if (!found.size) throw new Error(`${input}: no student results (expected <student>/dlgrade.json folders, as \`dlgrade grade --class\` writes)`);
    for (const [student, entry] of found) {
      assignment ??= entry.result.assignment;
      if (entry.result.assignment !== assignment) {
        throw new Error(`${entry.dir}: assignment "${entry.result.assignment}", but the other inputs are "${assignment}": merge results of one assignment at a time`);
      }
      const prev = all.get(student);
      if (prev && JSON.stringify(prev.result) !== JSON.stringify(entry.result)) {
        throw new Error(`student "${student}" has different results in ${prev.dir} and ${entry.dir}: shards must not overlap (same --shard n for every shard?)`);
      }
      all.set(student, entry);
    }
  }
  const students = [...all.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const s of students) {
    const src = all.get(s)!.dir;
    const dst = path.join(out, s);
    if (path.resolve(src) !== dst) cpSync(src, dst, { recursive: true });
  }
  const results = students.map((s) => all.get(s)!.result);
  return { students, results, files: writeClassOutputs(out, results, { scopeNote: `merged from ${inputs.length} folder${inputs.length === 1 ? '' : 's'}` }) };
}
