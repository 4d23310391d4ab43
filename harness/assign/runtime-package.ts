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
import { PACKAGE_ROOT } from '../assignment/load.ts';

/** What the runtime runs: its CLI verbs, the kit, the sandbox's child and the grading vitest config. */
const ENTRIES = [
  'harness/cli/main.ts',
  'harness/cli/check.ts',
  'harness/cli/grade.ts',
  'harness/cli/merge.ts',
  'harness/kit/index.ts',
  'harness/kit/probe.ts',
  'harness/kit/models.ts',
  'harness/kit/layers.ts',
  'harness/runner/submission-child.ts',
  'harness/runner/isolated-submission.ts',
  'harness/runner/inprocess-submission.ts',
  'harness/runner/vitest.grading.config.ts',
];

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
export async function runtimeFiles(root = PACKAGE_ROOT): Promise<{ files: string[]; packages: string[] }> {
  const result = await esbuild.build({
    entryPoints: ENTRIES.map((e) => path.join(root, e)),
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
  // vitest runs the suites (a spawned process, not an import); tsx runs the CLI (bin/dlgrade.js).
  for (const p of ['vitest', 'tsx']) packages.add(p);
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/** Packs the runtime build into `outDir`; returns the tarball's path. */
export async function packRuntime(outDir: string, root = PACKAGE_ROOT): Promise<string> {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as RootPackage;
  const { files, packages } = await runtimeFiles(root);
  const versions = { ...pkg.devDependencies, ...pkg.dependencies };
  const dependencies: Record<string, string> = {};
  for (const p of packages) {
    const v = versions[p];
    if (!v) throw new Error(`the runtime imports "${p}", which is not a dependency in ${path.join(root, 'package.json')}`);
    dependencies[p] = v;
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
      description: `${pkg.description ?? 'dlgrade'} (runtime: check, grade, merge and the authoring kit)`,
      type: pkg.type,
      bin: pkg.bin,
      exports: pkg.exports,
      engines: pkg.engines,
      // Builds the optional native BLAS bridge; a failure warns and the install goes on (build.mjs).
      scripts: { postinstall: 'node harness/engine/native/build.mjs' },
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
