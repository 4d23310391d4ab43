// Every assignment, graded for real from its one source: the reference (solution view) scores full marks with
// no warnings; the generated starter compiles and scores what its manifest says (all tests and `dlgrade check`'s
// visible ones); every fixture (a patch on the reference) scores exactly its manifest, losing exactly the tests
// it lists, with feedback that matches. One class run per assignment (sandboxed, the machine's cores), so adding
// an assignment adds no test file. Filter one with `npx vitest run tests/assignments.test.ts -t <id>`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadManifest, stageSubmission, type Expectation } from '../harness/assign/fixtures.ts';
import { writeGradingDir } from '../harness/assign/student-bundle.ts';
import { assignmentIds, sourcesOf } from '../harness/assign/sources.ts';
import { PACKAGE_ROOT, loadAssignment } from '../harness/assignment/load.ts';
import { gradeClass } from '../harness/runner/grade-class.ts';
import { gradeSubmission } from '../harness/runner/grade-submission.ts';
import type { SubmissionResult } from '../harness/types/submission-result.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-assignments-'));
// Inside the package, so the starter's `dlgrade/...` imports resolve (package self-reference) when type-checked.
const typecheckRoot = path.join(PACKAGE_ROOT, '.scratch');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const round = (x: number) => Math.round(x * 100) / 100;

/** Tests below full marks, with the points they kept. */
function lost(r: SubmissionResult): Record<string, number> {
  return Object.fromEntries(r.tests.filter((t) => t.score < t.maxScore).map((t) => [t.id, round(t.score)]));
}

function expectAsListed(r: SubmissionResult, e: Expectation, who: string): void {
  const where = `${who}: ${JSON.stringify(r.tests.filter((t) => t.score < t.maxScore).map((t) => [t.id, round(t.score), t.output.slice(0, 300)]))}`;
  if (e.lost) expect(lost(r), where).toEqual(e.lost);
  expect(round(r.score), where).toBe(e.score);
  for (const [id, pattern] of Object.entries(e.feedback ?? {})) {
    const t = r.tests.find((x) => x.id === id);
    expect(t?.output ?? `(no test ${id})`, `${who} ${id}`).toMatch(new RegExp(pattern, 's'));
  }
}

// A class run of every submission takes minutes (each grades every test in the sandbox).
const CLASS_MS = 1_200_000;

describe.each(assignmentIds())('%s', (id) => {
  const src = sourcesOf(id);
  const a = loadAssignment(id);
  const manifest = loadManifest(src);
  const total = a.exercises.flatMap((x) => x.tests).reduce((s, t) => s + t.points, 0);
  const students = ['reference', ...(manifest.starter ? ['starter'] : []), ...manifest.fixtures.map((f) => f.name)];
  let run: Promise<SubmissionResult[]> | undefined;
  const graded = () =>
    (run ??= (async () => {
      const classDir = path.join(root, id, 'class');
      for (const s of students) stageSubmission(src, s, path.join(classDir, s));
      const r = await gradeClass({ assignment: a, classDir, outDir: path.join(root, id, 'out'), workers: Math.min(students.length, os.availableParallelism()) });
      return r.results;
    })());
  const result = async (student: string) => (await graded()).find((r) => r.student === student)!;

  test('the reference scores full marks with every test, sandboxed, with no warnings', { timeout: CLASS_MS }, async () => {
    const r = await result('reference');
    expect(r.warnings, JSON.stringify(r.warnings)).toBeUndefined();
    expect([r.status, r.score, r.maxScore], JSON.stringify(lost(r))).toEqual(['ok', total, total]);
    for (const m of r.manual) expect(m.answer, `reference answers.md has no section for ${m.id}`).toBeTruthy();
  });

  test.each(manifest.fixtures.map((f) => [f.name, f] as const))('fixture %s scores exactly its manifest', { timeout: CLASS_MS }, async (name, f) => {
    expectAsListed(await result(name), f, name);
  });

  test.runIf(!!manifest.starter)('the generated starter compiles and scores its manifest (all tests, and the visible ones)', { timeout: CLASS_MS }, async () => {
    const want = manifest.starter!;
    // tsc over the starter as a student has it: contract.ts, todo.ts, the stripped reference, student/ files
    // and the public grading files under grading/ (experiments.ts may import them).
    mkdirSync(typecheckRoot, { recursive: true });
    const dir = mkdtempSync(path.join(typecheckRoot, `starter-${id}-`));
    try {
      stageSubmission(src, 'starter', dir);
      await writeGradingDir(src, dir);
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true, resolveJsonModule: true, types: ['node'] }, include: ['**/*.ts'] }),
      );
      const tsc = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr, 'the generated starter does not type-check').toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const all = await result('starter');
    expectAsListed(all, want, 'starter');
    if (want.passing) expect(all.tests.filter((t) => t.score === t.maxScore).map((t) => t.id)).toEqual(want.passing);
    const visibleDir = path.join(root, id, 'starter-visible');
    stageSubmission(src, 'starter', visibleDir);
    const visible = await gradeSubmission({ assignment: a, submissionDir: visibleDir, scope: 'visible', isolation: 'process' });
    expect(round(visible.score), JSON.stringify(visible.tests.filter((t) => t.score < t.maxScore).map((t) => [t.id, round(t.score), t.status, t.output.slice(0, 300)]))).toBe(want.visible);
  });
});
