// CSCI-5501 A2, graded for real: the reference scores full marks with every test under process isolation,
// each seed-bug fixture loses exactly the tests its bug breaks (with feedback that names the bug), and the
// blank starter scores what the code the seed gives earns. Also: the copies this assignment keeps (the
// starter's contract, the goldens, the fixtures' unchanged files) have not drifted from their sources.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadAssignment, PACKAGE_ROOT } from '../harness/assignment/load.ts';
import { formatResult } from '../harness/cli/print-result.ts';
import type { SubmissionResult } from '../harness/results/types.ts';
import { gradeSubmission } from '../harness/runner/grade-submission.ts';

const ID = 'csci5501-a2';
const ASSIGNMENT = path.join(PACKAGE_ROOT, 'assignments', ID);
const REFERENCE = path.join(PACKAGE_ROOT, 'reference', ID);
const FIXTURES = path.join(PACKAGE_ROOT, 'fixtures/submissions', ID);
const STARTER = path.join(ASSIGNMENT, 'starter');
// Grading a submission runs every suite (trainings included): minutes, not the default two.
const GRADE_MS = 300_000;

function grade(dir: string, scope: 'visible' | 'all', isolation: 'inprocess' | 'process' = 'inprocess'): Promise<SubmissionResult> {
  return gradeSubmission({ assignment: ASSIGNMENT, submissionDir: dir, scope, isolation, backend: 'wasm' });
}

/** Scores of the tests that did not earn full marks. */
function lost(r: SubmissionResult): Record<string, number> {
  return Object.fromEntries(r.tests.filter((t) => t.score < t.maxScore).map((t) => [t.id, Math.round(t.score * 100) / 100]));
}

const output = (r: SubmissionResult, id: string) => r.tests.find((t) => t.id === id)?.output ?? '';
const total = (r: SubmissionResult) => Math.round(r.score * 100) / 100;

