// The students of a class folder: one sub-folder each, named for the student (hidden folders and
// node_modules are not students). Sorted, so every run and every shard sees the same order. A folder name is
// data (any bytes a filesystem allows): one that is not valid UTF-8 cannot be opened by its decoded name, so
// it is listed under a visible spelling of its bytes ("inv\xffalid") with the reason, and graded as missing
// instead of silently left out.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Roster {
  students: string[];
  /** Students that cannot be graded, with why (folder names that are not valid UTF-8). */
  unreadable: Map<string, string>;
}

/** "inv\xffalid": the valid UTF-8 runs as text, every other byte as \xNN. */
function spellBytes(raw: Buffer): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    let j = raw.length;
    // The longest prefix from i that decodes cleanly, else one byte.
    for (; j > i; j--) if (Buffer.from(raw.subarray(i, j).toString('utf8')).equals(raw.subarray(i, j))) break;
    if (j > i) {
      out += raw.subarray(i, j).toString('utf8').replace(/\\/g, '\\\\');
      i = j;
    } else out += `\\x${raw[i++]!.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export function readRoster(classDir: string): Roster {
  let names: Buffer[];
  try {
    names = readdirSync(classDir, { encoding: 'buffer' });
  } catch (err) {
    throw new Error(`--class ${classDir}: cannot read the class folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const students: string[] = [];
  const unreadable = new Map<string, string>();
  for (const raw of names) {
    const name = raw.toString('utf8');
    if (name.startsWith('.') || name === 'node_modules') continue;
    let isDir = false;
    try {
      isDir = statSync(Buffer.concat([Buffer.from(classDir + path.sep), raw])).isDirectory();
    } catch {
      continue;
    }
    if (!isDir) continue;
    if (Buffer.from(name).equals(raw)) students.push(name);
    else {
      const spelt = spellBytes(raw);
      students.push(spelt);
      unreadable.set(spelt, `the folder's name is not valid UTF-8 (${spelt}): dlgrade cannot open it by name; rename it and grade again`);
    }
  }
  students.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { students, unreadable };
}
