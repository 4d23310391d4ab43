// Compiles what the sandboxed child runs, in the trusted parent, with esbuild: the child runtime
// (submission-child.ts), the assignment's probes and the submission, bundled together (code splitting, so
// the engine module the probes and the runtime share exists once) into a scratch folder. The child then
// needs neither tsx nor esbuild, and reads only that folder and the packages it imports.
//
// Confinement happens here, at compile time, because the compiler reads files as the grader: a submission
// may import its own files (realpath inside its folder), Node built-ins, packages installed with the grader
// (resolved from the grader's root, never from the submission's own node_modules, and left external, so
// tfjs is one instance shared with the probes) and dlgrade's own public modules (dlgrade/layers, bundled).
// Two layers: the resolver refuses an import that leaves the folder (the message names the import), and
// afterwards every file that ended up in the bundle is checked from esbuild's metafile, whatever brought it
// in: a symlinked entry or folder, a template-literal import esbuild expands as a glob, a require of a
// computed path. A file outside the submission that only the submission reaches refuses the submission.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

/** The dlgrade package root (bare imports resolve from here). */
export const GRADER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD_ENTRY = path.join(GRADER_ROOT, 'harness/runner/submission-child.ts');

export interface BundleInput {
  submissionDir: string;
  /** Absolute path of the submission's entry file (index.ts, ...). */
  entryFile: string;
  probesFile: string;
  outDir: string;
}

export interface Bundle {
  runtime: string;
  probes: string;
  submission: string;
  /** node_modules folders the bundles import from: the child must be allowed to read them. */
  packageRoots: string[];
  /**
   * Each of the submission's own files (relative to its folder) with the packages it imports (bare
   * specifiers as written, e.g. "@tensorflow/tfjs", "node:fs"): evidence the grader computed itself of what a
   * file uses (a from-scratch exercise must not import tfjs).
   */
  imports: Record<string, string[]>;
  /** Each of the submission's own files with the own files it imports (relative to its folder). */
  localImports: Record<string, string[]>;
  /** What it was built from (a prebuilt bundle is reused only for the same submission and probes). */
  submissionDir: string;
  probesFile: string;
}

/** Where a student folder keeps the assignment's public grading files (dlgrade assign writes it). */
export const GRADING_DIR = 'grading';

/** Written next to the bundles, so a grading run bundles once and every test file's sandbox reuses it. */
export const BUNDLE_MANIFEST = 'bundle.json';