describe('csci5501-a2 graded end to end', () => {
  test('the reference scores full marks with every test, isolated, with no warnings', { timeout: GRADE_MS }, async () => {
    const r = await grade(REFERENCE, 'all', 'process');
    expect(r.warnings).toBeUndefined();
    expect([r.status, r.score, r.maxScore]).toEqual(['ok', 65, 65]);
    expect(lost(r)).toEqual({});
    expect(r.tests).toHaveLength(27);
    expect(r.manual.map((m) => [m.id, m.maxScore, !!m.answer])).toEqual([
      ['D.1', 12, true],
      ['E.1', 15, true],
      ['F.1', 8, true],
    ]);
    expect(r.exercises.map((x) => [x.id, x.maxScore + x.manualMaxScore])).toEqual([
      ['A', 10],
      ['B', 20],
      ['C', 20],
      ['D', 20],
      ['E', 15],
      ['F', 15],
    ]);
    // The convergence figures are reported with the bar and the reference's own figure.
    expect(output(r, 'A.train.mnist')).toMatch(/needs >= 85; the reference reaches/);
    expect(output(r, 'B.train.synthetic')).toMatch(/ConvNet [\d.]+% vs FC \[128, 64\] [\d.]+%/);
  });

  test('fc-no-flatten: every A test fails, naming the missing flatten', { timeout: GRADE_MS }, async () => {
    const r = await grade(path.join(FIXTURES, 'fc-no-flatten'), 'all');
    expect(lost(r)).toEqual({ 'A.shape': 0, 'A.params': 0, 'A.shape.hidden': 0, 'A.activation': 0, 'A.train.mnist': 0, 'D.factory': 1.33 });
    expect(total(r)).toBe(54.33);
    expect(output(r, 'A.shape')).toMatch(/expected output shape \[4, 10\], got \[4, 28, 28, 10\]: the input was not flattened before the first Dense layer \(A\.2/);
    expect(output(r, 'A.params')).toMatch(/expected 535,818 trainable parameters .*got 134,922: the first Dense layer sees only the image's last axis/);
    expect(output(r, 'A.activation')).toMatch(/not flattened/);
    expect(output(r, 'A.train.mnist')).toMatch(/The loss needs logits \[batch, 10\]: see A\.shape \(A\.2: flatten the input\)/);
  });

  test('convnet-placeholders: the ConvNet tests fail, naming the placeholder strings; B.1 still earns its points', { timeout: GRADE_MS }, async () => {
    const r = await grade(path.join(FIXTURES, 'convnet-placeholders'), 'all');
    expect(lost(r)).toEqual({ 'B.shape': 0, 'B.params': 0, 'B.architecture': 0, 'B.train.synthetic': 0, 'D.factory': 1.33 });
    expect(total(r)).toBe(49.33);
    for (const id of ['B.shape', 'B.params', 'B.architecture', 'B.train.synthetic']) {
      expect(output(r, id), id).toMatch(/layer\.apply is not a function \(at convnet\.ts:\d+:\d+\).*placeholder string \("Write code here\."\) left in the list \(B\.2/s);
    }
  });

  test('patience-never-increments: the stopping checks fail and say why; patience Infinity still passes', { timeout: GRADE_MS }, async () => {
    const r = await grade(path.join(FIXTURES, 'patience-never-increments'), 'all');
    expect(lost(r)).toEqual({ 'C.early.stop': 0, 'C.early.hidden': 0.5 });
    expect(total(r)).toBe(58.5);
    expect(output(r, 'C.early.stop')).toMatch(/expected training to stop after epoch 3 .* but it ran all 12 epochs: does the patience counter go up by 1/);
  });

  test('freeze-by-substring: the conv1/bn1 option fails with the substring diagnosis', { timeout: GRADE_MS }, async () => {
    const r = await grade(path.join(FIXTURES, 'freeze-by-substring'), 'all');
    expect(lost(r)).toEqual({ 'F.trainable': 2.5, 'F.freeze.step': 0.5 });
    expect(total(r)).toBe(64);
    expect(output(r, 'F.trainable')).toMatch(/expected 11,172,106 trainable parameters .*got 6,449,674; also frozen: layer1\.0\.conv1.*substrings/);
    expect(output(r, 'F.freeze.step')).toMatch(/every parameter outside conv1, bn1 to change, but these did not: layer1\.0\.conv1\/kernel/);
  });

  test('the blank starter: what the given code earns, and what `npm test` (dlgrade check) shows the student', { timeout: GRADE_MS }, async () => {
    const all = await grade(STARTER, 'all');
    expect(total(all)).toBe(11.17);
    const passing = all.tests.filter((t) => t.score === t.maxScore).map((t) => t.id);
    expect(passing).toEqual(['D.pipeline.split', 'D.pipeline.normalisation', 'D.pipeline.augmentation', 'F.shape', 'F.resize', 'F.weights.file']);
    // The TODO markers point at the line to write, not at the helper that throws.
    expect(output(all, 'C.accuracy')).toMatch(/TODO C\.2: the evaluation of one batch \(at trainer\.ts:\d+:\d+\)/);

    const visible = await grade(STARTER, 'visible');
    expect([total(visible), visible.maxScore]).toEqual([6.17, 38]);
    const shown = formatResult(visible);
    for (const line of [/A\. FullyConnectedClassifier.*: 0\/5/, /B\. ConvNet.*: 0\/10/, /C\. Trainer.*: 1\/14/, /D\. ModelFactory.*: 2\.67\/4/, /F\. Fine-tuning ResNet-18: 2\.5\/5/, /Total: 6\.17\/38/]) {
      expect(shown).toMatch(line);
    }
    expect(shown).toMatch(/row 1 \(Conv2D\): expected \(32, 32, 12\), got "\?\?"/);
  });
});

describe('csci5501-a2 copies have not drifted', () => {
  test("the starter's contract.ts is the assignment's", () => {
    expect(readFileSync(path.join(STARTER, 'contract.ts'), 'utf8')).toBe(readFileSync(path.join(ASSIGNMENT, 'contract.ts'), 'utf8'));
  });

  test('golden.json holds the PyTorch goldens it was copied from', () => {
    const dir = process.env.DLGRADE_GOLDEN_DIR ?? fileURLToPath(new URL('../../shared/golden/', import.meta.url));
    const src = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;
    const copy = JSON.parse(readFileSync(path.join(ASSIGNMENT, 'golden.json'), 'utf8')) as {
      models: unknown;
      optimizer: { key: string; w0: unknown; grads: unknown; trajectory: unknown };
      interpolate: { key: string; input: unknown; size: unknown; output: unknown };
    };
    expect(copy.models).toEqual(src('models.json').csci5501_a2);
    const opt = src('optimizers.json');
    expect([copy.optimizer.w0, copy.optimizer.grads, copy.optimizer.trajectory]).toEqual([opt.w0, opt.grads, opt[copy.optimizer.key]]);
    const interp = src('interpolate.json');
    expect([copy.interpolate.input, copy.interpolate.size, copy.interpolate.output]).toEqual([interp.input, interp.size, interp[copy.interpolate.key]]);
  });

  test("each fixture differs from the reference only in the file that holds its bug", () => {
    const changed: Record<string, string> = {
      'fc-no-flatten': 'fully-connected.ts',
      'convnet-placeholders': 'convnet.ts',
      'patience-never-increments': 'trainer.ts',
      'freeze-by-substring': 'resnet18.ts',
    };
    const refFiles = readdirSync(REFERENCE).filter((f) => f.endsWith('.ts'));
    const normalise = (s: string) => s.replaceAll('../../../../assignments/', '../../assignments/');
    for (const [name, file] of Object.entries(changed)) {
      const dir = path.join(FIXTURES, name);
      expect(readdirSync(dir).filter((f) => f.endsWith('.ts')).sort(), name).toEqual([...refFiles].sort());
      for (const f of refFiles) {
        const same = normalise(readFileSync(path.join(dir, f), 'utf8')) === readFileSync(path.join(REFERENCE, f), 'utf8');
        expect([name, f, same]).toEqual([name, f, f !== file]);
      }
      expect(readFileSync(path.join(dir, file), 'utf8')).toMatch(/BUG \(seed 002/);
    }
  });

  test('assignment.yaml loads and its points are the seed\'s', () => {
    const a = loadAssignment(ASSIGNMENT);
    expect(a.exercises.map((x) => [x.id, x.points])).toEqual([
      ['A', 10],
      ['B', 20],
      ['C', 20],
      ['D', 20],
      ['E', 15],
      ['F', 15],
    ]);
  });
});
