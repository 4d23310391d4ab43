// The runtime build of dlgrade that a student's folder and the Gradescope autograder install: the files
// `dlgrade check`, `grade` and `merge` and the kit need (found from esbuild's metafile, packages external), the
// engine's assets, and a package.json whose dependencies are exactly the packages those files import, at the
// versions this checkout uses. Packed with `npm pack` into a tarball that ships inside the bundle, so
// `npm install` there needs only the npm registry. No assignment, reference, fixture or test is in it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { PACKAGE_ROOT } from '../assignment/load.ts';

/**
 * What the runtime runs: its CLI verbs, the kit, the sandbox's child and the grading vitest config. The
 * student flavour leaves out dlgrade/kit/models: the harness's ports of the seed architectures are the
 * answers to architecture exercises, needed only by hidden suites (the grader flavour, for Gradescope).
 */
const STUDENT_ENTRIES = [
  'harness/cli/main.ts',
  'harness/cli/check.ts',
  'harness/cli/grade.ts',
  'harness/cli/merge.ts',
  'harness/kit/index.ts',
  'harness/kit/probe.ts',
  'harness/kit/layers.ts',
  'harness/runner/submission-child.ts',
  'harness/runner/isolated-submission.ts',
  'harness/runner/inprocess-submission.ts',
  'harness/runner/vitest.grading.config.ts',
];
const GRADER_ENTRIES = [...STUDENT_ENTRIES, 'harness/kit/models.ts'];

export type RuntimeFlavour = 'student' | 'grader';

/** Files loaded by path rather than import (workers, the native bridge's sources, the bin script). */
const ASSETS = ['bin/dlgrade.js', 'harness/engine/wasm-simd/simd-pool-worker.mjs', 'harness/engine/native/binding.gyp', 'harness/engine/native/blas-bridge.c', 'harness/engine/native/build.mjs'];

interface RootPackage {
  name: string;
  version: string;
  description?: string;
  type?: string;
  bin?: Record<string, string>;
  exports?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

/**
 * Packages a file loads through a require function of its own (createRequire(import.meta.url)('mnist')),
 * which a bundler does not see as an import.
 */
export function requiredPackages(text: string): string[] {
  return [...text.matchAll(/\brequire\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g)].map((m) => packageName(m[1]!)).filter((p) => !isBuiltin(p));
}

/** The runtime's files (relative to the package root) and the packages they import. */
export async function runtimeFiles(flavour: RuntimeFlavour, root = PACKAGE_ROOT): Promise<{ files: string[]; packages: string[] }> {
  const result = await esbuild.build({
    entryPoints: (flavour === 'student' ? STUDENT_ENTRIES : GRADER_ENTRIES).map((e) => path.join(root, e)),
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    outdir: path.join(root, '.out'),
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const files = new Set<string>(ASSETS.filter((a) => existsSync(path.join(root, a))));
  const packages = new Set<string>();
  for (const [input, meta] of Object.entries(result.metafile.inputs)) {
    files.add(path.relative(root, path.resolve(root, input)).split(path.sep).join('/'));
    for (const p of requiredPackages(readFileSync(path.resolve(root, input), 'utf8'))) packages.add(p);
    for (const imp of meta.imports) {
      const spec = imp.original ?? imp.path;
      if (!imp.external || isBuiltin(spec) || spec.startsWith('.') || spec.startsWith('/') || spec === 'dlgrade' || spec.startsWith('dlgrade/')) continue;
      packages.add(packageName(spec));
    }
  }
  // Type-only imports are erased by the bundler, yet a student's `tsc` reads them through the kit's types.
  for (const f of typeOnlyClosure(files, root, packages)) files.add(f);
  // vitest runs the suites (a spawned process, not an import); tsx runs the CLI (bin/dlgrade.js).
  for (const p of ['vitest', 'tsx']) packages.add(p);
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/**
 * The package's own .ts files that the given ones reach through any import, type-only included (TypeScript's
 * own pre-processor lists them), beyond the given ones; packages imported for types only join `packages`.
 */
function typeOnlyClosure(files: Set<string>, root: string, packages: Set<string>): string[] {
  const added: string[] = [];
  const todo = [...files].filter((f) => f.endsWith('.ts'));
  const seen = new Set(files);
  while (todo.length) {
    const f = todo.pop()!;
    const text = readFileSync(path.join(root, f), 'utf8');
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (isBuiltin(spec)) continue;
      if (!spec.startsWith('.')) {
        if (!spec.startsWith('dlgrade')) packages.add(packageName(spec));
        continue;
      }
      const target = path.join(path.dirname(f), spec.replace(/\.js$/, '.ts')).split(path.sep).join('/');
      if (seen.has(target) || !existsSync(path.join(root, target))) continue;
      seen.add(target);
      added.push(target);
      todo.push(target);
    }
  }
  return added;
}

/**
 * What a project installing the runtime adds to its package.json: its own postinstall builds the native BLAS
 * bridge (a failure warns, the install goes on: harness/engine/native/build.mjs), and the dependencies' install
 * scripts it allows (esbuild's checks its binary; core-js's only prints an advertisement).
 */
export const INSTALL_SCRIPTS = {
  scripts: { postinstall: 'node node_modules/dlgrade/harness/engine/native/build.mjs' },
  allowScripts: { esbuild: true, 'core-js': false },
};

/** Packs a runtime build into `outDir` (its own folder per flavour: the tarballs share a name); returns its path. */
export async function packRuntime(outDir: string, flavour: RuntimeFlavour, root = PACKAGE_ROOT): Promise<string> {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as RootPackage;
  const { files, packages } = await runtimeFiles(flavour, root);
  outDir = path.join(outDir, flavour);
  const versions = { ...pkg.devDependencies, ...pkg.dependencies };
  const dependencies: Record<string, string> = {};
  for (const p of packages) {
    const v = versions[p];
    if (!v) throw new Error(`the runtime imports "${p}", which is not a dependency in ${path.join(root, 'package.json')}`);
    dependencies[p] = v;
    // Its types too, when they come separately: the student's tsc reads the runtime's .ts sources.
    const types = `@types/${p.startsWith('@') ? p.slice(1).replace('/', '__') : p}`;
    if (versions[types]) dependencies[types] = versions[types];
  }
  const stage = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-runtime-'));
  try {
    for (const f of files) {
      mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
      cpSync(path.join(root, f), path.join(stage, f));
    }
    const manifest = {
      name: pkg.name,
      version: pkg.version,
      description: `${pkg.description ?? 'dlgrade'} (${flavour} runtime: check, grade, merge and the authoring kit)`,
      type: pkg.type,
      bin: pkg.bin,
      exports: flavour === 'student' ? Object.fromEntries(Object.entries(pkg.exports ?? {}).filter(([k]) => k !== './kit/models')) : pkg.exports,
      engines: pkg.engines,
      // No install script: npm 12 blocks a dependency's scripts unless the project lists it in allowScripts,
      // which takes only an absolute path for a tarball. The project that installs the runtime builds the
      // optional native BLAS bridge in its own postinstall (INSTALL_SCRIPTS), which npm always runs.
      dependencies,
    };
    writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    mkdirSync(outDir, { recursive: true });
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1)!;
    const tgz = path.join(outDir, out);
    if (!existsSync(tgz) || !statSync(tgz).size) throw new Error(`npm pack wrote no ${tgz}`);
    return tgz;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The files of a folder tree (for tests: what a tarball or bundle holds). */
export function treeFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? treeFiles(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]));
}
