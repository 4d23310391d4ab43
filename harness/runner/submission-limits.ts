// What a submission folder may hold, checked before anything of it is bundled or run. A 100 MB entry file or
// 20,000 small files kept the bundler busy for ~38 s, wrote tens of thousands of chunks and made the score
// depend on how far the run got; refused here, such a submission gets the same clear message every time, in
// milliseconds. The walk never follows a symbolic link (it counts the link itself) and skips node_modules
// and .git (a student's repository may hold them; they are never bundled: packages resolve from the grader).
// It stops at the first limit passed, so a huge folder costs no more than its first files.
//
// Defaults (assignment.yaml `limits` overrides each):
//   - 2 MB per file: course code is a few KB to a few hundred KB per file, and the data, weights and
//     datasets come from the grader; 2 MB still holds an answers.md with figures or a small JSON fixture.
//   - 50 MB in all: sources, answers, plots and a PDF write-up of a whole repository stay far below it.
//   - 2,000 files: a starter has about twenty; a repository with tests, notes and figures a few hundred.
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Limits } from '../assignment/types.ts';

export const DEFAULT_SUBMISSION_LIMITS = { submissionFileMb: 2, submissionTotalMb: 50, submissionFiles: 2000 } as const;

/** Folders a submission may have that are never counted nor bundled. */
const SKIPPED = new Set(['node_modules', '.git']);
const MB = 2 ** 20;

export type LimitCheck = { ok: true; files: number; bytes: number } | { ok: false; message: string };

const mb = (bytes: number) => `${Number((bytes / MB).toFixed(1))} MB`;
const NOT_COUNTED = 'node_modules and .git are not counted';

function kindOf(e: Dirent): string {
  if (e.isFIFO()) return 'a named pipe';
  if (e.isSocket()) return 'a socket';
  if (e.isCharacterDevice() || e.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Walks `dir` (sorted, so the same folder always fails the same way) against the assignment's limits. */
export function checkSubmissionLimits(dir: string, limits: Partial<Pick<Limits, keyof typeof DEFAULT_SUBMISSION_LIMITS>> = {}): LimitCheck {
  const fileMb = limits.submissionFileMb ?? DEFAULT_SUBMISSION_LIMITS.submissionFileMb;
  const totalMb = limits.submissionTotalMb ?? DEFAULT_SUBMISSION_LIMITS.submissionTotalMb;
  const maxFiles = limits.submissionFiles ?? DEFAULT_SUBMISSION_LIMITS.submissionFiles;
  let files = 0;
  let bytes = 0;
  // Depth first, names in order: a stack of folders still to read, relative to dir.
  const todo: string[] = [''];
  while (todo.length) {
    const rel = todo.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch (err) {
      return { ok: false, message: `the submission's folder ${rel || '.'} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subfolders: string[] = [];
    for (const e of entries) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED.has(e.name)) subfolders.push(name);
        continue;
      }
      if (++files > maxFiles) {
        return { ok: false, message: `the submission has more than ${maxFiles.toLocaleString('en-US')} files (limits.submissionFiles; ${NOT_COUNTED}): ${name} is one too many` };
      }
      // A link is counted, never followed: what it points to is checked where it lies, or not at all.
      if (e.isSymbolicLink()) continue;
      if (!e.isFile()) return { ok: false, message: `the submission's ${name} is ${kindOf(e)}: a submission holds only files and folders` };
      const size = lstatSync(path.join(dir, name)).size;
      if (size > fileMb * MB) {
        return { ok: false, message: `the submission's file ${name} is ${mb(size)}, over the limit of ${fileMb} MB per file (limits.submissionFileMb)` };
      }
      bytes += size;
      if (bytes > totalMb * MB) {
        return { ok: false, message: `the submission's files add up to more than ${totalMb} MB (limits.submissionTotalMb; ${NOT_COUNTED}), passed at ${name}` };
      }
    }
    // Reversed onto the stack, so they are read in name order.
    for (let i = subfolders.length - 1; i >= 0; i--) todo.push(subfolders[i]!);
  }
  return { ok: true, files, bytes };
}