/** A submission that does not compile or imports what it may not; the message names file:line. */
export class BundleError extends Error {
  constructor(
    message: string,
    /** True when every error is located in the submission's files (else the probes or the harness failed). */
    readonly inSubmission: boolean,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

function realOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const isBare = (spec: string) => !spec.startsWith('.') && !path.isAbsolute(spec) && !spec.startsWith('file:');
/** dlgrade's own public modules (package.json "exports"), bundled rather than left external. */
const isSelf = (spec: string) => spec === 'dlgrade' || spec.startsWith('dlgrade/');

/** The node_modules folder a resolved package file lives in (the outermost below the filesystem root). */
function packageRootOf(file: string): string | undefined {
  const parts = file.split(path.sep);
  const i = parts.indexOf('node_modules');
  return i < 0 ? undefined : parts.slice(0, i + 1).join(path.sep);
}

export async function bundleSubmission(input: BundleInput): Promise<Bundle> {
  const subRoot = realpathSync(input.submissionDir);
  // The probes' folder is trusted even when it lies inside the submission folder: the student bundle ships
  // its public grading files in grading/ beside the student's code, and `npm test` grades that folder.
  // Only a folder strictly inside the submission's: a probes folder that contains the submission trusts nothing.
  const probesDir = path.dirname(realpathSync(input.probesFile));
  const trustedInside = inside(probesDir, subRoot) && probesDir !== subRoot;
  const packageRoots = new Set<string>();
  // esbuild's metafile gives an external import only its new path (the file URL): what was written, by URL.
  const externalSpecs = new Map<string, string>();
  const confine: esbuild.Plugin = {
    name: 'dlgrade-confine',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || (args.pluginData as { inner?: boolean } | undefined)?.inner) return undefined;
        const spec = args.path;
        if (isBuiltin(spec)) return { path: spec, external: true };
        const fromSubmission =
          (inside(args.importer, subRoot) || inside(args.importer, path.resolve(input.submissionDir))) &&
          !(trustedInside && inside(realOr(args.importer), probesDir));
        if (isSelf(spec)) {
          // A submission may use the layers dlgrade provides, never the grading kit (it holds the checks' maths).
          if (fromSubmission && spec !== 'dlgrade/layers') return { errors: [{ text: `cannot import "${spec}": a submission may import dlgrade/layers (the layers its models may use), not dlgrade's grading code` }] };
          const r = await build.resolve(spec, { kind: args.kind, resolveDir: GRADER_ROOT, pluginData: { inner: true } });
          if (r.errors.length || !r.path) return { errors: [{ text: `cannot import "${spec}": dlgrade exports dlgrade/layers (and dlgrade/kit for grading code)` }] };
          return { path: r.path };
        }
        if (isBare(spec)) {
          const r = await build.resolve(spec, { kind: args.kind, resolveDir: GRADER_ROOT, pluginData: { inner: true } });
          if (r.errors.length || !r.path) {
            return { errors: [{ text: `cannot import "${spec}": it is not a package installed with the grader${fromSubmission ? ' (a submission may import its own files, Node built-ins and the packages the assignment uses, e.g. @tensorflow/tfjs)' : ''}` }] };
          }
          const root = packageRootOf(r.path);
          if (root) packageRoots.add(root);
          const url = pathToFileURL(r.path).href;
          externalSpecs.set(url, spec);
          return { path: url, external: true };
        }
        if (!fromSubmission) return undefined; // trusted code (runtime, probes, harness): normal resolution
        const r = await build.resolve(spec, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
        if (r.errors.length) return { errors: r.errors };
        const real = realpathSync(r.path);
        if (!inside(real, subRoot)) {
          return { errors: [{ text: `"${spec}" resolves to ${real}, outside the submission folder: a submission may import only its own files, Node built-ins and installed packages` }] };
        }
        if (isGradingCode(real, subRoot, trustedInside ? probesDir : undefined)) {
          return { errors: [{ text: `"${spec}" is the assignment's grading code (${GRADING_DIR}/): a submission may not import it` }] };
        }
        return { path: real };
      });
    },
  };
  await mkdir(input.outDir, { recursive: true });
  let result: esbuild.BuildResult;
  try {
    result = await esbuild.build({
      entryPoints: { runtime: CHILD_ENTRY, probes: input.probesFile, submission: input.entryFile },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outdir: input.outDir,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      sourcemap: 'linked',
      sourcesContent: false,
      // The submission's own tsconfig is ignored: it could point the compiler elsewhere.
      tsconfigRaw: {},
      logLevel: 'silent',
      // Message locations relative to the submission folder ("index.ts:3:7").
      absWorkingDir: path.resolve(input.submissionDir),
      plugins: [confine],
      metafile: true,
    });
  } catch (err) {
    const errors = (err as { errors?: esbuild.Message[] }).errors;
    if (!Array.isArray(errors) || !errors.length) throw err;
    throw new BundleError(formatMessages(errors, input.submissionDir), errors.every((m) => locatedIn(m, input.submissionDir)));
  }
  if (result.errors.length) throw new BundleError(formatMessages(result.errors, input.submissionDir), result.errors.every((m) => locatedIn(m, input.submissionDir)));
  const { imports, localImports } = checkConfinement(result.metafile!, input, subRoot, trustedInside ? probesDir : undefined, externalSpecs);
  const bundle: Bundle = {
    runtime: path.join(input.outDir, 'runtime.mjs'),
    probes: path.join(input.outDir, 'probes.mjs'),
    submission: path.join(input.outDir, 'submission.mjs'),
    packageRoots: [...packageRoots],
    imports,
    localImports,
    submissionDir: path.resolve(input.submissionDir),
    probesFile: path.resolve(input.probesFile),
  };
  writeFileSync(path.join(input.outDir, BUNDLE_MANIFEST), JSON.stringify(bundle));
  return bundle;
}

/** The bundle gradeSubmission built in `dir` (bundle.json), or undefined when there is none. */
export function readBundle(dir: string): Bundle | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, BUNDLE_MANIFEST), 'utf8')) as Bundle;
  } catch {
    return undefined;
  }
}

const GLOB = /[*?[\]{}]/;

/**
 * Every input of the bundle, whatever brought it in, must be trusted code (reached from the runtime or the
 * probes), package code (reached through a bare import) or the submission's own file (its real path inside
 * the submission folder). Returns the submission's files with the packages each imports.
 */
