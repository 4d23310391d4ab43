import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { AssignmentError } from './errors.ts';
import { allTests, loadAssignment, parseAssignment, PACKAGE_ROOT } from './load.ts';

const BAD = path.join(PACKAGE_ROOT, 'fixtures/assignments/bad-yaml');

function problems(name: string): AssignmentError {
  const file = path.join(BAD, name);
  try {
    parseAssignment(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if (e instanceof AssignmentError) return e;
    throw e;
  }
  throw new Error(`${name} was accepted`);
}

describe('loadAssignment on the mini fixture', () => {
  test('loads with defaults filled in', () => {
    const a = loadAssignment(path.join(PACKAGE_ROOT, 'fixtures/assignments/mini'));
    expect(a.id).toBe('mini');
    expect(a.entry).toEqual(['index.ts', 'src/index.ts']);
    expect(a.exercises.map((x) => [x.id, x.points])).toEqual([['A', 10], ['B', 12]]);
    expect(allTests(a).map((t) => t.id)).toEqual(['A.relu.values', 'A.softmax.values', 'A.softmax.stable', 'B.params', 'B.shape', 'B.train.loss']);
    const manual = a.exercises[1]!.manual[0]!;
    expect(manual.answer).toEqual({ file: 'answers.md', heading: 'B.why' });
    expect(allTests(a).find((t) => t.id === 'B.train.loss')?.threshold).toEqual({ metric: 'final_loss', max: 0.9, reference: 0.55, margin: 0.35 });
  });

  test('an unknown id names where it looked', () => {
    expect(() => loadAssignment('no-such-assignment-xyz')).toThrow(/assignment "no-such-assignment-xyz" not found.*assignments\/no-such-assignment-xyz\/assignment.yaml/);
  });
});

describe('bad assignment.yaml files are rejected with file:line:col and the field', () => {
  const cases: Array<[file: string, line: number, field: string, message: RegExp]> = [
    ['wrong-type.yaml', 12, 'exercises[0].tests[0].points', /must be a number, got "three"/],
    ['missing-field.yaml', 10, 'exercises[0].tests[0].visibility', /is required but missing/],
    ['duplicate-id.yaml', 14, 'exercises[0].tests[1].id', /duplicate id "A.one" \(already used by test at exercises\[0\]\.tests\[0\]\)/],
    ['points-mismatch.yaml', 8, 'exercises[0].points', /worth 10 points but its tests \(4\) and manual items \(5\) add up to 9/],
    ['unknown-field.yaml', 13, 'exercises[0].tests[0].visiblity', /unknown field \(did you mean "visibility"\?\)/],
    ['bad-visibility.yaml', 13, 'exercises[0].tests[0].visibility', /must be one of visible, hidden, after_due_date, got "secret"/],
    ['wrong-prefix.yaml', 10, 'exercises[0].tests[0].id', /"B.one" must start with its exercise id and a dot \("A\."\)/],
    ['threshold.yaml', 17, 'exercises[0].tests[0].threshold.reference', /reference's own val_accuracy 0.85 is below min 0.9/],
  ];
  for (const [file, line, field, message] of cases) {
    test(file, () => {
      const err = problems(file);
      const hit = err.issues.find((i) => i.field === field);
      expect(hit, `issues: ${err.message}`).toBeDefined();
      expect(hit!.line).toBe(line);
      expect(hit!.message).toMatch(message);
      // The thrown message itself carries file:line:col and field, as the CLI prints it.
      expect(err.message).toContain(`fixtures/assignments/bad-yaml/${file}:${line}:${hit!.col} ${field}: `);
    });
  }

  test('yaml syntax errors carry the position yaml reports', () => {
    const err = problems('syntax-error.yaml');
    expect(err.issues[0]).toMatchObject({ line: 8, field: '' });
    expect(err.message).toMatch(/syntax-error\.yaml:8:\d+ YAML syntax: Flow sequence/);
  });

  test('duplicate keys are syntax errors at the second key', () => {
    const err = problems('duplicate-key.yaml');
    expect(err.message).toMatch(/duplicate-key\.yaml:9:5 YAML syntax: Map keys must be unique/);
  });

  test('every problem is reported at once', () => {
    const src = readFileSync(path.join(BAD, 'wrong-type.yaml'), 'utf8').replace('course: X\n', '').replace('visibility: visible', 'visibility: nope');
    const err = (() => {
      try {
        parseAssignment(src, 'x.yaml');
      } catch (e) {
        return e as AssignmentError;
      }
      throw new Error('accepted');
    })();
    expect(err.issues.map((i) => i.field).sort()).toEqual(['course', 'exercises[0].tests[0].points', 'exercises[0].tests[0].visibility']);
  });
});
