// Reads every dlgrade.json below a results folder. Each file is one SubmissionResult written by
// `dlgrade grade`; a report renders these as they are and never recomputes a score. Each is checked
// against the results schema by the one reader (harness/results/read-result.ts), so a template does not
// fail on a malformed file far from its cause: a problem names the file and the field.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSubmissionResult, RESULT_FILE } from '../results/read-result.ts';
import { displayName } from '../results/safe-text.ts';
import type { SubmissionResult } from '../types/submission-result.ts';

export interface LoadedResult {
  /** Path of the dlgrade.json it came from. */
  file: string;
  result: SubmissionResult;
}

/** Every dlgrade.json below `dir` (any depth), sorted by path so output order is stable. */
export async function findResultFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(d: string): Promise<void> {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        await walk(p);
      } else if (e.isFile() && e.name === RESULT_FILE) {
        found.push(p);
      }
    }
  }
  try {
    await walk(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new Error(`results folder ${dir} does not exist`);
    if (e.code === 'ENOTDIR') throw new Error(`--results ${dir} is a file; give the folder that holds the ${RESULT_FILE} files`);
    throw err;
  }
  return found.sort();
}

export async function loadResults(dir: string): Promise<LoadedResult[]> {
  const files = await findResultFiles(dir);
  if (files.length === 0) {
    throw new Error(`no ${RESULT_FILE} below ${dir}: run \`dlgrade grade ... --out ${dir}\` first`);
  }
  const loaded: LoadedResult[] = [];
  for (const file of files) loaded.push({ file, result: parseSubmissionResult(await readFile(file, 'utf8'), file) });
  // One result per student and per id in an assignment: ids name report files and anchors.
  const seen = new Map<string, string>();
  for (const { file, result } of loaded) {
    for (const key of [`student ${result.assignment}/${result.student}`, `id ${result.assignment}/${result.id}`]) {
      const other = seen.get(key);
      if (other) throw new Error(`${file}: student "${displayName(result.student)}" (${result.id}) of ${result.assignment} also comes from ${other}`);
      seen.set(key, file);
    }
  }
  return loaded;
}
