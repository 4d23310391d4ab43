// The students of a class folder: one sub-folder each, named for the student (hidden folders and
// node_modules are not students). Sorted, so every run and every shard sees the same order.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function listStudents(classDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(classDir);
  } catch (err) {
    throw new Error(`--class ${classDir}: cannot read the class folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return names
    .filter((n) => !n.startsWith('.') && n !== 'node_modules')
    .filter((n) => {
      try {
        return statSync(path.join(classDir, n)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
