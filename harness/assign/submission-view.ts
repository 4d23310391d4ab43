// Writes an assignment as a submission folder, generated from its reference solution: the starter a student
// receives (solution regions stripped, starter lines in) or the solution as a student would submit it (the
// reference and its fixtures: markers out). Both get the student's copy of the contract, todo.ts, the files
// of assignments/<id>/student/ and the reference's imports of the contract pointed at that copy.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyRegions, isReferenceOnly, type View } from './regions.ts';
import { listFiles, type AssignmentSources } from './sources.ts';

const TODO_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'files', 'todo.ts');

export interface ViewOptions {
  view: View;
  /** Reference sources after patching (a fixture): relative path -> text. Default: the reference as it is. */
  sources?: Map<string, string>;
}

/** The reference's files as text (relative path -> text). */
export function readReference(src: AssignmentSources): Map<string, string> {
  return new Map(listFiles(src.referenceDir).map((f) => [f, readFileSync(path.join(src.referenceDir, f), 'utf8')]));
}

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\2/g;

/**
 * Points relative imports that leave the reference folder at the student's copy of the contract; any other
 * such import is an authoring error (a submission may import only its own files, the contract and packages).
 */
function rewriteImports(text: string, file: string, src: AssignmentSources): string {
  const fromDir = path.dirname(path.join(src.referenceDir, file));
  return text.replace(SPECIFIER, (whole, head: string, quote: string, spec: string) => {
    if (!spec.startsWith('.')) return whole;
    const target = path.resolve(fromDir, spec);
    const rel = path.relative(src.referenceDir, target);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return whole;
    if (target !== src.contract) {
      throw new Error(`reference/${src.id}/${file}: imports "${spec}" (${target}), outside the reference folder: a reference may import its own files, its contract (${path.relative(path.dirname(src.referenceDir), src.contract)}) and packages (e.g. dlgrade/layers)`);
    }
    let to = path.relative(path.dirname(file) || '.', 'contract.ts').split(path.sep).join('/');
    if (!to.startsWith('.')) to = `./${to}`;
    return `${head}${quote}${to}${quote}`;
  });
}

function put(outDir: string, rel: string, text: string, written: Set<string>, origin: string): void {
  if (written.has(rel)) throw new Error(`${origin}: ${rel} is written twice into the ${path.basename(outDir)} folder (a reference file and a student/ file, or a file named like the contract or todo.ts)`);
  written.add(rel);
  const abs = path.join(outDir, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

/** Writes the view into outDir (created if needed); returns the relative paths written. */
export function writeSubmissionView(src: AssignmentSources, outDir: string, opts: ViewOptions): string[] {
  const sources = opts.sources ?? readReference(src);
  const written = new Set<string>();
  for (const [file, raw] of [...sources].sort(([a], [b]) => a.localeCompare(b))) {
    if (opts.view === 'starter' && isReferenceOnly(raw)) continue;
    let text = applyRegions(raw, `reference/${src.id}/${file}`, opts.view);
    if (/\.(ts|mts|tsx|js|mjs)$/.test(file)) text = rewriteImports(text, file, src);
    put(outDir, file, text, written, `reference/${src.id}`);
  }
  put(outDir, 'contract.ts', readFileSync(src.contract, 'utf8'), written, `assignments/${src.id}/contract.ts`);
  put(outDir, 'todo.ts', readFileSync(TODO_FILE, 'utf8'), written, 'harness/assign/files/todo.ts');
  for (const file of listFiles(src.studentDir)) {
    put(outDir, file, readFileSync(path.join(src.studentDir, file), 'utf8'), written, `assignments/${src.id}/student`);
  }
  return [...written].sort();
}
