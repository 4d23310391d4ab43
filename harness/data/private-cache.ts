// Cache folders the grader can trust: what it reads back from one (trained weights, decoded digits) feeds
// scores, so a folder that another local user created, or could swap or write into, is not used. The checks
// are OpenSSH's for its key files: the folder and every ancestor owned by this user or root, and none
// writable by others unless sticky (as /tmp is). Off POSIX (no uids) the folder is used as it is.
import { lstatSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The default root of dlgrade's caches: <tmp>/dlgrade-cache-<uid> (one per user, so users never share one). */
export function defaultCacheRoot(): string {
  const uid = process.getuid?.();
  return path.join(os.tmpdir(), uid === undefined ? 'dlgrade-cache' : `dlgrade-cache-${uid}`);
}

/** Why `dir` is not safe to cache in, or undefined when it is. */
export function unsafeCacheDir(dir: string): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = lstatSync(d);
    if (st.isSymbolicLink()) return `${d} is a symbolic link`;
    if (!st.isDirectory()) return `${d} is not a folder`;
    if (st.uid !== uid && st.uid !== 0) return `${d} belongs to another user (uid ${st.uid})`;
    if (st.mode & 0o022 && !(st.mode & 0o1000)) return `${d} is writable by other users`;
    if (path.dirname(d) === d) return undefined;
  }
}

/** `dir`, created private (0700) when missing, or undefined when it cannot be trusted or created. */
export function privateCacheDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return unsafeCacheDir(dir) === undefined ? dir : undefined;
  } catch {
    return undefined;
  }
}
