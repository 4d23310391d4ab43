// Compiles what the sandboxed child runs, in the trusted parent, with esbuild: the child runtime
// (submission-child.ts), the assignment's probes and the submission, bundled together (code splitting, so
// the engine module the probes and the runtime share exists once) into a scratch folder. The child then
// needs neither tsx nor esbuild, and reads only that folder and the packages it imports.
//
// Confinement happens here, at compile time, because the compiler reads files as the grader: a submission
// may import its own files (realpath inside its folder), Node built-ins, and packages installed with the
// grader (resolved from the grader's root, never from the submission's own node_modules, and left
// external, so tfjs is one instance shared with the probes). Anything else, e.g.
// `import '../../reference/x/index.ts'`, is a compile error naming the import.
import { realpathSync } from 'node:fs';
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
}

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

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const isBare = (spec: string) => !spec.startsWith('.') && !path.isAbsolute(spec) && !spec.startsWith('file:');

/** The node_modules folder a resolved package file lives in (the outermost below the filesystem root). */
function packageRootOf(file: string): string | undefined {
  const parts = file.split(path.sep);
  const i = parts.indexOf('node_modules');
  return i < 0 ? undefined : parts.slice(0, i + 1).join(path.sep);
}

export async function bundleSubmission(input: BundleInput): Promise<Bundle> {
  const subRoot = realpathSync(input.submissionDir);
  const packageRoots = new Set<string>();
  const confine: esbuild.Plugin = {
    name: 'dlgrade-confine',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || (args.pluginData as { inner?: boolean } | undefined)?.inner) return undefined;
        const spec = args.path;
        if (isBuiltin(spec)) return { path: spec, external: true };
        const fromSubmission = inside(args.importer, subRoot) || inside(args.importer, path.resolve(input.submissionDir));
        if (isBare(spec)) {
          const r = await build.resolve(spec, { kind: args.kind, resolveDir: GRADER_ROOT, pluginData: { inner: true } });
          if (r.errors.length || !r.path) {
            return { errors: [{ text: `cannot import "${spec}": it is not a package installed with the grader${fromSubmission ? ' (a submission may import its own files, Node built-ins and the packages the assignment uses, e.g. @tensorflow/tfjs)' : ''}` }] };
          }
          const root = packageRootOf(r.path);
          if (root) packageRoots.add(root);
          return { path: pathToFileURL(r.path).href, external: true };
        }
        if (!fromSubmission) return undefined; // trusted code (runtime, probes, harness): normal resolution
        const r = await build.resolve(spec, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
        if (r.errors.length) return { errors: r.errors };
        const real = realpathSync(r.path);
        if (!inside(real, subRoot)) {
          return { errors: [{ text: `"${spec}" resolves to ${real}, outside the submission folder: a submission may import only its own files, Node built-ins and installed packages` }] };
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
    });
  } catch (err) {
    const errors = (err as { errors?: esbuild.Message[] }).errors;
    if (!Array.isArray(errors) || !errors.length) throw err;
    throw new BundleError(formatMessages(errors, input.submissionDir), errors.every((m) => locatedIn(m, input.submissionDir)));
  }
  if (result.errors.length) throw new BundleError(formatMessages(result.errors, input.submissionDir), result.errors.every((m) => locatedIn(m, input.submissionDir)));
  return {
    runtime: path.join(input.outDir, 'runtime.mjs'),
    probes: path.join(input.outDir, 'probes.mjs'),
    submission: path.join(input.outDir, 'submission.mjs'),
    packageRoots: [...packageRoots],
  };
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
