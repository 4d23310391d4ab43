// DIR/student/: what a student receives and works in. The generated starter (reference with its solutions
// stripped, contract.ts, todo.ts, assignments/<id>/student/ files), the public grading files under grading/,
// the dlgrade runtime as a tarball under vendor/, a package.json whose every dependency comes from the npm
// registry or that tarball, a tsconfig.json and a .gitignore. `npm install && npm test` anywhere.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { isBuiltin } from 'node:module';
import { PACKAGE_ROOT } from '../assignment/load.ts';
import { GRADING_DIR } from '../runner/bundle-submission.ts';
import { stageSubmission } from './fixtures.ts';
import { gradingFiles, studentYaml } from './grading-files.ts';
import { INSTALL_SCRIPTS, packageName, requiredPackages } from './runtime-package.ts';
import type { AssignmentSources } from './sources.ts';

export { GRADING_DIR };


/** Packages the starter's own files import (dlgrade aside), with this checkout's versions. */
async function starterDependencies(dir: string, files: string[]): Promise<Record<string, string>> {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const versions = { ...pkg.devDependencies, ...pkg.dependencies };
  const entries = files.filter((f) => /\.(ts|mts|js|mjs)$/.test(f)).map((f) => path.join(dir, f));
  const result = await esbuild.build({ entryPoints: entries, bundle: true, write: false, metafile: true, packages: 'external', platform: 'node', format: 'esm', outdir: path.join(dir, '.out'), logLevel: 'silent', absWorkingDir: dir });
  const deps: Record<string, string> = {};
  for (const [input, meta] of Object.entries(result.metafile.inputs)) {
    const specs = [...meta.imports.filter((imp) => imp.external).map((imp) => imp.original ?? imp.path), ...requiredPackages(readFileSync(path.resolve(dir, input), 'utf8'))];
    for (const spec of specs) {
      if (isBuiltin(spec) || spec.startsWith('.') || spec === 'dlgrade' || spec.startsWith('dlgrade/')) continue;
      const name = packageName(spec);
      if (!versions[name]) throw new Error(`the starter imports "${name}", which this dlgrade checkout does not install: add it to package.json so its version can be pinned for students`);
      deps[name] = versions[name];
    }
  }
  return deps;
}

export interface StudentBundle {
  dir: string;
  files: string[];
}

/** Writes the public grading files into dir/grading (what `dlgrade check` and experiments.ts read). */
export async function writeGradingDir(src: AssignmentSources, dir: string): Promise<string[]> {
  const grading = await gradingFiles(src, 'visible');
  for (const f of grading) {
    const to = path.join(dir, GRADING_DIR, f);
    mkdirSync(path.dirname(to), { recursive: true });
    if (f === 'assignment.yaml') writeFileSync(to, studentYaml(src));
    else copyFileSync(path.join(src.assignmentDir, f), to);
  }
  return grading;
}

/** Writes DIR/student (dir) from the assignment's sources and the packed runtime tarball. */
export async function writeStudentBundle(src: AssignmentSources, dir: string, runtimeTgz: string): Promise<StudentBundle> {
  const starter = stageSubmission(src, 'starter', dir);
  const grading = await writeGradingDir(src, dir);
  mkdirSync(path.join(dir, 'vendor'), { recursive: true });
  const tgzName = path.basename(runtimeTgz);
  copyFileSync(runtimeTgz, path.join(dir, 'vendor', tgzName));
  const root = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string>; dependencies?: Record<string, string> };
  const dev = { ...root.devDependencies, ...root.dependencies };
  const pkg = {
    name: src.id,
    version: '1.0.0',
    private: true,
    type: 'module',
    description: `Assignment ${src.id}: \`npm test\` runs the visible tests (dlgrade check)`,
    scripts: {
      ...INSTALL_SCRIPTS.scripts,
      test: 'dlgrade check',
      typecheck: 'tsc --noEmit -p .',
      ...(starter.includes('experiments.ts') ? { experiments: 'tsx experiments.ts' } : {}),
    },
    // dlgrade check finds the grading files here.
    dlgrade: { assignment: `./${GRADING_DIR}` },
    dependencies: await starterDependencies(dir, starter),
    devDependencies: { dlgrade: `file:vendor/${tgzName}`, typescript: dev.typescript, tsx: dev.tsx, '@types/node': dev['@types/node'] },
    allowScripts: INSTALL_SCRIPTS.allowScripts,
  };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true, resolveJsonModule: true, types: ['node'] }, include: ['*.ts', 'src/**/*.ts'] }, null, 2)}\n`,
  );
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
  return { dir, files: [...starter, ...grading.map((f) => `${GRADING_DIR}/${f}`), `vendor/${tgzName}`, 'package.json', 'tsconfig.json', '.gitignore'].sort() };
}
