// Reads every dlgrade.json below a results folder. Each file is one SubmissionResult written by
// `dlgrade grade`; a report renders these as they are and never recomputes a score. The checks here
// are structural only (so a template does not fail on a malformed file far from its cause): they name
// the file and the field.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SubmissionResult } from '../results/types.ts';

export const RESULT_FILE = 'dlgrade.json';

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
  for (const file of files) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
    }
    loaded.push({ file, result: checkSubmissionResult(value, file) });
  }
  const seen = new Map<string, string>();
  for (const { file, result } of loaded) {
    const key = `${result.assignment}/${result.student}`;
    const other = seen.get(key);
    if (other) throw new Error(`${file}: student "${result.student}" of ${result.assignment} also comes from ${other}`);
    seen.set(key, file);
  }
  return loaded;
}

type Kind = 'string' | 'number' | 'array' | 'object';

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}

function need(obj: Record<string, unknown>, field: string, kind: Kind, where: string, optional = false): void {
  const v = obj[field];
  if (v === undefined && optional) return;
  const got = kindOf(v);
  if (got !== kind || (kind === 'number' && !Number.isFinite(v))) {
    throw new Error(`${where}.${field}: expected ${kind}, got ${got === 'number' ? String(v) : got}`);
  }
}

/** Structural check of one parsed dlgrade.json; returns it typed. */
export function checkSubmissionResult(value: unknown, file: string): SubmissionResult {
  if (kindOf(value) !== 'object') throw new Error(`${file}: expected a SubmissionResult object, got ${kindOf(value)}`);
  const r = value as Record<string, unknown>;
  const at = `${file}: result`;
  for (const f of ['assignment', 'student', 'engine', 'status', 'startedAt', 'scope'] as const) need(r, f, 'string', at);
  for (const f of ['score', 'maxScore', 'durationMs'] as const) need(r, f, 'number', at);
  for (const f of ['statusMessage', 'assignmentTitle', 'course'] as const) need(r, f, 'string', at, true);
  need(r, 'warnings', 'array', at, true);
  for (const f of ['exercises', 'tests', 'manual'] as const) need(r, f, 'array', at);
  need(r, 'artifacts', 'object', at);
  (r.exercises as unknown[]).forEach((e, i) => {
    const w = `${at}.exercises[${i}]`;
    if (kindOf(e) !== 'object') throw new Error(`${w}: expected object, got ${kindOf(e)}`);
    const o = e as Record<string, unknown>;
    need(o, 'id', 'string', w);
    need(o, 'title', 'string', w);
    for (const f of ['score', 'maxScore', 'manualMaxScore']) need(o, f, 'number', w);
  });
  (r.tests as unknown[]).forEach((t, i) => {
    const w = `${at}.tests[${i}]`;
    if (kindOf(t) !== 'object') throw new Error(`${w}: expected object, got ${kindOf(t)}`);
    const o = t as Record<string, unknown>;
    for (const f of ['id', 'name', 'exercise', 'visibility', 'status', 'output']) need(o, f, 'string', w);
    for (const f of ['score', 'maxScore', 'durationMs']) need(o, f, 'number', w);
  });
  (r.manual as unknown[]).forEach((m, i) => {
    const w = `${at}.manual[${i}]`;
    if (kindOf(m) !== 'object') throw new Error(`${w}: expected object, got ${kindOf(m)}`);
    const o = m as Record<string, unknown>;
    for (const f of ['id', 'exercise', 'title']) need(o, f, 'string', w);
    need(o, 'maxScore', 'number', w);
    need(o, 'answer', 'string', w, true);
    need(o, 'score', 'number', w, true);
  });
  const a = r.artifacts as Record<string, unknown>;
  for (const f of ['models', 'shapeTable', 'curves', 'confusion', 'leaderboard']) need(a, f, 'array', `${at}.artifacts`, true);
  return value as SubmissionResult;
}
