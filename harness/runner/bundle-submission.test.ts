// What the grader's compile lets a submission reach, and what it records of it: its own files and the packages
// each imports (directly, and file to file), never the grading code a student folder ships in grading/.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../assignment/load.ts';
import { BundleError, bundleSubmission, GRADING_DIR } from './bundle-submission.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'dlgrade-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const MINI = path.join(PACKAGE_ROOT, 'fixtures/assignments/mini');

/** A student folder as `dlgrade assign` writes it: files, and the mini assignment's probes under grading/. */
function studentFolder(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  cpSync(MINI, path.join(dir, GRADING_DIR), { recursive: true });
  return dir;
}

const bundle = (dir: string) => bundleSubmission({ submissionDir: dir, entryFile: path.join(dir, 'index.ts'), probesFile: path.join(dir, GRADING_DIR, 'probes.ts'), outDir: path.join(root, `${path.basename(dir)}-out`) });

describe('bundleSubmission in a student folder (probes under grading/)', () => {
  test("the probes there may use dlgrade's kit; the submission's files and their imports are recorded file by file", async () => {
    const dir = studentFolder('ok', {
      'index.ts': "export { relu, softmax } from './maths.ts';\nexport { buildMlp } from './model.ts';\n",
      'maths.ts': 'export const relu = (xs: number[]) => xs.map((x) => Math.max(0, x));\nexport const softmax = (xs: number[]) => xs;\n',
      'model.ts': "import * as tf from '@tensorflow/tfjs';\nimport { relu } from './maths.ts';\nexport const buildMlp = () => (relu([1]), tf.sequential());\n",
    });
    const b = await bundle(dir);
    expect(b.imports).toEqual({ 'index.ts': [], 'maths.ts': [], 'model.ts': ['@tensorflow/tfjs'] });
    expect(b.localImports).toEqual({ 'index.ts': ['maths.ts', 'model.ts'], 'maths.ts': [], 'model.ts': ['maths.ts'] });
  });

  test('a submission importing the grading code under grading/ is refused, naming the import', async () => {
    const dir = studentFolder('uses-grading', { 'index.ts': "export { probes } from './grading/probes.ts';\n" });
    const err = await bundle(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).message).toMatch(/index\.ts:1:\d+: "\.\/grading\/probes\.ts" is the assignment's grading code \(grading\/\): a submission may not import it/);
    expect((err as BundleError).inSubmission).toBe(true);
  });

  test("a submission importing dlgrade's kit is refused even when the probes beside it may", async () => {
    const dir = studentFolder('uses-kit', { 'index.ts': "export { accuracyAndLoss as relu } from 'dlgrade/kit';\n" });
    await expect(bundle(dir)).rejects.toThrow(/cannot import "dlgrade\/kit": a submission may import dlgrade\/layers/);
  });
});
