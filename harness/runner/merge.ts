// Joins the outputs of several class runs (typically the shards of one class, graded on different CI
// runners) into one folder: every student's folder (OUT/<id>/) is copied, and gradebook.csv, junit.xml and
// summary.md are rewritten for the whole class from the students' dlgrade.json (never rescored). Students
// are matched by their name as stored in dlgrade.json (the data), not by folder. A student found in two
// inputs is an error (shards are disjoint), unless both results are identical.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { RESULT_FILE, readSubmissionResult } from '../results/read-result.ts';
import { displayName } from '../results/safe-text.ts';
import type { SubmissionResult } from '../types/submission-result.ts';
import { studentOutDir, writeClassOutputs, type ClassFiles } from './class-outputs.ts';

export interface MergeResult {
  /** Students by name, sorted. */
  students: string[];
  results: SubmissionResult[];
  files: ClassFiles;
}

interface Found {
  result: SubmissionResult;
  dir: string;
}

/** Students with a finished result in one class output folder, by student name. */
export function collectResults(dir: string): Map<string, Found> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a folder of class results`);
  const found = new Map<string, Found>();
  for (const name of readdirSync(dir).sort()) {
    const sub = path.join(dir, name);
    if (name.startsWith('.') || !statSync(sub).isDirectory() || !existsSync(path.join(sub, RESULT_FILE))) continue;
    // A dlgrade.json that is there but unreadable is a broken input, not a student to leave out silently.
    addResult(found, readSubmissionResult(path.join(sub, RESULT_FILE)), sub);
  }
  return found;
}

function addResult(into: Map<string, Found>, result: SubmissionResult, dir: string): void {
  const prev = into.get(result.student);
  if (prev && JSON.stringify(prev.result) !== JSON.stringify(result)) {
    throw new Error(`student "${displayName(result.student)}" has different results in ${prev.dir} and ${dir}: shards must not overlap (same --shard n for every shard?)`);
  }
  if (!prev) into.set(result.student, { result, dir });
}

export function mergeClassOutputs(inputs: readonly string[], outDir: string): MergeResult {
  if (!inputs.length) throw new Error('dlgrade merge: name at least one results folder');
  const out = path.resolve(outDir);
  const all = new Map<string, Found>();
  let assignment: string | undefined;
  for (const input of inputs) {
    const found = collectResults(path.resolve(input));
    if (!found.size) throw new Error(`${input}: no student results (expected <id>/${RESULT_FILE} folders, as \`dlgrade grade --class\` writes)`);
    for (const entry of found.values()) {
      assignment ??= entry.result.assignment;
      if (entry.result.assignment !== assignment) {
        throw new Error(`${entry.dir}: assignment "${entry.result.assignment}", but the other inputs are "${assignment}": merge results of one assignment at a time`);
      }
      addResult(all, entry.result, entry.dir);
    }
  }
  const students = [...all.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const byId = new Map<string, Found>();
  for (const s of students) {
    const entry = all.get(s)!;
    const other = byId.get(entry.result.id);
    if (other) throw new Error(`${other.dir} and ${entry.dir}: students "${displayName(other.result.student)}" and "${displayName(s)}" have the same folder ${entry.result.id}`);
    byId.set(entry.result.id, entry);
  }
  for (const s of students) {
    const { result, dir } = all.get(s)!;
    const dst = studentOutDir(out, result);
    if (path.resolve(dir) !== dst) cpSync(dir, dst, { recursive: true });
  }
  const results = students.map((s) => all.get(s)!.result);
  return { students, results, files: writeClassOutputs(out, results, { scopeNote: `merged from ${inputs.length} folder${inputs.length === 1 ? '' : 's'}` }) };
}