function checkConfinement(meta: esbuild.Metafile, input: BundleInput, subRoot: string, probesInside: string | undefined, externalSpecs: ReadonlyMap<string, string>): { imports: Record<string, string[]>; localImports: Record<string, string[]> } {
  const abs = (p: string) => path.resolve(input.submissionDir, p);
  const inputs = new Map(Object.entries(meta.inputs).map(([k, v]) => [abs(k), v]));
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const entryOf = (file: string) => [...inputs.keys()].find((k) => real(k) === real(file));
  const reach = (from: string[], follow: (importer: string, spec: string | undefined) => boolean): Set<string> => {
    const seen = new Set<string>();
    const todo = [...from];
    while (todo.length) {
      const f = todo.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const imp of inputs.get(f)?.imports ?? []) {
        if (imp.external) continue;
        if (follow(f, imp.original)) todo.push(abs(imp.path));
      }
    }
    return seen;
  };
  const trustedEntries = [entryOf(CHILD_ENTRY), entryOf(input.probesFile)].filter((f): f is string => !!f);
  const trusted = reach(trustedEntries, () => true);
  const problems: string[] = [];
  const rel = (f: string) => path.relative(subRoot, real(f)) || path.basename(f);
  const subEntry = entryOf(input.entryFile);
  if (!subEntry || !inside(real(subEntry), subRoot)) {
    problems.push(`the entry ${path.relative(input.submissionDir, input.entryFile)} is ${subEntry ? real(subEntry) : 'missing'}, outside the submission folder (a symbolic link?)`);
  }
  // The submission's own files: reached from its entry through relative imports; package code below a bare import.
  const own = new Set<string>();
  const packageCode = new Set<string>();
  const imports: Record<string, string[]> = {};
  const localImports: Record<string, string[]> = {};
  const todo = subEntry ? [subEntry] : [];
  while (todo.length) {
    const f = todo.pop()!;
    if (own.has(f)) continue;
    own.add(f);
    const pkgs = new Set<string>();
    const locals = new Set<string>();
    for (const imp of inputs.get(f)?.imports ?? []) {
      const spec = imp.original ?? externalSpecs.get(imp.path) ?? imp.path;
      if (GLOB.test(imp.path)) {
        problems.push(`${rel(f)}: an import whose path is computed (${JSON.stringify(imp.path)}, from a template literal or a string built at run time): import files by their literal path`);
        continue;
      }
      if (isBare(spec) || imp.path.startsWith('node:') || isBuiltin(imp.path)) {
        pkgs.add(spec);
        if (!imp.external) for (const p of reach([abs(imp.path)], () => true)) packageCode.add(p);
        continue;
      }
      if (imp.external) continue;
      const target = abs(imp.path);
      if (!inside(real(target), subRoot)) problems.push(`${rel(f)}: imports ${real(target)}, outside the submission folder`);
      else if (isGradingCode(real(target), subRoot, probesInside)) problems.push(`${rel(f)}: imports ${rel(target)}, the assignment's grading code (${GRADING_DIR}/): a submission may not use it`);
      else {
        todo.push(target);
        locals.add(rel(target));
      }
    }
    imports[rel(f)] = [...pkgs].sort();
    localImports[rel(f)] = [...locals].sort();
  }
  for (const f of inputs.keys()) {
    if (trusted.has(f) || packageCode.has(f) || (own.has(f) && inside(real(f), subRoot))) continue;
    problems.push(`${real(f)} ended up in the submission's bundle, but it is not the submission's own file (brought in by a computed import or a symbolic link?)`);
  }
  if (problems.length) throw new BundleError(`refused: the submission reaches files outside its folder:\n${[...new Set(problems)].slice(0, 5).join('\n')}`, true);
  return { imports, localImports };
}

/**
 * The student bundle ships the assignment's public grading code in grading/ beside the student's files (and a
 * Classroom repository keeps it): the grader's own replays and checks, which no answer may call.
 */
function isGradingCode(file: string, subRoot: string, probesInside: string | undefined): boolean {
  return inside(file, path.join(subRoot, GRADING_DIR)) || (probesInside !== undefined && inside(file, probesInside));
}

function formatMessages(msgs: esbuild.Message[], submissionDir: string): string {
  return msgs
    .slice(0, 5)
    .map((m) => {
      const loc = m.location;
      const file = loc ? (path.isAbsolute(loc.file) ? path.relative(submissionDir, loc.file) : loc.file) : undefined;
      return `${file ? `${file}:${loc!.line}:${loc!.column + 1}: ` : ''}${m.text}${loc?.lineText ? `\n    ${loc.lineText.trim()}` : ''}`;
    })
    .join('\n');
}

function locatedIn(m: esbuild.Message, submissionDir: string): boolean {
  return !!m.location && inside(path.resolve(submissionDir, m.location.file), path.resolve(submissionDir));
}
